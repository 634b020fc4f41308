package groups

import (
	"context"
	"errors"
	"time"

	"hearth/domain"
)

// ErrNoVoice means Hearth runs without the Discord calls voice channels
// need (a test's Service without Voice).
var ErrNoVoice = errors.New("voice channels are not available")

// Voice is the Discord calls a group's voice channel and its scheduled
// events need. The bot implements it, retrying transient failures.
type Voice interface {
	// CreateVoiceChannel makes a group's private voice channel: @everyone
	// may not view or connect; the bot, the moderator role and the
	// facilitator may view, connect and speak.
	CreateVoiceChannel(ctx context.Context, spec ChannelSpec) (channelID string, err error)
	// AllowVoiceMember gives a member View, Connect and Speak on it.
	AllowVoiceMember(ctx context.Context, channelID, userID string) error
	// ArchiveVoiceChannel leaves memberIDs able to see the channel but not
	// connect to it, or deletes it.
	ArchiveVoiceChannel(ctx context.Context, channelID string, memberIDs []string, deleteChannel bool) error
	// SetVoiceRoleAccess gives a role a member's access, or removes its overwrite.
	SetVoiceRoleAccess(ctx context.Context, channelID, roleID string, allow bool) error
	// DeleteChannel deletes a channel; one already gone is fine.
	DeleteChannel(ctx context.Context, channelID string) error
	// RenameVoiceChannel sets a voice channel's name.
	RenameVoiceChannel(ctx context.Context, channelID, name string) error

	// GuildEvents lists a server's scheduled events.
	GuildEvents(ctx context.Context, guildID string) ([]Event, error)
	// CreateEvent makes a scheduled event on a voice channel (entity type
	// VOICE, privacy GUILD_ONLY): only those who can view the channel see it.
	CreateEvent(ctx context.Context, guildID string, e EventSpec) (eventID string, err error)
	// EditEvent sets an event's name, description, channel and times.
	EditEvent(ctx context.Context, guildID, eventID string, e EventSpec) error
	// DeleteEvent deletes an event; one already gone is fine.
	DeleteEvent(ctx context.Context, guildID, eventID string) error
}

// ErrEventsForbidden means Discord refused Hearth's events for lack of
// permission (Create Events, Manage Events, or View and Connect on the
// voice channel).
var ErrEventsForbidden = errors.New("missing permission for scheduled events")

// EventSpec is a group session's scheduled event.
type EventSpec struct {
	Name, Description string
	ChannelID         string
	Start, End        time.Time
}

// Event is a server's scheduled event as Discord lists it.
type Event struct {
	ID, ChannelID, CreatorID string
	Name, Description        string
	Start, End               time.Time
	Active                   bool // scheduled or under way (not completed or cancelled)
}

// voiceSpec is the spec of g's voice channel: named as its text channel.
func (s *Service) voiceSpec(g domain.Group, settings domain.Settings) ChannelSpec {
	spec := s.channelSpec(g, settings)
	spec.Topic = "" // voice channels have none
	return spec
}

// makeVoice makes g's voice channel with its members' access; it deletes
// what it made when Discord refuses a step. Call it under g's lock.
func (s *Service) makeVoice(ctx context.Context, g domain.Group, settings domain.Settings) (string, error) {
	if s.Voice == nil {
		return "", ErrNoVoice
	}
	id, err := s.Voice.CreateVoiceChannel(ctx, s.voiceSpec(g, settings))
	if err != nil {
		return "", errors.Join(ErrDiscord, err)
	}
	members, err := s.Store.Members(ctx, g.ID)
	for _, m := range members {
		if err != nil {
			break
		}
		if m != g.FacilitatorID {
			err = s.Voice.AllowVoiceMember(ctx, id, m)
		}
	}
	if err == nil {
		err = s.Store.SetVoiceChannel(ctx, g.ID, id, s.Clock.Now())
	} else {
		err = errors.Join(ErrDiscord, err)
	}
	if err != nil {
		undo, cancel := undoContext(ctx)
		defer cancel()
		if derr := s.Voice.DeleteChannel(undo, id); derr != nil {
			s.Log.Error("undo voice: deleting the voice channel failed", "group", g.ID, "channel", id, "err", derr)
		}
		return "", err
	}
	return id, nil
}

// SetVoice gives group id a private voice channel with its members' access
// (on), or deletes it (off), and moves its scheduled events to match. It
// returns the group as it now is; ErrDiscord when Discord refused, and
// then nothing changed.
func (s *Service) SetVoice(ctx context.Context, groupID int64, on bool) (domain.Group, error) {
	g, err := s.setVoice(ctx, groupID, on)
	if err != nil {
		return g, err
	}
	s.SyncEvents(ctx, g.GuildID)
	return s.Store.Group(ctx, groupID)
}

