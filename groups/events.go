package groups

import (
	"context"
	"errors"
	"sort"
	"time"

	"hearth/domain"
	"hearth/messages"
)

// maxGuildEvents is Discord's limit of scheduled or active events in one
// server; past it a create is refused (30038).
const maxGuildEvents = 100

// SyncEvents makes a server's scheduled events match its voice groups:
// each live voice group with a schedule has one event, on its voice
// channel, for its session under way or else its next one; an event for a
// session that has ended, or a group that no longer has voice, a schedule
// or a life, is removed; one deleted by hand is made again. The events of
// the nearest sessions win when the server would pass Discord's limit of
// 100, counting events others made. Hearth's schedule stays the truth:
// every event is a single occurrence, never an EXTERNAL one. Failures are
// logged, and a missing permission noted once in the log channel; the next
// change, session end or start-up tries again.
func (s *Service) SyncEvents(ctx context.Context, guildID string) {
	if err := s.syncEvents(ctx, guildID); err != nil {
		s.Log.Warn("scheduled events not brought up to date", "guild", guildID, "err", err)
	}
}

type wantedEvent struct {
	g  domain.Group
	at time.Time
}

func (s *Service) syncEvents(ctx context.Context, guildID string) error {
	if s.Voice == nil {
		return nil
	}
	unlock, err := s.eventLocks.Lock(ctx, guildID)
	if err != nil {
		return err
	}
	defer unlock()
	settings, err := s.Store.Settings(ctx, guildID)
	if err != nil {
		return err
	}
	live, err := s.Store.Groups(ctx, guildID)
	if err != nil {
		return err
	}
	recorded, err := s.Store.GroupEvents(ctx, guildID)
	if err != nil {
		return err
	}
	if len(recorded) == 0 && !anyVoice(live) {
		return nil // nothing to do: no request at all
	}
	listed, err := s.Voice.GuildEvents(ctx, guildID)
	if err != nil {
		return s.eventError(ctx, settings, err)
	}
	now := s.Clock.Now()
	onDiscord := map[string]Event{}
	for _, e := range listed {
		if e.Active {
			onDiscord[e.ID] = e
		}
	}
	ours := map[string]bool{}
	liveSession := map[int64]time.Time{} // the session of each group's event still on Discord
	for _, r := range recorded {
		ours[r.EventID] = true
		if _, ok := onDiscord[r.EventID]; ok {
			liveSession[r.GroupID] = r.SessionAt
		}
	}
	others := 0
	for id := range onDiscord {
		if !ours[id] {
			others++
		}
	}
	var wants []wantedEvent
	for _, g := range live {
		if !g.HasVoice() {
			continue
		}
		at := g.CurrentOrNextSession(now)
		if at.IsZero() || !at.After(now) && !liveSession[g.ID].Equal(at) {
			// None, or begun without its event: Discord takes no event in
			// the past, so it must not hold room another group could use.
			continue
		}
		wants = append(wants, wantedEvent{g, at})
	}
	sort.Slice(wants, func(i, j int) bool {
		if !wants[i].at.Equal(wants[j].at) {
			return wants[i].at.Before(wants[j].at)
		}
		return wants[i].g.ID < wants[j].g.ID
	})
	wants = wants[:min(len(wants), max(maxGuildEvents-others, 0))] // the nearest sessions win
	wanted := make(map[int64]wantedEvent, len(wants))
	for _, w := range wants {
		wanted[w.g.ID] = w
	}
	p := messages.ForServer(settings)
	var errs []error
	have := map[int64]bool{}
	// Removals first, so that the room they free is there for the creates.
	for _, r := range recorded {
		w, ok := wanted[r.GroupID]
		e, exists := onDiscord[r.EventID]
		switch {
		case ok && exists && (w.at.Equal(r.SessionAt) || r.SessionAt.After(now)):
			// Its session, or a session not yet begun that moved: brought
			// up to date in place.
			spec := s.eventSpec(w, settings, p)
			if !sameEvent(e, spec) {
				if err := s.Voice.EditEvent(ctx, guildID, r.EventID, spec); err != nil {
					errs = append(errs, s.eventError(ctx, settings, err))
					continue
				}
				r.SessionAt, r.EndsAt = spec.Start, spec.End
				errs = append(errs, s.Store.SetGroupEvent(ctx, r))
			}
			have[r.GroupID] = true
		default:
			if exists {
				if err := s.Voice.DeleteEvent(ctx, guildID, r.EventID); err != nil {
					errs = append(errs, s.eventError(ctx, settings, err))
					continue
				}
			}
			errs = append(errs, s.Store.DropGroupEvent(ctx, r.GroupID, r.EventID))
		}
	}
	for _, w := range wants {
		if have[w.g.ID] || !w.at.After(now) {
			continue // already there, or begun: Discord takes no event in the past
		}
		spec := s.eventSpec(w, settings, p)
		id, err := s.Voice.CreateEvent(ctx, guildID, spec)
		if err != nil {
			errs = append(errs, s.eventError(ctx, settings, err))
			if errors.Is(err, ErrEventsForbidden) {
				break // every other create would be refused alike
			}
			continue
		}
		errs = append(errs, s.Store.SetGroupEvent(ctx, domain.GroupEvent{GroupID: w.g.ID, GuildID: guildID,
			EventID: id, SessionAt: spec.Start, EndsAt: spec.End}))
	}
	return errors.Join(errs...)
}

func anyVoice(gs []domain.Group) bool {
	for _, g := range gs {
		if g.HasVoice() {
			return true
		}
	}
	return false
}

// eventSpec is the event of one session: the group's name, or in discreet
// mode a neutral one; a description that names nobody.
func (s *Service) eventSpec(w wantedEvent, settings domain.Settings, p *messages.Printer) EventSpec {
	name := w.g.Name
	if settings.Discreet {
		name = p.EventNameDiscreet()
	}
	length := w.g.SessionLength()
	return EventSpec{Name: name, Description: p.EventDescription(int(length / time.Minute)),
		ChannelID: w.g.VoiceChannelID, Start: w.at, End: w.at.Add(length)}
}

func sameEvent(e Event, spec EventSpec) bool {
	return e.Name == spec.Name && e.Description == spec.Description && e.ChannelID == spec.ChannelID &&
		e.Start.Equal(spec.Start) && e.End.Equal(spec.End)
}

// eventError notes a missing permission in the server's log channel, once
// per server while Hearth runs, and returns err.
func (s *Service) eventError(ctx context.Context, settings domain.Settings, err error) error {
	if errors.Is(err, ErrEventsForbidden) {
		if _, noted := s.eventsNoted.LoadOrStore(settings.GuildID, true); !noted {
			s.Log.Warn("Discord refused a scheduled event: missing permission", "guild", settings.GuildID)
			s.note(ctx, settings, func(p *messages.Printer) string { return p.NoteEventsForbidden() })
		}
	}
	return err
}

// SyncAllEvents puts every server's events right, at start-up: missing or
// deleted ones are made again, ended sessions' removed.
func (s *Service) SyncAllEvents(ctx context.Context) error {
	guilds, err := s.Store.EventGuilds(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, id := range guilds {
		if !s.serves(id) {
			continue // another process's shard
		}
		errs = append(errs, s.syncEvents(ctx, id))
	}
	return errors.Join(errs...)
}

// SessionEnded is the scheduler's way in at the end of a voice group's
// session: its event moves on to the next session.
func (s *Service) SessionEnded(ctx context.Context, groupID int64) error {
	g, err := s.Store.Group(ctx, groupID)
	if errors.Is(err, domain.ErrNoGroup) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.syncEvents(ctx, g.GuildID)
}
