package scheduler

import (
	"context"
	"errors"
	"fmt"
	"time"

	"hearth/store"
)

// completionGrace is the most a closed group's channel stays open after its
// last session begins. A group completes when its next session would have
// begun, or this long after the last one, whichever is sooner: a session
// runs for hours, not a day, so it is never cut off and members can say
// goodbye that evening; and a dense schedule (every minute, for trying things
// out) completes promptly instead of a day late.
const completionGrace = 24 * time.Hour

// plan is the timing of one group, derived from its row alone.
type plan struct {
	sched      Schedule // zero when the group has no schedule
	loc        *time.Location
	leads      []time.Duration
	from       time.Time // sessions before this do not count (closed groups); zero: all do
	lockAt     time.Time // a closed group still enrolling locks then; zero: no automatic lock
	last       time.Time // a closed group's last session; zero: no end
	completeAt time.Time // when a closed group completes; zero: never by itself
}

// planFor works out g's timing as seen at now. A closed group counts its
// sessions from its lock: the actual one, else its start, else its first
// session after now (which is when it will lock), or plannedLock when that
// is an earlier session already planned and not yet carried out.
func planFor(g store.Group, now, plannedLock time.Time) (plan, error) {
	var p plan
	if g.Schedule != "" {
		var err error
		if p.sched, err = ParseSchedule(g.Schedule); err != nil {
			return p, err
		}
		if p.loc, err = LoadTimezone(g.Timezone); err != nil {
			return p, err
		}
		if p.leads, err = ParseReminders(g.Reminders); err != nil {
			return p, err
		}
	}
	if g.Kind != store.KindClosed || g.State == store.StateArchived {
		return p, nil
	}
	switch {
	case g.State == store.StateLocked && !g.CountFrom.IsZero():
		p.from = g.CountFrom // the schedule changed after the start
	case g.State == store.StateLocked:
		p.from = g.LockedAt
	case !g.StartAt.IsZero():
		p.from, p.lockAt = g.StartAt, g.StartAt
	case !p.sched.IsZero():
		p.lockAt = p.sched.Next(now, p.loc)
		if !plannedLock.IsZero() && plannedLock.Before(p.lockAt) &&
			p.sched.Next(plannedLock.Add(-time.Nanosecond), p.loc).Equal(plannedLock) {
			p.lockAt = plannedLock // due, but the loop has not locked it yet
		}
		p.from = p.lockAt
	}
	if g.Sessions > 0 && !p.sched.IsZero() && !p.from.IsZero() {
		t := p.from.Add(-time.Nanosecond)
		for i := g.SessionsHeld; i < g.Sessions && !t.IsZero(); i++ {
			t = p.sched.Next(t, p.loc)
		}
		if g.SessionsHeld >= g.Sessions {
			// Every session was held under earlier schedules.
			p.last, p.completeAt = p.from, p.from
		} else if !t.IsZero() {
			p.last = t
			p.completeAt = t.Add(completionGrace)
			if next := p.sched.Next(t, p.loc); !next.IsZero() && next.Before(p.completeAt) {
				p.completeAt = next
			}
		}
	}
	return p, nil
}

// sessionAfter is the first session of the plan strictly after t that
// counts, or zero.
func (p plan) sessionAfter(t time.Time) time.Time {
	if p.sched.IsZero() {
		return time.Time{}
	}
	if !p.from.IsZero() && t.Before(p.from) {
		t = p.from.Add(-time.Nanosecond)
	}
	next := p.sched.Next(t, p.loc)
	if !p.last.IsZero() && next.After(p.last) {
		return time.Time{}
	}
	return next
}

// NextSession is g's first session strictly after `after` that will be
// held: none for archived groups, none before a closed group's start and
// none after its last session.
func (s *Scheduler) NextSession(g store.Group, after time.Time) (time.Time, bool) {
	if g.State == store.StateArchived {
		return time.Time{}, false
	}
	p, err := planFor(g, s.clock.Now(), time.Time{})
	if err != nil {
		return time.Time{}, false
	}
	next := p.sessionAfter(after)
	return next, !next.IsZero()
}

// sessionGrace is how long after a session begins it still counts as under
// way, for a closed group started by hand during it.
const sessionGrace = 3 * time.Hour

