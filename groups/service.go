package groups

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"hearth/domain"
	"hearth/internal/grouplock"
	"hearth/messages"
)

// ErrDiscord means Discord refused a change, which was then undone: nothing
// changed.
var ErrDiscord = errors.New("discord refused the change")

// Channels is the few Discord calls a group's life needs. The bot
// implements it, retrying transient failures, so an error here means the
// change did not happen and the caller must undo its own.
type Channels interface {
	CreateGroupChannel(ctx context.Context, spec ChannelSpec) (channelID string, err error)
	AllowMember(ctx context.Context, channelID, userID string) error
	RemoveMember(ctx context.Context, channelID, userID string) error
	// ArchiveChannel makes the channel read-only for memberIDs, or deletes it.
	ArchiveChannel(ctx context.Context, channelID string, memberIDs []string, deleteChannel bool) error
	// SetRoleAccess allows a role the member bits on a channel, or removes
	// its overwrite.
	SetRoleAccess(ctx context.Context, channelID, roleID string, allow bool) error
	// SendMessage posts in a channel, pinging exactly mentionIDs; nonce, when
	// set, lets Discord drop a repeat.
	SendMessage(ctx context.Context, channelID, content string, mentionIDs []string, nonce string) error
	// SendDM sends a person a direct message with buttons; ErrCannotDM when
	// they take none from the bot.
	SendDM(ctx context.Context, userID, content string, buttons []Button, nonce string) error
	// RenameChannel sets a group channel's name and topic.
	RenameChannel(ctx context.Context, channelID, name, topic string) error
	// PostMessage posts in a channel with buttons, pinging nobody, and
	// returns the message's id; EditMessage replaces its content and buttons.
	PostMessage(ctx context.Context, channelID, content string, buttons []Button) (string, error)
	EditMessage(ctx context.Context, channelID, messageID, content string, buttons []Button) error
}

// Store is what a group's life needs of the database.
type Store interface {
	Settings(ctx context.Context, guildID string) (domain.Settings, error)
	Group(ctx context.Context, id int64) (domain.Group, error)
	Groups(ctx context.Context, guildID string) ([]domain.Group, error)
	ArchivedGroups(ctx context.Context, guildID string) ([]domain.Group, error)
	SetVoiceChannel(ctx context.Context, groupID int64, channelID string, now time.Time) error
	SetScheduleFor(ctx context.Context, groupID int64, spec, timezone, reminders string, duration time.Duration, now time.Time) error
	GroupEvents(ctx context.Context, guildID string) ([]domain.GroupEvent, error)
	SetGroupEvent(ctx context.Context, e domain.GroupEvent) error
	DropGroupEvent(ctx context.Context, groupID int64, eventID string) error
	EventGuilds(ctx context.Context) ([]string, error)
	CreateGroup(ctx context.Context, g domain.Group, now time.Time) (domain.Group, error)
	SetGroupChannel(ctx context.Context, groupID int64, channelID string) error
	DeleteGroup(ctx context.Context, groupID int64) error
	Join(ctx context.Context, groupID int64, userID string, now time.Time, agreed int) error
	Leave(ctx context.Context, groupID int64, userID string) (joinedAt time.Time, err error)
	Rejoin(ctx context.Context, groupID int64, userID string, joinedAt time.Time) error
	DropGrant(ctx context.Context, groupID int64, userID string) error
	Members(ctx context.Context, groupID int64) ([]string, error)
	Lock(ctx context.Context, groupID int64, at, now time.Time) error
	SetSchedule(ctx context.Context, groupID int64, spec, timezone, reminders string, now time.Time) error
	SetGuidelines(ctx context.Context, groupID int64, text string) (int, error)
	UpdateGroup(ctx context.Context, groupID int64, c domain.GroupChanges) (before domain.Group, err error)
	IsMember(ctx context.Context, groupID int64, userID string) (bool, error)
	Archive(ctx context.Context, groupID int64, at time.Time) (domain.ArchiveUndo, error)
	Unarchive(ctx context.Context, groupID int64, undo domain.ArchiveUndo, now time.Time) error
	FinishArchive(ctx context.Context, groupID int64) error
	StrayGrants(ctx context.Context, groupID int64) ([]domain.StrayGrant, error)
	GrantRole(ctx context.Context, guildID, roleID string) error
	OfferNext(ctx context.Context, groupID int64, now, expires time.Time) (domain.Offer, bool, error)
	SetOfferState(ctx context.Context, id int64, state domain.OfferState) (bool, error)
	ClaimPendingOffers(ctx context.Context, now time.Time) ([]domain.Offer, error)
	ReopenOffer(ctx context.Context, groupID int64, userID string, now time.Time) error
	HeldOffer(ctx context.Context, groupID int64, userID string) (domain.Offer, bool, error)
	GroupsWithWaiting(ctx context.Context) ([]int64, error)
	UserLocale(ctx context.Context, userID string) (string, error)
	DropRoleGrant(ctx context.Context, guildID, roleID string) error
	PendingArchives(ctx context.Context) ([]domain.Group, error)
	Safety(ctx context.Context, guildID string) (domain.Safety, error)
	SaveSafety(ctx context.Context, sf domain.Safety) error
}

