package scheduler

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"hearth/domain"
	"hearth/groups"
	"hearth/messages"
)

// The once-only guarantee of reminders is explained in doc.go.

// nonceWindow is how long after an attempt a repeat with the same nonce is
// still dropped by Discord. Discord documents only "the past few minutes";
// two minutes stays well inside that.
const nonceWindow = 2 * time.Minute

// zeroLeadGrace is how late an at-the-start (0m) reminder may still go out:
// its session begins the moment it is due. Any other reminder is too late
// once its session has begun.
const zeroLeadGrace = 5 * time.Minute

// tooLate reports whether a reminder of session with lead time lead should
// no longer be sent at now.
func tooLate(session time.Time, lead time.Duration, now time.Time) bool {
	if lead == 0 {
		session = session.Add(zeroLeadGrace)
	}
	return !now.Before(session)
}

// Discord's limits on one message.
const (
	maxMentions = 100  // users in allowed_mentions
	maxContent  = 2000 // characters of content
)

// fireReminder handles one due reminder job, as fireReminders does a batch.
func (s *Scheduler) fireReminder(ctx context.Context, q *workQueue, j domain.Job, now time.Time) error {
	return s.fireReminders(ctx, q, []domain.Job{j}, now)
}

// fireReminders handles a batch of due reminder jobs, in the order given
// (due time, then group): for each it records the reminder of its session
// (or that it was skipped) and moves the job on to the next session. The
// groups and members are read with two queries and every intent and job
// advance is recorded in one transaction, so a second full of reminders
// costs one commit, not one each. The sends are then handed to the workers
// in the same order.
func (s *Scheduler) fireReminders(ctx context.Context, q *workQueue, jobs []domain.Job, now time.Time) error {
	if len(jobs) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(jobs))
	seen := make(map[int64]bool, len(jobs))
	for _, j := range jobs {
		if !seen[j.GroupID] {
			seen[j.GroupID] = true
			ids = append(ids, j.GroupID)
		}
	}
	groups, members, err := s.st.GroupsWithMembers(ctx, ids)
	if err != nil {
		return err
	}
	modes, err := s.st.ReminderModes(ctx, ids)
	if err != nil {
		return err
	}
	intents := make([]domain.FiringIntent, 0, len(jobs))
	skips := make([]string, 0, len(jobs))
	for _, j := range jobs {
		g, ok := groups[j.GroupID]
		if !ok || g.State == domain.StateArchived {
			// Archiving drops a group's jobs; this one was read before.
			if err := s.st.FinishJob(ctx, j.ID); err != nil {
				return err
			}
			continue
		}
		in, skip := s.reminderIntent(g, members[g.ID], modes[g.ID], j, now)
		intents = append(intents, in)
		skips = append(skips, skip)
	}
	records, err := s.st.RecordFirings(ctx, intents)
	if err != nil {
		return err
	}
	for i, rec := range records {
		f, g := rec.Firing, groups[rec.Firing.GroupID]
		switch {
		case rec.JobChanged:
			// rescheduled meanwhile; the loop reads the new job
		case !rec.Created:
			s.log.Debug("scheduler: reminder was recorded before; not sending again", "group", g.ID,
				"session", f.SessionAt, "lead", f.Lead)
		case skips[i] != "":
			s.countEnded(f, domain.FiringSkipped)
			s.log.Info("scheduler: reminder skipped", "group", g.ID, "session", f.SessionAt, "lead", f.Lead, "why", skips[i])
		default:
			task := reminderTask{id: f.ID, fresh: true, firing: f, turn: s.nextTurn()}
			s.handFiring(q, f.ID, func(ctx context.Context) { s.sendReminder(ctx, task) })
		}
	}
	return nil
}

