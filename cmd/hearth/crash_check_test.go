package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"hearth/domain"
	"hearth/internal/fakediscord"
)

// What the crash test checks after every restart; crash_test.go drives it.

// The overwrite an archived group (on_archive = "lock") leaves its members.
const (
	archivedAllowBits = permView | permHistory
	archivedDenyBits  = permSend
)

// The reminder contract of scheduler/doc.go, as the test holds hearth to it.
const (
	nonceWindow   = 2 * time.Minute // an attempt older than this may be abandoned, never re-sent
	zeroLeadGrace = 5 * time.Minute // a 0m reminder may go out this late
	// A reminder must go out if hearth was up and ready for this long, in
	// one stretch, between its due time and its deadline.
	coverMargin = 5 * time.Second
)

// deadline is when a reminder becomes too late to send: its session's start
// (for a 0m reminder, five minutes after).
func deadline(session time.Time, lead time.Duration) time.Time {
	if lead == 0 {
		return session.Add(zeroLeadGrace)
	}
	return session
}

type crashGroup struct {
	id                                int64
	name, state, channel, facilitator string
	reminders                         string
	capacity, memberCount             int
	createdAt, archivedAt             time.Time
	members, grants                   map[string]bool
}

func (g *crashGroup) live() bool { return g.state != string(domain.StateArchived) }

// remindsEveryMinute reports whether g is one of the reminder groups made at
// set-up: never archived, and always with a member (the anchor) and a
// channel, so every reminder of theirs that falls due must go out.
func (g *crashGroup) remindsEveryMinute() bool { return strings.HasPrefix(g.name, "remind-") }

// leads are g's reminder lead times.
func (g *crashGroup) leads() []time.Duration {
	leads, _ := domain.ParseReminders(g.reminders)
	return leads
}

type reminderKey struct {
	group   int64
	session int64 // unix seconds
	lead    time.Duration
}

func (k reminderKey) String() string {
	return fmt.Sprintf("group %d session %s lead %v", k.group, time.Unix(k.session, 0).UTC().Format(time.TimeOnly), k.lead)
}

func (f crashFiring) String() string {
	clock := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.UTC().Format(time.TimeOnly)
	}
	return fmt.Sprintf("%s (created %s, attempt %s, done %s)", f.state, clock(f.created), clock(f.attemptAt), clock(f.doneAt))
}

type crashFiring struct {
	state                      string
	attemptAt, doneAt, created time.Time
}

// crashSnapshot is the database at one moment, read in one transaction.
type crashSnapshot struct {
	at      time.Time
	groups  map[int64]*crashGroup
	byChan  map[string]*crashGroup
	firings map[reminderKey]crashFiring
	jobs    map[reminderKey]time.Time // (group, 0, lead) → the session the reminder job points at
}