// Service carries out the changes in a group's life.
type Service struct {
	Store           Store
	People          PeopleStore // a person's data and retention
	Discord         Channels
	Locks           *grouplock.Locks
	guilds          grouplock.GuildLocks // per server: settings changes, and the channels made with them
	Clock           domain.Clock
	Log             *slog.Logger
	DeleteOnArchive bool          // groups.on_archive = "delete"
	Key             []byte        // signs the custom ids of the buttons in direct messages
	OfferFor        time.Duration // how long an offered seat is held (groups.offer_hours); 0: a day
	// OnStray is told when an undo left someone's overwrite behind (Discord
	// failed twice): the bot then sweeps stray grants until it succeeds.
	OnStray func()
	// Serves says which servers' channels this process repairs (stray
	// grants, archives left half done): its own shard's. nil: all.
	Serves func(guildID string) bool
	// Voice makes groups' voice channels and scheduled events; nil: none.
	Voice       Voice
	eventLocks  grouplock.GuildLocks // per server: its scheduled events are brought up to date one at a time
	eventsNoted sync.Map             // server id → a missing events permission was noted in its log channel
	// AutoMod keeps each server's crisis-alert rule; nil: crisis alerts
	// cannot be turned on.
	AutoMod AutoMod
}

// serves reports whether this process repairs the channels of the guild.
func (s *Service) serves(guildID string) bool { return s.Serves == nil || s.Serves(guildID) }

// undoTimeout bounds an undo: it runs even when the request was cancelled,
// but must not hold the group's lock for long; start-up reconciliation
// finishes what it could not.
const undoTimeout = 30 * time.Second

func undoContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), undoTimeout)
}

// Create stores g (validated by the caller) with its plan, makes its
// private channel, and removes the group again if Discord refuses the
// channel. by is who created it, for the log channel's note.
func (s *Service) Create(ctx context.Context, g domain.Group) (domain.Group, error) {
	return s.create(ctx, g, false)
}

// CreateWithVoice is Create that also gives the group a private voice
// channel; the group is removed again if Discord refuses either channel.
func (s *Service) CreateWithVoice(ctx context.Context, g domain.Group) (domain.Group, error) {
	g, err := s.create(ctx, g, true)
	if err == nil {
		s.SyncEvents(ctx, g.GuildID)
	}
	return g, err
}

