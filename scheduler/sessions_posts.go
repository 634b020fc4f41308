package scheduler

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"hearth/domain"
	"hearth/groups"
	"hearth/messages"
)

// RichSender is a Sender that can also put buttons under a message and
// send direct messages; the bot is one. With it, reminders carry a Can't
// make it button and members who chose direct messages get one; session
// posts need it.
type RichSender interface {
	SendWithButtons(ctx context.Context, channelID, content string, mentionIDs []string, buttons []groups.Button, nonce string) error
	// SendDM returns groups.ErrCannotDM when the person takes no direct
	// messages from the bot.
	SendDM(ctx context.Context, userID, content string, buttons []groups.Button, nonce string) error
}

// SetKey gives the key that signs the buttons of session posts and
// reminders (the commands check them). Call it before Run.
func (s *Scheduler) SetKey(key []byte) { s.key = key }

// fireSessionStart records a session's post (a firing of kind
// session_start, so that it is posted once) and moves the job on to the
// next session, then hands the post to a worker.
func (s *Scheduler) fireSessionStart(ctx context.Context, q *workQueue, j domain.Job, now time.Time) error {
	g, err := s.st.Group(ctx, j.GroupID)
	if errors.Is(err, domain.ErrNoGroup) {
		return s.st.FinishJob(ctx, j.ID)
	}
	if err != nil {
		return err
	}
	duration, err := s.st.SessionDuration(ctx, g.ID)
	if err != nil {
		return err
	}
	in := domain.FiringIntent{Job: j}
	if in.NextSession, in.NextDue, err = domain.NextReminder(g, j, now); err != nil {
		s.log.Error("scheduler: stored schedule does not parse; dropping its session post", "group", g.ID)
	}
	f := domain.Firing{GroupID: g.ID, Kind: domain.JobSessionStart, SessionAt: j.SessionAt,
		State: domain.FiringSending, CreatedAt: now}
	skip := ""
	switch {
	case g.State == domain.StateArchived:
		skip = "the group is archived" // log only
	case !now.Before(j.SessionAt.Add(duration)):
		skip = "its session is over (the bot was down)" // log only
	case g.ChannelID == "":
		skip = "the group has no channel" // log only
	}
	if skip != "" {
		f.State, f.DoneAt = domain.FiringSkipped, now
	}
	in.Firing = f
	recs, err := s.st.RecordFirings(ctx, []domain.FiringIntent{in})
	if err != nil {
		return err
	}
	rec := recs[0]
	switch {
	case rec.JobChanged || !rec.Created:
	case skip != "":
		s.log.Info("scheduler: session post skipped", "group", g.ID, "session", j.SessionAt, "why", skip)
	default:
		task := reminderTask{id: rec.Firing.ID, fresh: true, firing: rec.Firing}
		s.handFiring(q, rec.Firing.ID, func(ctx context.Context) { s.sendSessionPost(ctx, task) })
	}
	return nil
}

// sendSessionPost posts a session's check-in post, once: the same intent,
// attempt and nonce records as a reminder's single message.
func (s *Scheduler) sendSessionPost(ctx context.Context, task reminderTask) {
	dbctx := context.WithoutCancel(ctx)
	f := task.firing
	if !task.fresh {
		var err error
		if f, err = s.st.Firing(dbctx, task.id); err != nil {
			s.retry(ctx, domain.Firing{ID: task.id}, err, false)
			return
		}
		if f.State != domain.FiringSending {
			return
		}
	}
	g, err := s.st.Group(dbctx, f.GroupID)
	switch {
	case errors.Is(err, domain.ErrNoGroup) || (err == nil && (g.State == domain.StateArchived || g.ChannelID == "")):
		s.finish(dbctx, f, domain.FiringSkipped)
		return
	case err != nil:
		s.retry(ctx, f, err, false)
		return
	}
	duration, err := s.st.SessionDuration(dbctx, g.ID)
	if err != nil {
		s.retry(ctx, f, err, false)
		return
	}
	settings, err := s.st.Settings(dbctx, g.GuildID)
	if err != nil {
		s.retry(ctx, f, err, false)
		return
	}
	rich, ok := s.send.(RichSender)
	now := s.clock.Now()
	if !ok || !now.Before(f.SessionAt.Add(duration)) {
		s.finish(dbctx, f, domain.FiringSkipped)
		return
	}
	uncertain := !f.AttemptAt.IsZero()
	firstTry := now
	if uncertain {
		firstTry = f.AttemptAt
	}
	if sending, err := s.st.BeginAttempt(dbctx, f.ID, now); err != nil || !sending {
		if err != nil {
			s.retry(ctx, f, err, false)
		}
		return
	}
	p := messages.ForServer(settings)
	name := g.Name
	if settings.Discreet {
		name = ""
	}
	sendCtx, cancel := context.WithTimeout(ctx, nonceWindow-s.clock.Now().Sub(firstTry))
	err = rich.SendWithButtons(sendCtx, g.ChannelID, p.SessionPost(name, f.SessionAt), nil,
		groups.SessionButtons(s.key, p, g.ID, f.SessionAt, true), reminderNonce(f, 0))
	gaveUp := sendCtx.Err() != nil
	cancel()
	switch {
	case errors.Is(err, ErrRefused) && !uncertain:
		s.log.Warn("scheduler: Discord refused a session post; not retrying", "group", g.ID, "err", err)
		s.finish(dbctx, f, domain.FiringSkipped)
	case err != nil:
		known := !uncertain && (errors.Is(err, ErrNotSent) || (!errors.Is(err, ErrOutcomeUnknown) && !gaveUp))
		s.retry(ctx, f, err, known)
	default:
		if err := s.record(ctx, func() error { return s.st.PartSent(dbctx, f.ID, 1, true, s.clock.Now()) }); err != nil {
			s.retry(ctx, f, err, false)
			return
		}
		s.log.Info("scheduler: session post made", "group", g.ID, "session", f.SessionAt)
	}
}