// StartedAt is the time a closed group started by hand at now counts its
// sessions from: the start of a session under way (begun within the last
// three hours), so that pressing start at the first session counts it, or
// else now.
func (s *Scheduler) StartedAt(g store.Group, now time.Time) time.Time {
	if g.Schedule == "" {
		return now
	}
	sched, err := ParseSchedule(g.Schedule)
	if err != nil {
		return now
	}
	loc, err := LoadTimezone(g.Timezone)
	if err != nil {
		return now
	}
	if t := sched.Next(now.Add(-sessionGrace), loc); !t.IsZero() && !t.After(now) {
		return t
	}
	return now
}

// SessionsHeld is how many of a started closed group's sessions have begun
// by now, counting those held under earlier schedules; /group schedule
// records it so that a new schedule goes on with the count.
func (s *Scheduler) SessionsHeld(g store.Group, now time.Time) int {
	p, err := planFor(g, now, time.Time{})
	if err != nil || p.from.IsZero() || p.sched.IsZero() {
		return g.SessionsHeld
	}
	held := g.SessionsHeld
	for t := p.from.Add(-time.Nanosecond); ; held++ {
		if t = p.sched.Next(t, p.loc); t.IsZero() || t.After(now) || (g.Sessions > 0 && held >= g.Sessions) {
			return held
		}
	}
}

// UpcomingSessions returns up to n of g's sessions after `after` that will
// be held, for replies that show the next sessions.
func (s *Scheduler) UpcomingSessions(g store.Group, after time.Time, n int) []time.Time {
	if g.State == store.StateArchived {
		return nil
	}
	p, err := planFor(g, s.clock.Now(), time.Time{})
	if err != nil {
		return nil
	}
	var out []time.Time
	for t := p.sessionAfter(after); !t.IsZero() && len(out) < n; t = p.sessionAfter(t) {
		out = append(out, t)
	}
	return out
}

// Reschedule (re)computes a group's pending jobs from its row, after it was
// created, its schedule changed, it started or it was archived, and wakes the
// loop. Archived (or deleted) groups get none.
//
// A reminder whose time has already passed when it is first planned is not
// sent late: it never was due. One that was already pending for the same
// session is kept, even if its time has passed, so that rescheduling never
// loses a reminder the loop has not fired yet; the firings table makes sure
// that keeping it cannot send it twice.
func (s *Scheduler) Reschedule(ctx context.Context, groupID int64) error {
	defer s.wake()
	g, err := s.st.Group(ctx, groupID)
	if errors.Is(err, store.ErrNoGroup) || (err == nil && g.State == store.StateArchived) {
		return s.st.DeleteJobs(ctx, groupID)
	}
	if err != nil {
		return fmt.Errorf("reschedule group %d: %w", groupID, err)
	}
	existing, err := s.st.Jobs(ctx, groupID)
	if err != nil {
		return fmt.Errorf("reschedule group %d: %w", groupID, err)
	}
	var plannedLock time.Time
	for _, old := range existing {
		if old.Kind == store.JobLock {
			plannedLock = old.SessionAt
		}
	}
	now := s.clock.Now()
	p, err := planFor(g, now, plannedLock)
	if err != nil {
		if delErr := s.st.DeleteJobs(ctx, groupID); delErr != nil {
			return delErr
		}
		return fmt.Errorf("reschedule group %d: stored schedule: %w", groupID, err)
	}
	var jobs []store.Job
	if !p.lockAt.IsZero() {
		jobs = append(jobs, store.Job{Kind: store.JobLock, SessionAt: p.lockAt, DueAt: p.lockAt})
	}
	if !p.completeAt.IsZero() {
		jobs = append(jobs, store.Job{Kind: store.JobComplete, SessionAt: p.completeAt, DueAt: p.completeAt})
	}
	for _, lead := range p.leads {
		session := p.sessionAfter(now.Add(lead - time.Nanosecond)) // first one whose reminder is still ahead
		for _, old := range existing {
			if old.Kind == store.JobReminder && old.Lead == lead && old.SessionAt.After(now) &&
				(session.IsZero() || old.SessionAt.Before(session)) && p.sessionAfter(old.SessionAt.Add(-time.Nanosecond)).Equal(old.SessionAt) {
				session = old.SessionAt
			}
		}
		if session.IsZero() {
			continue
		}
		jobs = append(jobs, store.Job{Kind: store.JobReminder, SessionAt: session, Lead: lead,
			DueAt: session.Add(-lead), UntilAt: p.last})
	}
	if err := s.st.ReplaceJobs(ctx, groupID, jobs); err != nil {
		return fmt.Errorf("reschedule group %d: %w", groupID, err)
	}
	return nil
}