func (s *Service) create(ctx context.Context, g domain.Group, voice bool) (domain.Group, error) {
	// The settings are read into the channel (the moderator role) under
	// the server's lock, so that a /setup in flight cannot leave the new
	// channel with the role it replaces.
	unlockGuild, err := s.guilds.Lock(ctx, g.GuildID)
	if err != nil {
		return g, err
	}
	defer unlockGuild()
	settings, err := s.Store.Settings(ctx, g.GuildID)
	if err != nil {
		return g, err
	}
	created, err := s.Store.CreateGroup(ctx, g, s.Clock.Now())
	if err != nil {
		return g, err // as given, so that a refusal can name it
	}
	g = created
	unlock, err := s.Locks.Lock(ctx, g.ID)
	if err != nil {
		undo, cancel := undoContext(ctx)
		defer cancel()
		s.deleteGroup(undo, g.ID)
		return g, err
	}
	defer unlock()
	channelID, err := s.Discord.CreateGroupChannel(ctx, s.channelSpec(g, settings))
	if err != nil {
		s.Log.Warn("create undone: channel not made", "group", g.ID, "err", err)
		undo, cancel := undoContext(ctx)
		defer cancel()
		s.deleteGroup(undo, g.ID)
		return g, errors.Join(ErrDiscord, err)
	}
	if err := s.Store.SetGroupChannel(ctx, g.ID, channelID); err != nil {
		// Without the channel id stored, the two cannot be kept in step.
		undo, cancel := undoContext(ctx)
		defer cancel()
		if derr := s.Discord.ArchiveChannel(undo, channelID, nil, true); derr != nil {
			s.Log.Error("undo create: deleting the channel failed", "group", g.ID, "channel", channelID, "err", derr)
		}
		s.deleteGroup(undo, g.ID)
		return g, err
	}
	g.ChannelID = channelID
	if voice {
		if g.VoiceChannelID, err = s.makeVoice(ctx, g, settings); err != nil {
			s.Log.Warn("create undone: voice channel not made", "group", g.ID, "err", err)
			undo, cancel := undoContext(ctx)
			defer cancel()
			if derr := s.Discord.ArchiveChannel(undo, channelID, nil, true); derr != nil {
				s.Log.Error("undo create: deleting the channel failed", "group", g.ID, "channel", channelID, "err", derr)
			}
			s.deleteGroup(undo, g.ID)
			return g, err
		}
	}
	s.Log.Info("group created", "guild", g.GuildID, "group", g.ID, "kind", g.Kind)
	s.note(ctx, settings, func(p *messages.Printer) string { return p.NoteCreated(g.Name, g.Kind) })
	return g, nil
}

func (s *Service) deleteGroup(ctx context.Context, id int64) {
	if err := s.Store.DeleteGroup(ctx, id); err != nil {
		s.Log.Error("undo create failed", "group", id, "err", err)
	}
}

// RemakeChannel makes g's channel anew, for reconciliation: it was never
// made (a crash mid-create) or was deleted by hand. Call it under g's lock.
func (s *Service) RemakeChannel(ctx context.Context, g domain.Group) (string, error) {
	settings, err := s.Store.Settings(ctx, g.GuildID)
	if err != nil {
		return "", err
	}
	id, err := s.Discord.CreateGroupChannel(ctx, s.channelSpec(g, settings))
	if err != nil {
		return "", err
	}
	if err := s.Store.SetGroupChannel(ctx, g.ID, id); err != nil {
		return "", err
	}
	return id, nil
}

// Join adds userID to g and gives them the member overwrite on its
// channel, undoing the membership if Discord refuses. agreed is the
// version of g's guidelines they agreed to (0: none). Refusals are the
// store's (domain.ErrFull, domain.ErrLocked, domain.ErrGuidelinesChanged,
// ...) or ErrDiscord.
func (s *Service) Join(ctx context.Context, g domain.Group, userID string, agreed int) error {
	unlock, err := s.Locks.Lock(ctx, g.ID)
	if err != nil {
		return err
	}
	defer unlock()
	if err := s.Store.Join(ctx, g.ID, userID, s.Clock.Now(), agreed); err != nil {
		return err
	}
	err = s.Discord.AllowMember(ctx, g.ChannelID, userID)
	if err == nil {
		err = s.allowVoice(ctx, g, userID)
	}
	if err != nil {
		s.Log.Warn("join undone: channel overwrite failed", "group", g.ID, "err", err)
		undo, cancel := undoContext(ctx)
		defer cancel()
		s.undoJoin(undo, g, userID)
		return errors.Join(ErrDiscord, err)
	}
	return nil
}