// reminderIntent works out what to record for the due reminder job j of
// group g: the firing, and the session the job moves on to. skip says why
// the reminder is not to be sent, if it is not.
func (s *Scheduler) reminderIntent(g domain.Group, members []string, modes map[string]domain.ReminderMode, j domain.Job, now time.Time) (domain.FiringIntent, string) {
	// The next session to remind of: sessions that have begun already are
	// past reminding, so after downtime the job skips straight over them.
	in := domain.FiringIntent{Job: j}
	var err error
	if in.NextSession, in.NextDue, err = domain.NextReminder(g, j, now); err != nil {
		s.log.Error("scheduler: stored schedule does not parse; dropping its reminder", "group", g.ID,
			"schedule", g.Schedule, "timezone", g.Timezone)
	}

	f := domain.Firing{GroupID: g.ID, Kind: domain.JobReminder, SessionAt: j.SessionAt, Lead: j.Lead,
		State: domain.FiringSending, CreatedAt: now}
	skip := ""
	switch {
	case tooLate(j.SessionAt, j.Lead, now):
		skip = "its session had begun (the bot was down or busy)" // log only
	case g.ChannelID == "":
		skip = "the group has no channel" // log only
	case len(members) == 0:
		skip = "the group has no members" // log only
	default:
		// Each member as they chose: a mention, a direct message, or nothing.
		for _, id := range members {
			switch modes[id] {
			case domain.RemindDM:
				f.DMs = append(f.DMs, id)
			case domain.RemindOff:
			default:
				f.Mentions = append(f.Mentions, id)
			}
		}
		if len(f.Mentions)+len(f.DMs) == 0 {
			skip = "every member turned reminders off" // log only
		}
	}
	if skip != "" {
		f.State, f.DoneAt, f.Mentions, f.DMs = domain.FiringSkipped, now, nil, nil
	}
	in.Firing = f
	return in, skip
}

// resumeFiring handles a reminder whose send is due again: a retry after a
// failure, or one a previous run left in flight.
func (s *Scheduler) resumeFiring(ctx context.Context, q *workQueue, f domain.Firing, now time.Time) error {
	late := tooLate(f.SessionAt, f.Lead, now)
	if f.Kind == domain.JobSessionStart {
		late = !now.Before(f.SessionAt.Add(domain.MaxDuration)) // the send checks the group's own duration
	}
	switch {
	case late:
		s.log.Warn("scheduler: reminder not sent: its session has begun", "group", f.GroupID,
			"session", f.SessionAt, "lead", f.Lead, "parts_sent", f.PartsSent)
		s.countEnded(f, domain.FiringSkipped)
		return s.st.FinishFiring(ctx, f.ID, domain.FiringSkipped, now)
	case !f.AttemptAt.IsZero() && now.Sub(f.AttemptAt) >= nonceWindow:
		s.log.Warn("scheduler: reminder not re-sent: an earlier attempt may have gone out, too long ago for Discord to drop a repeat",
			"group", f.GroupID, "session", f.SessionAt, "lead", f.Lead, "attempted", f.AttemptAt)
		s.countEnded(f, domain.FiringAbandoned)
		return s.st.FinishFiring(ctx, f.ID, domain.FiringAbandoned, now)
	}
	claimed, err := s.st.ClaimFiring(ctx, f.ID)
	if err != nil || !claimed {
		return err
	}
	if f.Kind == domain.JobSessionStart {
		task := reminderTask{id: f.ID}
		s.handFiring(q, f.ID, func(ctx context.Context) { s.sendSessionPost(ctx, task) })
		return nil
	}
	task := reminderTask{id: f.ID, turn: s.nextTurn()}
	s.handFiring(q, f.ID, func(ctx context.Context) { s.sendReminder(ctx, task) })
	return nil
}

// reminderTask is a reminder for a worker to send. A fresh one, just
// recorded by the loop, carries its firing (with the members to mention);
// a resumed one is read from the database.
type reminderTask struct {
	id     int64
	fresh  bool
	firing domain.Firing
	turn   *turn // its place in the order of sends
}

