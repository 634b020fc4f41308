package domain

import "time"

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
func planFor(g Group, now, plannedLock time.Time) (plan, error) {
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
	if g.Kind != KindClosed || g.State == StateArchived {
		return p, nil
	}
	switch {
	case g.State == StateLocked && !g.CountFrom.IsZero():
		p.from = g.CountFrom // the schedule changed after the start
	case g.State == StateLocked:
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

// NextSession is g's first session strictly after now that will be held:
// none for archived groups, none before a closed group's start and none
// after its last session.
func (g Group) NextSession(now time.Time) (time.Time, bool) {
	if t := g.UpcomingSessions(now, 1); len(t) > 0 {
		return t[0], true
	}
	return time.Time{}, false
}

// UpcomingSessions returns up to n of g's sessions after now that will be
// held, for replies that show the next sessions.
func (g Group) UpcomingSessions(now time.Time, n int) []time.Time {
	if g.State == StateArchived || g.Schedule == "" {
		return nil
	}
	p, err := planFor(g, now, g.LockAt)
	if err != nil {
		return nil
	}
	var out []time.Time
	for t := p.sessionAfter(now); !t.IsZero() && len(out) < n; t = p.sessionAfter(t) {
		out = append(out, t)
	}
	return out
}

// sessionGrace is how long after a session begins it still counts as under
// way, for a closed group started by hand during it.
const sessionGrace = 3 * time.Hour

// StartedAt is the time a closed group started by hand at now counts its
// sessions from: the start of a session under way (begun within the last
// three hours), so that pressing start at the first session counts it, or
// else now.
func (g Group) StartedAt(now time.Time) time.Time {
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

// SessionsHeldBy is how many of a started closed group's sessions have begun
// by now, counting those held under earlier schedules; a schedule change
// records it so that the new schedule goes on with the count.
func (g Group) SessionsHeldBy(now time.Time) int {
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

// Plan is what a group's row implies at a moment: its pending jobs, and
// when it is planned to lock. Stores write it in the same transaction as
// the change to the group, so no crash can leave one without the other.
type Plan struct {
	Jobs   []Job
	LockAt time.Time // zero: no automatic lock
}

// PlanJobs works out g's pending jobs at now, given the jobs it had
// (existing). Archived groups get none.
//
// A reminder whose time has already passed when it is first planned is not
// sent late: it never was due. One that was already pending for the same
// session is kept, even if its time has passed, so that re-planning never
// loses a reminder the scheduler has not fired yet; the firings table makes
// sure that keeping it cannot send it twice. Likewise a lock already due
// but not yet carried out stays where it was.
func PlanJobs(g Group, existing []Job, now time.Time) (Plan, error) {
	if g.State == StateArchived {
		return Plan{}, nil
	}
	var plannedLock time.Time
	for _, old := range existing {
		if old.Kind == JobLock {
			plannedLock = old.SessionAt
		}
	}
	p, err := planFor(g, now, plannedLock)
	if err != nil {
		return Plan{}, err
	}
	out := Plan{LockAt: p.lockAt}
	if !p.lockAt.IsZero() {
		out.Jobs = append(out.Jobs, Job{Kind: JobLock, SessionAt: p.lockAt, DueAt: p.lockAt})
	}
	if !p.completeAt.IsZero() {
		out.Jobs = append(out.Jobs, Job{Kind: JobComplete, SessionAt: p.completeAt, DueAt: p.completeAt})
	}
	if j, ok := sessionEndJob(g, p, now); ok {
		out.Jobs = append(out.Jobs, j)
	}
	for _, lead := range p.leads {
		session := p.sessionAfter(now.Add(lead - time.Nanosecond)) // first one whose reminder is still ahead
		for _, old := range existing {
			if old.Kind == JobReminder && old.Lead == lead && old.SessionAt.After(now) &&
				(session.IsZero() || old.SessionAt.Before(session)) && p.sessionAfter(old.SessionAt.Add(-time.Nanosecond)).Equal(old.SessionAt) {
				session = old.SessionAt
			}
		}
		if session.IsZero() {
			continue
		}
		out.Jobs = append(out.Jobs, Job{Kind: JobReminder, SessionAt: session, Lead: lead,
			DueAt: session.Add(-lead), UntilAt: p.last})
	}
	if j, ok := p.sessionStartJob(existing, now); ok {
		out.Jobs = append(out.Jobs, j)
	}
	return out, nil
}

// sessionStartJob is the job that posts the next session's check-in post:
// at the first session not yet begun, or at one begun in the last
// MaxDuration that is still planned and not posted (re-planning must not
// lose the post of a session under way; the firings table keeps it once).
func (p plan) sessionStartJob(existing []Job, now time.Time) (Job, bool) {
	session := p.sessionAfter(now.Add(-time.Nanosecond))
	for _, old := range existing {
		if old.Kind == JobSessionStart && old.SessionAt.After(now.Add(-MaxDuration)) &&
			(session.IsZero() || old.SessionAt.Before(session)) &&
			p.sessionAfter(old.SessionAt.Add(-time.Nanosecond)).Equal(old.SessionAt) {
			session = old.SessionAt
		}
	}
	if session.IsZero() {
		return Job{}, false
	}
	return Job{Kind: JobSessionStart, SessionAt: session, DueAt: session, UntilAt: p.last}, true
}

// NextReminder is the session a reminder job with lead time lead moves on
// to after reminding of `after` (or, after downtime, of the first session
// not yet begun at now), and when it is then due; zero when there is none.
func NextReminder(g Group, j Job, now time.Time) (session, due time.Time, err error) {
	sched, err := ParseSchedule(g.Schedule)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	loc, err := LoadTimezone(g.Timezone)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	after := j.SessionAt
	if now.After(after) {
		after = now
	}
	session = sched.Next(after, loc)
	if !j.UntilAt.IsZero() && session.After(j.UntilAt) {
		return time.Time{}, time.Time{}, nil
	}
	return session, session.Add(-j.Lead), nil
}