// undoJoin takes back a join whose overwrite failed. The overwrite may exist
// all the same (a timeout), so it is deleted too, best effort; the grant
// stays until that is confirmed, for reconciliation to finish the job.
func (s *Service) undoJoin(ctx context.Context, g domain.Group, userID string) {
	if _, err := s.Store.Leave(ctx, g.ID, userID); err != nil {
		s.Log.Error("undo join failed", "group", g.ID, "err", err)
		return
	}
	// A seat offered to them and taken by this join is theirs again.
	if err := s.Store.ReopenOffer(ctx, g.ID, userID, s.Clock.Now()); err != nil {
		s.Log.Warn("holding an offered seat again failed", "group", g.ID, "err", err)
	}
	err := s.removeVoice(ctx, g, userID)
	if err == nil {
		err = s.Discord.RemoveMember(ctx, g.ChannelID, userID)
	}
	if err != nil {
		s.stray()
		return
	}
	s.dropGrant(ctx, g, userID)
}

func (s *Service) stray() {
	if s.OnStray != nil {
		s.OnStray()
	}
}

func (s *Service) dropGrant(ctx context.Context, g domain.Group, userID string) {
	if err := s.Store.DropGrant(ctx, g.ID, userID); err != nil {
		s.Log.Warn("dropping a grant failed; reconciliation will retry", "group", g.ID, "err", err)
	}
}

// Remove takes userID out of group id in the database, then its channel,
// and puts the membership back if the channel change fails. The group is
// read under its lock, so a channel remade meanwhile is the one changed; it
// is returned as it was then. A facilitator keeps their own overwrite: they
// still facilitate the group.
func (s *Service) Remove(ctx context.Context, groupID int64, userID string) (domain.Group, error) {
	unlock, err := s.Locks.Lock(ctx, groupID)
	if err != nil {
		return domain.Group{}, err
	}
	unlocked := false
	defer func() {
		if !unlocked {
			unlock()
		}
	}()
	g, err := s.Store.Group(ctx, groupID)
	if err != nil {
		return g, err
	}
	joinedAt, err := s.Store.Leave(ctx, g.ID, userID)
	if err != nil {
		return g, err
	}
	if g.ChannelID != "" && userID != g.FacilitatorID {
		// The voice channel first: a refusal there leaves the text
		// channel as it was, and the membership is put back.
		err := s.unlessLost(ctx, g, g.VoiceChannelID, s.removeVoice(ctx, g, userID))
		if err == nil {
			if err = s.unlessLost(ctx, g, g.ChannelID, s.Discord.RemoveMember(ctx, g.ChannelID, userID)); err != nil {
				uctx, cancel := undoContext(ctx)
				if uerr := s.allowVoice(uctx, g, userID); uerr != nil {
					s.Log.Error("undo leave: restoring the voice overwrite failed", "group", g.ID, "err", uerr)
				}
				cancel()
			}
		}
		if err != nil {
			s.Log.Warn("leave undone: channel overwrite failed", "group", g.ID, "err", err)
			undo, cancel := undoContext(ctx)
			defer cancel()
			if uerr := s.Store.Rejoin(undo, g.ID, userID, joinedAt); uerr != nil {
				s.Log.Error("undo leave failed", "group", g.ID, "err", uerr)
				s.stray() // no longer a member, maybe still an overwrite
			}
			return g, errors.Join(ErrDiscord, err)
		}
		s.dropGrant(ctx, g, userID)
	}
	if g.Capacity > 0 && g.State != domain.StateArchived {
		unlock() // offers take no lock of the group: the store holds the seat
		unlocked = true
		if err := s.SeatsFreed(ctx, g.ID); err != nil {
			s.Log.Warn("offering a freed seat failed", "group", g.ID, "err", err)
		}
	}
	return g, nil
}

