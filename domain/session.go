package domain

import (
	"sort"
	"time"
)

// Session length (/group schedule duration:), in minutes.
const (
	DefaultDuration    = 90 * time.Minute
	MaxDurationMinutes = 600
)

// CheckDuration refuses a session length outside 1..MaxDurationMinutes minutes.
func CheckDuration(minutes int64) error {
	return CheckCount("duration", minutes, MaxDurationMinutes)
}

// SessionLength is g's session duration, DefaultDuration when unset.
func (g Group) SessionLength() time.Duration {
	if g.Duration <= 0 {
		return DefaultDuration
	}
	return g.Duration
}

// HasVoice reports whether g has a voice channel of its own.
func (g Group) HasVoice() bool { return g.VoiceChannelID != "" }

// CurrentOrNextSession is the session of g under way at now (begun, not yet
// ended), else its next one; zero when there is none. A voice group's
// scheduled event is for this session.
func (g Group) CurrentOrNextSession(now time.Time) time.Time {
	if g.State == StateArchived || g.Schedule == "" {
		return time.Time{}
	}
	p, err := planFor(g, now, g.LockAt)
	if err != nil {
		return time.Time{}
	}
	return p.sessionAfter(now.Add(-g.SessionLength()))
}

// sessionEndJob is the job that fires at the end of g's current or next
// session, for voice groups; ok is false when none is due.
func sessionEndJob(g Group, p plan, now time.Time) (Job, bool) {
	if !g.HasVoice() {
		return Job{}, false
	}
	session := p.sessionAfter(now.Add(-g.SessionLength()))
	if session.IsZero() {
		return Job{}, false
	}
	return Job{Kind: JobSessionEnd, SessionAt: session, DueAt: session.Add(g.SessionLength())}, true
}

// MinAttendance is how long a member must spend in the group's voice
// channel during a session to have attended it.
const MinAttendance = 10 * time.Minute

// VoiceInterval is a stretch of time someone spent in a group's voice
// channel; Left is zero while they are still there.
type VoiceInterval struct {
	UserID       string
	Joined, Left time.Time
}

// VoiceTime is how long intervals overlap [start, end); an open interval
// counts up to now.
func VoiceTime(intervals []VoiceInterval, start, end, now time.Time) time.Duration {
	var total time.Duration
	for _, iv := range intervals {
		left := iv.Left
		if left.IsZero() {
			left = now
		}
		from, to := maxTime(iv.Joined, start), minTime(left, end)
		if to.After(from) {
			total += to.Sub(from)
		}
	}
	return total
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// Presence is whether one member attended one session.
type Presence string

const (
	Attended Presence = "attended"
	Excused  Presence = "excused"
	Absent   Presence = "absent"
)

// AttendanceOf is a member's attendance at the session [start, start+length):
// attended with at least MinAttendance in its voice channel during it, or a
// 'here' mark; else excused with an 'excused' mark; else absent.
func AttendanceOf(start time.Time, length time.Duration, voice []VoiceInterval, mark Mark, now time.Time) Presence {
	switch {
	case mark == MarkHere, VoiceTime(voice, start, start.Add(length), now) >= MinAttendance:
		return Attended
	case mark == MarkExcused:
		return Excused
	}
	return Absent
}

// SessionAttendance is who attended one session, and who was excused.
type SessionAttendance struct {
	At       time.Time
	Attended []string
	Excused  []string
}

// MemberAttendance is one member's record: sessions attended of Held.
type MemberAttendance struct {
	UserID   string
	Attended int
	Excused  int
	Held     int
}

// AttendanceReport is a group's attendance, session by session (oldest
// first) and member by member (in the order given).
type AttendanceReport struct {
	Sessions []SessionAttendance
	Members  []MemberAttendance
}

// Attendance works out the report for sessions (each lasting length) from
// the voice intervals and marks of the group, for members. Intervals and
// marks of others (a facilitator, a former member) are left out.
func Attendance(sessions []time.Time, length time.Duration, members []string, voice []VoiceInterval, marks []SessionMark, now time.Time) AttendanceReport {
	byUser := map[string][]VoiceInterval{}
	for _, iv := range voice {
		byUser[iv.UserID] = append(byUser[iv.UserID], iv)
	}
	type key struct {
		user string
		at   int64
	}
	markOf := map[key]Mark{}
	for _, m := range marks {
		markOf[key{m.UserID, m.SessionAt.Unix()}] = m.Mark
	}
	sorted := append([]time.Time(nil), sessions...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Before(sorted[j]) })
	r := AttendanceReport{Members: make([]MemberAttendance, len(members))}
	for i, m := range members {
		r.Members[i] = MemberAttendance{UserID: m, Held: len(sorted)}
	}
	for _, at := range sorted {
		s := SessionAttendance{At: at}
		for i, m := range members {
			switch AttendanceOf(at, length, byUser[m], markOf[key{m, at.Unix()}], now) {
			case Attended:
				s.Attended = append(s.Attended, m)
				r.Members[i].Attended++
			case Excused:
				s.Excused = append(s.Excused, m)
				r.Members[i].Excused++
			}
		}
		r.Sessions = append(r.Sessions, s)
	}
	return r
}

// HeldSessions are g's sessions that have begun by now, at most limit of
// them, the latest ones, oldest first, counted from when g's sessions count
// (a closed group's start; an open group's creation) under its current
// schedule; extra (sessions someone marked, maybe under an earlier
// schedule) are merged in.
func (g Group) HeldSessions(now time.Time, limit int, extra []time.Time) []time.Time {
	seen := map[int64]bool{}
	var out []time.Time
	add := func(t time.Time) {
		if !t.After(now) && !seen[t.Unix()] {
			seen[t.Unix()] = true
			out = append(out, t)
		}
	}
	for _, t := range extra {
		add(t)
	}
	if g.Schedule != "" {
		if p, err := planFor(g, now, g.LockAt); err == nil {
			from := g.CreatedAt
			if !p.from.IsZero() {
				from = p.from
			}
			if g.Kind == KindClosed && p.from.IsZero() || p.from.After(now) {
				from = time.Time{} // not started: none held
			}
			recent := p.latestSessions(from, now, limit)
			for _, t := range recent {
				add(t)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	if len(out) > limit {
		out = out[len(out)-limit:]
	}
	return out
}

// maxHeldWalk bounds the sessions of a schedule walked to find the latest
// held: a schedule that fires every minute must not make a year of them.
const maxHeldWalk = 5000

// latestSessions are the plan's last limit sessions in [from, now], looking
// back at most a year, then a month, a day, an hour, until the walk from
// there reaches now within maxHeldWalk sessions.
func (p plan) latestSessions(from, now time.Time, limit int) []time.Time {
	if from.IsZero() {
		return nil
	}
	for _, back := range []time.Duration{366 * 24 * time.Hour, 31 * 24 * time.Hour, 24 * time.Hour, time.Hour} {
		start := from
		if earliest := now.Add(-back); start.Before(earliest) {
			start = earliest
		}
		var recent []time.Time
		t := p.sessionAfter(start.Add(-time.Nanosecond))
		n := 0
		for ; !t.IsZero() && !t.After(now) && n < maxHeldWalk; n++ {
			recent = append(recent, t)
			if len(recent) > limit {
				recent = recent[1:]
			}
			t = p.sessionAfter(t)
		}
		if n < maxHeldWalk {
			return recent
		}
	}
	return nil
}

// GroupEvent is the Discord scheduled event Hearth made for one session of
// a voice group.
type GroupEvent struct {
	GroupID   int64
	GuildID   string
	EventID   string
	SessionAt time.Time
	EndsAt    time.Time
}