// sendDMs sends a reminder's direct messages not yet settled, before its
// channel messages. A member whose direct messages are closed is recorded
// so, to be mentioned in the channel instead. It reports false when the
// reminder must wait for a retry (already scheduled).
func (s *Scheduler) sendDMs(ctx context.Context, f domain.Firing, g domain.Group, settings domain.Settings, isMember map[string]bool) bool {
	dbctx := context.WithoutCancel(ctx)
	dms, err := s.st.PendingDMs(dbctx, f.ID)
	if err != nil {
		s.retry(ctx, f, err, false)
		return false
	}
	rich, _ := s.send.(RichSender)
	for _, dm := range dms {
		now := s.clock.Now()
		state := ""
		switch {
		case rich == nil || !isMember[dm.UserID] || tooLate(f.SessionAt, f.Lead, now):
			state = "skipped"
		case !dm.AttemptAt.IsZero() && now.Sub(dm.AttemptAt) >= nonceWindow:
			state = "abandoned" // it may have gone out; a repeat could not be dropped
		}
		if state == "" {
			if err := s.st.BeginDM(dbctx, f.ID, dm.UserID, now); err != nil {
				s.retry(ctx, f, err, false)
				return false
			}
			p := s.printerFor(dbctx, dm.UserID, settings)
			name := g.Name
			if settings.Discreet {
				name = ""
			}
			firstTry := now
			if !dm.AttemptAt.IsZero() {
				firstTry = dm.AttemptAt
			}
			sendCtx, cancel := context.WithTimeout(ctx, nonceWindow-s.clock.Now().Sub(firstTry))
			err := rich.SendDM(sendCtx, dm.UserID, p.ReminderDM(name, g.ChannelID, f.SessionAt),
				groups.SessionButtons(s.key, p, g.ID, f.SessionAt, false), dmNonce(f, dm.UserID))
			cancel()
			switch {
			case errors.Is(err, groups.ErrCannotDM):
				state = "closed"
			case err != nil:
				s.retry(ctx, f, err, false)
				return false
			default:
				state = "sent"
			}
		}
		if err := s.st.FinishDM(dbctx, f.ID, g.GuildID, dm.UserID, state, s.clock.Now()); err != nil {
			s.retry(ctx, f, err, false)
			return false
		}
	}
	return true
}

// printerFor words a direct message in the member's last known language,
// else the server's.
func (s *Scheduler) printerFor(ctx context.Context, userID string, settings domain.Settings) *messages.Printer {
	if locale, err := s.st.UserLocale(ctx, userID); err == nil && locale != "" {
		return messages.For(messages.LangOf(locale))
	}
	return messages.ForServer(settings)
}

// dmNonce is the nonce of one member's direct-message reminder.
func dmNonce(f domain.Firing, userID string) string {
	key := fmt.Sprintf("hearth/%d/%s/%d/%d/dm/%s", f.GroupID, f.Kind, f.SessionAt.Unix(), int64(f.Lead/time.Second), userID)
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:9]) + "-d"
}