// sendReminder sends the messages of a claimed reminder that are not yet
// confirmed, and records the outcome.
func (s *Scheduler) sendReminder(ctx context.Context, task reminderTask) {
	dbctx := context.WithoutCancel(ctx) // record outcomes even while shutting down
	defer task.turn.pass()
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
	// Read once it is this reminder's turn, not when the intent was
	// recorded: the group may have been archived since, or members left.
	task.turn.wait(ctx)
	g, err := s.st.Group(dbctx, f.GroupID)
	switch {
	case errors.Is(err, domain.ErrNoGroup) || (err == nil && (g.State == domain.StateArchived || g.ChannelID == "")):
		s.finish(dbctx, f, domain.FiringSkipped)
		return
	case err != nil:
		s.retry(ctx, f, err, false)
		return
	}
	current, err := s.st.Members(dbctx, f.GroupID)
	if err != nil {
		s.retry(ctx, f, err, false)
		return
	}
	settings, err := s.st.Settings(dbctx, g.GuildID)
	if err != nil {
		s.retry(ctx, f, err, false)
		return
	}
	p := messages.ForServer(settings)
	// Parts come from the members recorded with the intent, so a re-send
	// splits exactly as the first try did; people who left since are dropped.
	isMember := make(map[string]bool, len(current))
	for _, id := range current {
		isMember[id] = true
	}
	// Direct messages first: those that cannot be delivered join the
	// channel's mentions, which are then final before any part is sent,
	// so a re-send splits as the first try did.
	if !s.sendDMs(ctx, f, g, settings, isMember) {
		return
	}
	closed, err := s.st.ClosedDMs(dbctx, f.ID)
	if err != nil {
		s.retry(ctx, f, err, false)
		return
	}
	rich, _ := s.send.(RichSender)
	// An attempt at this message left by an earlier run may have gone out:
	// no failure seen now can prove otherwise.
	uncertain := !f.AttemptAt.IsZero()
	parts := splitMentions(f.SessionAt, f.Lead, append(f.Mentions[:len(f.Mentions):len(f.Mentions)], closed...))
	for i := f.PartsSent; i < len(parts); i++ {
		var ids []string
		for _, id := range parts[i] {
			if isMember[id] {
				ids = append(ids, id)
			}
		}
		if len(ids) == 0 {
			continue
		}
		now := s.clock.Now()
		if tooLate(f.SessionAt, f.Lead, now) {
			// Its turn came too late (a long queue under the rate limit):
			// a reminder of a session under way is no reminder.
			s.log.Warn("scheduler: reminder not sent: its session began while it waited", "group", f.GroupID,
				"session", f.SessionAt, "lead", f.Lead, "parts_sent", i)
			s.finish(dbctx, f, domain.FiringSkipped)
			return
		}
		sending, err := s.st.BeginAttempt(dbctx, f.ID, now)
		if err != nil {
			s.retry(ctx, f, err, false)
			return
		}
		if !sending {
			return // ended meanwhile (archived): nothing more may go out
		}
		firstTry := now
		if uncertain {
			firstTry = f.AttemptAt
		}
		content := p.Reminder(f.SessionAt, f.Lead, ids)
		// Past the window in which Discord drops a repeated nonce, a retry
		// could post twice: the send gives up then, and the reminder is
		// abandoned rather than risk it.
		sendCtx, cancel := context.WithTimeout(task.turn.context(ctx), nonceWindow-s.clock.Now().Sub(firstTry))
		if rich != nil {
			err = rich.SendWithButtons(sendCtx, g.ChannelID, content, ids,
				groups.SessionButtons(s.key, p, g.ID, f.SessionAt, false), reminderNonce(f, i))
		} else {
			err = s.send.SendMessage(sendCtx, g.ChannelID, content, ids, reminderNonce(f, i))
		}
		gaveUp := sendCtx.Err() != nil
		cancel()
		if errors.Is(err, ErrRefused) && !uncertain {
			s.log.Warn("scheduler: Discord refused a reminder; not retrying", "group", f.GroupID, "err", err)
			s.finish(dbctx, f, domain.FiringSkipped)
			return
		}
		if err != nil {
			// A message that never left is known not sent, even when the
			// send gave up (a shutdown while it waited for its place).
			known := !uncertain && (errors.Is(err, ErrNotSent) || (!errors.Is(err, ErrOutcomeUnknown) && !gaveUp))
			s.retry(ctx, f, err, known)
			return
		}
		uncertain = false
		last := i == len(parts)-1
		if err := s.record(ctx, func() error { return s.st.PartSent(dbctx, f.ID, i+1, last, s.clock.Now()) }); err != nil {
			s.log.Error("scheduler: could not record a sent reminder", "group", f.GroupID, "err", err)
			s.retry(ctx, f, err, false) // it went out; only a nonce-protected re-send is allowed
			return
		}
		if last {
			s.countEnded(f, domain.FiringSent)
			s.log.Debug("scheduler: reminder sent", "group", f.GroupID, "session", f.SessionAt, "lead", f.Lead)
			return
		}
	}
	s.finish(dbctx, f, domain.FiringSent)
}

