package groups

import (
	"context"
	"errors"
	"time"

	"hearth/domain"
	"hearth/messages"
)

// ErrErasurePending means an erasure was recorded (the person has left
// their groups) but not finished: ResumeErasures finishes it.
var ErrErasurePending = errors.New("erasure recorded; it will be finished later")

// ErrChannelLost means Discord refuses for good to change a channel's
// permissions: Hearth can no longer see the channel (403 Missing Access).
// Asking again cannot help, so an erasure or retention goes ahead without
// that channel, and a note tells moderators to look at it.
var ErrChannelLost = errors.New("Hearth has lost access to the channel")

// PeopleStore is what a person's data (/mydata, /forget) and retention
// need of the database.
type PeopleStore interface {
	Export(ctx context.Context, guildID, userID string, now time.Time) (domain.PersonalData, error)
	FacilitatedGroups(ctx context.Context, guildID, userID string) ([]string, error)
	BeginErasure(ctx context.Context, guildID, userID string, now time.Time) error
	ErasureAccess(ctx context.Context, guildID, userID string) ([]domain.Access, error)
	AccessRemoved(ctx context.Context, guildID, userID string, groupID int64) error
	Erase(ctx context.Context, guildID, userID string) error
	PendingErasures(ctx context.Context) ([]domain.Erasure, error)
	ExpiredArchives(ctx context.Context, before time.Time, limit int) ([]domain.Access, error)
	ClearArchivedGroup(ctx context.Context, groupID int64) error
}

// Forget erases userID from guildID: they leave every group of the server,
// their access to every group channel (text and voice, archived groups
// included) is removed, and every record naming them goes. The erasure is
// recorded first, with their leaving, so that one cut short (Discord down,
// a crash) is finished by ResumeErasures; an error here means it is
// pending, not lost. A facilitator of a live group is refused with
// domain.ErrFacilitates, and nothing changes.
func (s *Service) Forget(ctx context.Context, guildID, userID string) error {
	if err := s.People.BeginErasure(ctx, guildID, userID, s.Clock.Now()); err != nil {
		return err
	}
	if err := s.finishErasure(ctx, domain.Erasure{GuildID: guildID, UserID: userID}); err != nil {
		return errors.Join(ErrErasurePending, err)
	}
	return nil
}

// ResumeErasures finishes the erasures that were cut short: at start-up,
// and again while Discord keeps refusing.
func (s *Service) ResumeErasures(ctx context.Context) error {
	if s.People == nil {
		return nil // a service without a person's data: nothing to resume
	}
	pending, err := s.People.PendingErasures(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range pending {
		if !s.serves(e.GuildID) {
			continue // another process's shard finishes it
		}
		if err := s.finishErasure(ctx, e); err != nil {
			errs = append(errs, err)
			continue
		}
		s.Log.Info("finished an erasure left pending", "guild", e.GuildID)
	}
	return errors.Join(errs...)
}

// finishErasure removes the person's overwrites, then their records and
// the erasure's own, and offers the seats they freed.
func (s *Service) finishErasure(ctx context.Context, e domain.Erasure) error {
	access, err := s.People.ErasureAccess(ctx, e.GuildID, e.UserID)
	if err != nil {
		return err
	}
	for _, a := range access {
		if err := s.removeAccess(ctx, a); err != nil {
			return errors.Join(ErrDiscord, err)
		}
		if err := s.People.AccessRemoved(ctx, e.GuildID, e.UserID, a.GroupID); err != nil {
			return err
		}
	}
	if err := s.People.Erase(ctx, e.GuildID, e.UserID); err != nil {
		return err
	}
	for _, a := range access {
		if a.Live {
			if err := s.SeatsFreed(ctx, a.GroupID); err != nil {
				s.Log.Warn("offering a seat freed by an erasure failed", "group", a.GroupID, "err", err)
			}
		}
	}
	return nil
}

// removeAccess deletes the overwrites of a.UserIDs on a group's text and
// voice channels, under the group's lock; one already gone is fine, and so
// is a channel Hearth can no longer reach (ErrChannelLost), which is noted
// in the log channel naming nobody.
func (s *Service) removeAccess(ctx context.Context, a domain.Access) error {
	unlock, err := s.Locks.Lock(ctx, a.GroupID)
	if err != nil {
		return err
	}
	defer unlock()
	for _, ch := range []string{a.ChannelID, a.VoiceChannelID} {
		if ch == "" {
			continue
		}
		for _, id := range a.UserIDs {
			err := s.Discord.RemoveMember(ctx, ch, id)
			if errors.Is(err, ErrChannelLost) {
				s.channelLost(ctx, a.GuildID, a.GroupID, ch)
				break // the channel's other overwrites cannot be reached either
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// unlessLost is err, or nil when it is ErrChannelLost, which is noted:
// Hearth cannot take away a permission on a channel it no longer sees, and
// that must not keep a person in a group or their records in the database.
func (s *Service) unlessLost(ctx context.Context, g domain.Group, channelID string, err error) error {
	if !errors.Is(err, ErrChannelLost) {
		return err
	}
	s.channelLost(ctx, g.GuildID, g.ID, channelID)
	return nil
}

// channelLost logs and notes, naming nobody, a permission Hearth could not
// take away on a channel it can no longer see.
func (s *Service) channelLost(ctx context.Context, guildID string, groupID int64, channelID string) {
	s.Log.Warn("a channel's overwrite could not be removed: Hearth has lost access to it; going on without it",
		"guild", guildID, "group", groupID, "channel", channelID)
	s.Note(ctx, guildID, func(p *messages.Printer) string { return p.NoteChannelLost(channelID) })
}

// retentionBatch is how many expired archives one pass clears.
const retentionBatch = 50

// ClearExpiredArchives erases the member records of groups archived before
// `before` (groups.retention_days): the overwrites Hearth left on their
// channels first, then every record naming someone. The group itself, its
// name and counts stay. It returns how many groups it cleared; what
// Discord refused is tried again at the next pass.
func (s *Service) ClearExpiredArchives(ctx context.Context, before time.Time) (int, error) {
	cleared := 0
	var errs []error
	for {
		expired, err := s.People.ExpiredArchives(ctx, before, retentionBatch)
		if err != nil {
			return cleared, err
		}
		done := 0
		for _, a := range expired {
			if err := s.removeAccess(ctx, a); err != nil {
				errs = append(errs, err)
				continue
			}
			if err := s.People.ClearArchivedGroup(ctx, a.GroupID); err != nil {
				return cleared, errors.Join(append(errs, err)...)
			}
			done++
		}
		cleared += done
		if len(expired) < retentionBatch || done == 0 {
			return cleared, errors.Join(errs...)
		}
	}
}