// Start locks a closed group now: nobody new may join. A session under
// way (begun within three hours) counts as its first.
func (s *Service) Start(ctx context.Context, g domain.Group) error {
	now := s.Clock.Now()
	if err := s.Store.Lock(ctx, g.ID, g.StartedAt(now), now); err != nil {
		return err
	}
	s.Log.Info("group started", "guild", g.GuildID, "group", g.ID)
	if settings, err := s.Store.Settings(ctx, g.GuildID); err == nil {
		s.note(ctx, settings, func(p *messages.Printer) string { return p.NoteStarted(g.Name) })
	}
	return nil
}

// SetSchedule replaces g's schedule and returns the group as it now is.
func (s *Service) SetSchedule(ctx context.Context, g domain.Group, spec, timezone, reminders string) (domain.Group, error) {
	return s.SetScheduleFor(ctx, g, spec, timezone, reminders, 0)
}

// SetScheduleFor is SetSchedule that also sets each session's length (0
// keeps it); a voice group's scheduled event follows.
func (s *Service) SetScheduleFor(ctx context.Context, g domain.Group, spec, timezone, reminders string, duration time.Duration) (domain.Group, error) {
	if err := s.Store.SetScheduleFor(ctx, g.ID, spec, timezone, reminders, duration, s.Clock.Now()); err != nil {
		return g, err
	}
	if g.HasVoice() {
		s.SyncEvents(ctx, g.GuildID)
	}
	return s.Store.Group(ctx, g.ID)
}

// Archive ends a group: the database first (its jobs go with it), then its
// channel (read-only, or deleted per groups.on_archive), undoing the first
// if the second fails. It returns domain.ErrArchived if it already was.
func (s *Service) Archive(ctx context.Context, groupID int64) error {
	unlock, err := s.Locks.Lock(ctx, groupID)
	if err != nil {
		return err
	}
	defer unlock()
	g, err := s.Store.Group(ctx, groupID)
	if err != nil {
		return err
	}
	undo, err := s.Store.Archive(ctx, g.ID, s.Clock.Now())
	if err != nil {
		return err
	}
	voicePending := false
	if g.ChannelID != "" {
		// Read after the archive: from now on nobody joins.
		members, err := s.Store.Members(ctx, g.ID)
		if err == nil {
			err = s.Discord.ArchiveChannel(ctx, g.ChannelID, members, s.DeleteOnArchive)
			if err != nil {
				err = errors.Join(ErrDiscord, err)
			}
		}
		if err == nil {
			// Members can no longer connect. Should Discord refuse, the
			// archive stays pending and start-up finishes it.
			if verr := s.archiveVoice(ctx, g, members); verr != nil {
				s.Log.Warn("archiving the voice channel failed; start-up will finish it", "group", g.ID, "err", verr)
				voicePending = true
			}
		}
		if err != nil {
			s.Log.Warn("archive undone: channel change failed", "group", g.ID, "err", err)
			uctx, cancel := undoContext(ctx)
			defer cancel()
			if uerr := s.Store.Unarchive(uctx, g.ID, undo, s.Clock.Now()); uerr != nil {
				s.Log.Error("undo archive failed", "group", g.ID, "err", uerr)
			}
			return err
		}
	}
	// Former members whose overwrite an undo left behind lose it too.
	if err := s.sweepGroup(ctx, g.ID); err != nil {
		s.Log.Warn("removing stray overwrites of an archived group failed; will retry", "group", g.ID, "err", err)
		s.stray()
	}
	if voicePending {
		// Left pending: start-up finishes it (ResumeArchives).
	} else if err := s.Store.FinishArchive(ctx, g.ID); err != nil {
		// The name stays held; start-up finishes it (ResumeArchives).
		s.Log.Warn("recording a finished archive failed", "group", g.ID, "err", err)
	}
	s.SyncEvents(ctx, g.GuildID) // its event goes
	s.Log.Info("group archived", "guild", g.GuildID, "group", g.ID)
	if settings, err := s.Store.Settings(ctx, g.GuildID); err == nil {
		s.note(ctx, settings, func(p *messages.Printer) string { return p.NoteArchived(g.Name) })
	}
	return nil
}