func (r *crashRig) snapshot() crashSnapshot {
	r.t.Helper()
	ctx := context.Background()
	tx, err := r.db.BeginTx(ctx, nil)
	if err != nil {
		r.t.Fatalf("reading the database: %v", err)
	}
	defer tx.Rollback()
	s := crashSnapshot{at: time.Now(), groups: map[int64]*crashGroup{}, byChan: map[string]*crashGroup{},
		firings: map[reminderKey]crashFiring{}, jobs: map[reminderKey]time.Time{}}
	query := func(q string, scan func(*sql.Rows) error) {
		rows, err := tx.QueryContext(ctx, q)
		if err != nil {
			r.t.Fatalf("%s: %v", q, err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				r.t.Fatalf("%s: %v", q, err)
			}
		}
		if err := rows.Err(); err != nil {
			r.t.Fatalf("%s: %v", q, err)
		}
	}
	unix := func(v sql.NullInt64) time.Time {
		if !v.Valid {
			return time.Time{}
		}
		return time.Unix(v.Int64, 0)
	}
	query(`SELECT id, name, state, channel_id, facilitator_id, reminders, capacity, member_count, created_at, archived_at FROM groups`,
		func(rows *sql.Rows) error {
			g := &crashGroup{members: map[string]bool{}, grants: map[string]bool{}}
			var created int64
			var archived sql.NullInt64
			if err := rows.Scan(&g.id, &g.name, &g.state, &g.channel, &g.facilitator, &g.reminders, &g.capacity,
				&g.memberCount, &created, &archived); err != nil {
				return err
			}
			g.createdAt, g.archivedAt = time.Unix(created, 0), unix(archived)
			s.groups[g.id] = g
			if g.channel != "" {
				s.byChan[g.channel] = g
				r.channels[g.channel] = true
			}
			return nil
		})
	query(`SELECT group_id, user_id FROM memberships`, func(rows *sql.Rows) error {
		var id int64
		var user string
		err := rows.Scan(&id, &user)
		s.groups[id].members[user] = true
		return err
	})
	query(`SELECT group_id, user_id FROM grants`, func(rows *sql.Rows) error {
		var id int64
		var user string
		err := rows.Scan(&id, &user)
		s.groups[id].grants[user] = true
		return err
	})
	query(`SELECT group_id, session_at, lead_seconds, state, attempt_at, done_at, created_at FROM firings WHERE kind = 'reminder'`,
		func(rows *sql.Rows) error {
			var k reminderKey
			var lead, created int64
			var attempt, done sql.NullInt64
			var f crashFiring
			if err := rows.Scan(&k.group, &k.session, &lead, &f.state, &attempt, &done, &created); err != nil {
				return err
			}
			k.lead = time.Duration(lead) * time.Second
			f.attemptAt, f.doneAt, f.created = unix(attempt), unix(done), time.Unix(created, 0)
			s.firings[k] = f
			return nil
		})
	query(`SELECT group_id, session_at, lead_seconds FROM jobs WHERE kind = 'reminder'`, func(rows *sql.Rows) error {
		var k reminderKey
		var session, lead int64
		err := rows.Scan(&k.group, &session, &lead)
		k.lead = time.Duration(lead) * time.Second
		s.jobs[k] = time.Unix(session, 0)
		return err
	})
	return s
}