// retry records a failed send to be tried again after a backoff.
func (s *Scheduler) retry(ctx context.Context, f domain.Firing, err error, outcomeKnown bool) {
	retry := s.clock.Now().Add(backoff(f.Attempts + 1))
	if ctx.Err() == nil {
		s.log.Warn("scheduler: sending a reminder failed; will retry", "group", f.GroupID,
			"session", f.SessionAt, "retry_at", retry, "err", err)
	}
	if err := s.record(ctx, func() error {
		return s.st.RetryFiring(context.WithoutCancel(ctx), f.ID, retry, outcomeKnown)
	}); err != nil {
		s.log.Error("scheduler: could not record a reminder's retry; it is taken over once its lease runs out",
			"group", f.GroupID, "err", err)
	}
	s.wake() // the loop may be asleep until later than the retry
}

func (s *Scheduler) finish(ctx context.Context, f domain.Firing, state domain.FiringState) {
	if err := s.record(ctx, func() error { return s.st.FinishFiring(ctx, f.ID, state, s.clock.Now()) }); err != nil {
		s.log.Error("scheduler: could not record a reminder's end; it is taken over once its lease runs out",
			"group", f.GroupID, "err", err)
		return
	}
	s.countEnded(f, state)
	s.log.Info("scheduler: reminder "+string(state), "group", f.GroupID, "session", f.SessionAt, "lead", f.Lead)
}

// splitMentions splits a reminder's members into messages that each stay
// within Discord's limits on mentions and length. The split is the same in
// every language (it makes room for the longest wording), so a re-send
// after the server's language changed splits as the first try did, and
// each part keeps its nonce.
func splitMentions(session time.Time, lead time.Duration, ids []string) [][]string {
	base := 0
	for _, l := range messages.Langs() {
		base = max(base, len(messages.For(l).Reminder(session, lead, nil)))
	}
	base += len("\n")
	var parts [][]string
	var cur []string
	size := base
	for _, id := range ids {
		add := len(messages.User(id))
		if len(cur) > 0 {
			add++ // the space between mentions
		}
		if len(cur) > 0 && (len(cur) == maxMentions || size+add > maxContent) {
			parts, cur, size, add = append(parts, cur), nil, base, add-1
		}
		cur = append(cur, id)
		size += add
	}
	if len(cur) > 0 {
		parts = append(parts, cur)
	}
	return parts
}

// reminderNonce is the Discord nonce of one message of a reminder: the same
// for every try of it, different for every other message, at most 25
// characters (18 hex digits of a hash of the firing's key, a dash, the part).
func reminderNonce(f domain.Firing, part int) string {
	key := fmt.Sprintf("hearth/%d/%s/%d/%d", f.GroupID, f.Kind, f.SessionAt.Unix(), int64(f.Lead/time.Second))
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:9]) + "-" + strconv.FormatInt(int64(part), 36)
}