// SweepGrants removes the overwrites Hearth may have left to people who are
// no longer members (an undo whose Discord side failed), in every group,
// archived ones included. Each group is swept under its lock.
func (s *Service) SweepGrants(ctx context.Context) error {
	strays, err := s.Store.StrayGrants(ctx, 0)
	if err != nil {
		return err
	}
	var errs []error
	seen := map[int64]bool{}
	for _, sg := range strays {
		if seen[sg.GroupID] {
			continue
		}
		seen[sg.GroupID] = true
		if s.Serves != nil {
			g, err := s.Store.Group(ctx, sg.GroupID)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if !s.serves(g.GuildID) {
				continue // another shard's process sweeps it
			}
		}
		unlock, err := s.Locks.Lock(ctx, sg.GroupID)
		if err != nil {
			return errors.Join(append(errs, err)...)
		}
		errs = append(errs, s.sweepGroup(ctx, sg.GroupID))
		unlock()
	}
	return errors.Join(errs...)
}

// sweepGroup removes one group's stray grants; call it under its lock.
func (s *Service) sweepGroup(ctx context.Context, groupID int64) error {
	strays, err := s.Store.StrayGrants(ctx, groupID)
	if err != nil {
		return err
	}
	var errs []error
	var voiceID string
	if len(strays) > 0 {
		if g, err := s.Store.Group(ctx, groupID); err == nil {
			voiceID = g.VoiceChannelID
		}
	}
	for _, sg := range strays {
		if voiceID != "" && sg.UserID != sg.FacilitatorID {
			if err := s.Discord.RemoveMember(ctx, voiceID, sg.UserID); err != nil {
				errs = append(errs, err)
				continue
			}
		}
		if sg.ChannelID != "" {
			if err := s.Discord.RemoveMember(ctx, sg.ChannelID, sg.UserID); err != nil {
				errs = append(errs, err)
				continue
			}
			s.Log.Info("removed the overwrite a failed undo left to a former member", "group", sg.GroupID)
		}
		// DropGrant keeps the grant of someone who rejoined meanwhile.
		errs = append(errs, s.Store.DropGrant(ctx, sg.GroupID, sg.UserID))
	}
	return errors.Join(errs...)
}