func (s *Service) setVoice(ctx context.Context, groupID int64, on bool) (domain.Group, error) {
	unlock, err := s.Locks.Lock(ctx, groupID)
	if err != nil {
		return domain.Group{}, err
	}
	defer unlock()
	g, err := s.Store.Group(ctx, groupID)
	if err != nil {
		return g, err
	}
	if g.State == domain.StateArchived {
		return g, domain.ErrArchived
	}
	switch {
	case on && !g.HasVoice():
		settings, err := s.Store.Settings(ctx, g.GuildID)
		if err != nil {
			return g, err
		}
		if _, err := s.makeVoice(ctx, g, settings); err != nil {
			return g, err
		}
		s.Log.Info("voice channel made", "group", g.ID)
	case !on && g.HasVoice():
		if s.Voice == nil {
			return g, ErrNoVoice
		}
		// The database first: from now on nobody's time in it counts.
		if err := s.Store.SetVoiceChannel(ctx, g.ID, "", s.Clock.Now()); err != nil {
			return g, err
		}
		if err := s.Voice.DeleteChannel(ctx, g.VoiceChannelID); err != nil {
			undo, cancel := undoContext(ctx)
			defer cancel()
			if uerr := s.Store.SetVoiceChannel(undo, g.ID, g.VoiceChannelID, s.Clock.Now()); uerr != nil {
				s.Log.Error("undo voice removal failed", "group", g.ID, "err", uerr)
			}
			return g, errors.Join(ErrDiscord, err)
		}
		s.Log.Info("voice channel deleted", "group", g.ID)
	}
	return g, nil
}

// RemakeVoiceChannel makes g's voice channel anew, for reconciliation: it
// was deleted by hand. Call it under g's lock.
func (s *Service) RemakeVoiceChannel(ctx context.Context, g domain.Group) (string, error) {
	settings, err := s.Store.Settings(ctx, g.GuildID)
	if err != nil {
		return "", err
	}
	return s.makeVoice(ctx, g, settings)
}

// allowVoice gives userID access to g's voice channel, if it has one.
func (s *Service) allowVoice(ctx context.Context, g domain.Group, userID string) error {
	if !g.HasVoice() || s.Voice == nil {
		return nil
	}
	return s.Voice.AllowVoiceMember(ctx, g.VoiceChannelID, userID)
}

// removeVoice takes userID's access to g's voice channel, if it has one.
func (s *Service) removeVoice(ctx context.Context, g domain.Group, userID string) error {
	if !g.HasVoice() {
		return nil
	}
	return s.Discord.RemoveMember(ctx, g.VoiceChannelID, userID)
}

// editVoice makes g's voice channel follow an edit, best effort (start-up
// reconciliation repairs what fails): a new facilitator may connect, a
// former one who is not a member may not, and outside discreet mode the
// channel takes the group's new name.
func (s *Service) editVoice(ctx context.Context, before, after domain.Group) {
	if !after.HasVoice() || s.Voice == nil {
		return
	}
	if newFac, oldFac := after.FacilitatorID, before.FacilitatorID; newFac != oldFac {
		if newFac != "" {
			if err := s.Voice.AllowVoiceMember(ctx, after.VoiceChannelID, newFac); err != nil {
				s.Log.Warn("giving the new facilitator the voice channel failed", "group", after.ID, "err", err)
			}
		}
		if member, err := s.Store.IsMember(ctx, after.ID, oldFac); oldFac != "" && err == nil && !member {
			if err := s.Discord.RemoveMember(ctx, after.VoiceChannelID, oldFac); err != nil {
				s.Log.Warn("taking the voice channel from the former facilitator failed", "group", after.ID, "err", err)
			}
		}
	}
	if after.Name != before.Name {
		settings, err := s.Store.Settings(ctx, after.GuildID)
		if err == nil && !settings.Discreet {
			err = s.Voice.RenameVoiceChannel(ctx, after.VoiceChannelID, ChannelName(after.Name))
		}
		if err != nil {
			s.Log.Warn("renaming the voice channel failed", "group", after.ID, "err", err)
		}
	}
}

// archiveVoice makes g's voice channel one its members can see but no
// longer connect to, or deletes it (groups.on_archive).
func (s *Service) archiveVoice(ctx context.Context, g domain.Group, members []string) error {
	if !g.HasVoice() {
		return nil
	}
	if s.Voice == nil {
		return ErrNoVoice
	}
	return s.Voice.ArchiveVoiceChannel(ctx, g.VoiceChannelID, members, s.DeleteOnArchive)
}