// check runs every check after a restart (round 0: after set-up; -1: at
// the end). The overwrites are checked until they hold or 15 s pass: the
// scheduler may be archiving a completed group meanwhile.
func (r *crashRig) check(round int) {
	r.t.Helper()
	before := r.reminderMessages()
	s := r.snapshot()
	after := r.reminderMessages()
	for _, p := range r.reminderProblems(s, before, after) {
		r.t.Errorf("round %d: %s", round, p)
	}

	// Groups archived by a process killed since are finished by start-up
	// before it reports ready (archives left half done, overwrites left to
	// former members) and changed by nobody after: their channels are
	// checked once. The rest are checked until they hold or 15 s pass, as
	// the scheduler may be archiving a completed group meanwhile.
	var problems, stale []string
	for giveUp := time.Now().Add(15 * time.Second); ; {
		problems, stale = r.channelProblems(r.snapshot())
		if len(problems) == 0 || time.Now().After(giveUp) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if crashStrict() {
		problems = append(problems, stale...)
	}
	for _, p := range stale {
		if !crashStrict() && !r.knownBug[p] {
			r.knownBug[p] = true
			r.t.Logf("round %d: BUG(seed %d): archived by a killed hearth and never finished (HEARTH_CRASH_STRICT=1 fails on it): %s",
				round, r.seed, p)
		}
	}
	for i, p := range problems {
		if i == 20 {
			r.t.Errorf("round %d: ... and %d more", round, len(problems)-i)
			break
		}
		r.t.Errorf("round %d: %s", round, p)
	}
}

// crashStrict reports whether the crash test fails on a group archived by a
// process killed before it changed the channel. It did not, while that was
// a known bug (found by this test, seed 1796173840957330669; reduced to
// TestArchiveKilledBeforeItsChannelChangeIsFinished); start-up now
// finishes such archives, so it does, unless HEARTH_CRASH_LENIENT is set.
func crashStrict() bool { return os.Getenv("HEARTH_CRASH_LENIENT") == "" }

// channelProblems compares every group's channel with the database: member
// overwrites, capacity, archived channels. stale are the problems of
// groups archived by an earlier process.
func (r *crashRig) channelProblems(s crashSnapshot) (problems, stale []string) {
	var out []string
	bad := func(g *crashGroup, format string, args ...any) {
		p := fmt.Sprintf("group %d %q (%s): ", g.id, g.name, g.state) + fmt.Sprintf(format, args...)
		if r.archivedByKilled[g.id] {
			stale = append(stale, p)
			return
		}
		out = append(out, p)
	}
	for _, g := range s.groups {
		if g.memberCount != len(g.members) {
			bad(g, "member_count %d, but %d memberships", g.memberCount, len(g.members))
		}
		if g.capacity > 0 && len(g.members) > g.capacity {
			bad(g, "%d members, capacity %d", len(g.members), g.capacity)
		}
		if g.channel == "" {
			if g.live() {
				bad(g, "live, but has no channel after start-up")
			}
			continue
		}
		ch, ok := r.fake.Channel(g.channel)
		switch {
		case !ok && g.live():
			bad(g, "its channel %s does not exist", g.channel)
			continue
		case !ok && r.delete:
			continue
		case !ok:
			bad(g, "archived with on_archive=lock, but its channel %s is gone", g.channel)
			continue
		case !g.live() && r.delete:
			bad(g, "archived with on_archive=delete, but its channel %s still exists with overwrites %s", g.channel, describeOverwrites(ch))
		}
		want := map[string][2]int64{} // user → allow, deny
		for id := range g.members {
			if g.live() {
				want[id] = [2]int64{memberAllow, 0}
			} else {
				want[id] = [2]int64{archivedAllowBits, archivedDenyBits}
			}
		}
		if g.facilitator != "" && !g.members[g.facilitator] {
			want[g.facilitator] = [2]int64{memberAllow, 0}
		}
		seated := 0
		for _, ow := range ch.Overwrites {
			if ow.Type != 1 || ow.ID == r.fake.BotUserID {
				continue
			}
			w, ok := want[ow.ID]
			switch {
			case !ok:
				bad(g, "user %s has overwrite allow=%d deny=%d but is not a member (grant kept: %v)", ow.ID, ow.Allow, ow.Deny, g.grants[ow.ID])
			case ow.Allow != w[0] || ow.Deny != w[1]:
				bad(g, "member %s has overwrite allow=%d deny=%d, want allow=%d deny=%d", ow.ID, ow.Allow, ow.Deny, w[0], w[1])
			}
			if ow.ID != g.facilitator {
				seated++
			}
			delete(want, ow.ID)
		}
		for id := range want {
			bad(g, "member %s has no overwrite on channel %s", id, g.channel)
		}
		if g.capacity > 0 && seated > g.capacity {
			bad(g, "%d member overwrites on its channel, capacity %d", seated, g.capacity)
		}
	}
	// Channels no group points at (a create killed after Discord made the
	// channel and before its id was stored): nobody may have been let in.
	for _, ch := range r.fake.Channels(r.guild) {
		if ch.ID == r.fake.GeneralChannelID || s.byChan[ch.ID] != nil {
			continue
		}
		for _, ow := range ch.Overwrites {
			if ow.Type == 1 && ow.ID != r.fake.BotUserID && ow.ID != r.facilitator {
				out = append(out, fmt.Sprintf("channel %s %q, of no group, lets user %s in", ch.ID, ch.Name, ow.ID))
			}
		}
	}
	slices.Sort(out)
	slices.Sort(stale)
	return out, stale
}

func describeOverwrites(ch fakediscord.Channel) string {
	var parts []string
	for _, ow := range ch.Overwrites {
		parts = append(parts, fmt.Sprintf("%s/%d:+%d-%d", ow.ID, ow.Type, ow.Allow, ow.Deny))
	}
	return strings.Join(parts, " ")
}

// orphanChannels counts the channels no group points at.
func (r *crashRig) orphanChannels(s crashSnapshot) int {
	n := 0
	for _, ch := range r.fake.Channels(r.guild) {
		if ch.ID != r.fake.GeneralChannelID && s.byChan[ch.ID] == nil {
			n++
		}
	}
	return n
}