// ResumeArchives finishes the archives a dead process left half done: the
// group is archived in the database and still holds its name; its channel
// is made read-only (or deleted) now.
func (s *Service) ResumeArchives(ctx context.Context) error {
	pending, err := s.Store.PendingArchives(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, g := range pending {
		if s.serves(g.GuildID) {
			errs = append(errs, s.resumeArchive(ctx, g))
		}
	}
	return errors.Join(errs...)
}

func (s *Service) resumeArchive(ctx context.Context, g domain.Group) error {
	unlock, err := s.Locks.Lock(ctx, g.ID)
	if err != nil {
		return err
	}
	defer unlock()
	// Read again under the lock: an archive that failed meanwhile was
	// undone, and its group is live again.
	if g, err = s.Store.Group(ctx, g.ID); err != nil || g.State != domain.StateArchived {
		return err
	}
	if g.ChannelID != "" {
		members, err := s.Store.Members(ctx, g.ID)
		if err != nil {
			return err
		}
		if err := s.Discord.ArchiveChannel(ctx, g.ChannelID, members, s.DeleteOnArchive); err != nil {
			return err
		}
		if err := s.archiveVoice(ctx, g, members); err != nil {
			return err
		}
	}
	s.Log.Info("finished an archive left half done", "group", g.ID)
	return s.Store.FinishArchive(ctx, g.ID)
}

// Complete archives a closed group after its last session; it is the
// scheduler's way in. A group archived already is done.
func (s *Service) Complete(ctx context.Context, groupID int64) error {
	err := s.Archive(ctx, groupID)
	if errors.Is(err, domain.ErrArchived) {
		return nil
	}
	return err
}

// ShareServerLocks has the server locks (settings changes, and the
// bringing up to date of its scheduled events) also taken with lock, one
// shared by every process on the database (the store's LockGuild), so
// that they hold across processes too. Call it before the service is used.
func (s *Service) ShareServerLocks(lock func(ctx context.Context, guildID string) (unlock func(), err error)) {
	s.guilds.Across = lock
	s.eventLocks.Across = func(ctx context.Context, guildID string) (func(), error) {
		return lock(ctx, "events "+guildID) // apart from the settings lock
	}
}

// LockSettings takes a server's settings lock: /setup holds it from reading
// the settings to moving the moderator role's access, so that two changes
// never interleave and a group made meanwhile gets the role that stays.
func (s *Service) LockSettings(ctx context.Context, guildID string) (unlock func(), err error) {
	return s.guilds.Lock(ctx, guildID)
}

// MoveModeratorRole gives the moderator role access to every live group's
// channel (and read-only archives') and takes it from the role it replaces,
// so that people who no longer moderate stop seeing the groups. It is
// idempotent: running it again with the same role finishes what failed. It
// returns how many channels could not be updated.
func (s *Service) MoveModeratorRole(ctx context.Context, guildID, oldRole, newRole string) int {
	groups, err := s.Store.Groups(ctx, guildID)
	if err == nil && !s.DeleteOnArchive {
		var archived []domain.Group
		archived, err = s.Store.ArchivedGroups(ctx, guildID)
		groups = append(groups, archived...)
	}
	if err == nil && newRole != "" {
		// Recorded first: reconciliation knows the role as Hearth's.
		err = s.Store.GrantRole(ctx, guildID, newRole)
	}
	if err != nil {
		s.Log.Error("listing groups for the moderator role failed", "guild", guildID, "err", err)
		return 1
	}
	failed := 0
	for _, g := range groups {
		if g.ChannelID == "" {
			continue
		}
		var err error
		if newRole != "" {
			err = s.Discord.SetRoleAccess(ctx, g.ChannelID, newRole, true)
		}
		if err == nil && oldRole != "" && oldRole != newRole {
			err = s.Discord.SetRoleAccess(ctx, g.ChannelID, oldRole, false)
		}
		if g.HasVoice() && s.Voice != nil {
			if err == nil && newRole != "" {
				err = s.Voice.SetVoiceRoleAccess(ctx, g.VoiceChannelID, newRole, true)
			}
			if err == nil && oldRole != "" && oldRole != newRole {
				err = s.Voice.SetVoiceRoleAccess(ctx, g.VoiceChannelID, oldRole, false)
			}
		}
		if err != nil {
			s.Log.Warn("moving moderator access failed", "group", g.ID, "err", err)
			failed++
		}
	}
	if failed == 0 && oldRole != "" && oldRole != newRole {
		if err := s.Store.DropRoleGrant(ctx, guildID, oldRole); err != nil {
			s.Log.Warn("recording a former moderator role's access as gone failed", "guild", guildID, "err", err)
		}
	}
	return failed
}

// note posts a line about a group's life (created, started, archived) in
// the server's log channel, if it has one, in the server's language. It
// never names members.
func (s *Service) note(ctx context.Context, settings domain.Settings, text func(*messages.Printer) string) {
	if settings.LogChannelID == "" || !s.logPrivate(ctx, settings.GuildID) {
		return
	}
	content := text(messages.ForServer(settings))
	if err := s.Discord.SendMessage(ctx, settings.LogChannelID, content, nil, ""); err != nil {
		s.Log.Warn("log channel note failed", "guild", settings.GuildID, "err", err)
	}
}

// ErrNoLogChannel means the server has no log channel to alert.
var ErrNoLogChannel = errors.New("the server has no log channel")

// AlertModerators posts a quiet alert in the server's log channel: userID
// would like a moderator to reach out. It names them and nothing else (no
// group), and pings nobody.
func (s *Service) AlertModerators(ctx context.Context, guildID, userID string) error {
	settings, err := s.Store.Settings(ctx, guildID)
	if err != nil {
		return err
	}
	if settings.LogChannelID == "" || !s.logPrivate(ctx, guildID) {
		return ErrNoLogChannel
	}
	return s.Discord.SendMessage(ctx, settings.LogChannelID, messages.ForServer(settings).SupportAlert(userID), nil, "")
}
