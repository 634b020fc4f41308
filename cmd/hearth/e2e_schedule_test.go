package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"hearth/internal/fakediscord"
)

// reminders returns the bot's messages in a channel (not interaction
// replies, not session posts).
func (w *world) reminders(channelID string) []fakediscord.Message {
	var out []fakediscord.Message
	for _, m := range w.fake.Messages(channelID) {
		if m.AuthorID == w.fake.BotUserID && m.InteractionID == "" && !m.Ephemeral && !isSessionPost(m) {
			out = append(out, m)
		}
	}
	return out
}

func (w *world) waitReminders(channelID string, n int) []fakediscord.Message {
	w.t.Helper()
	eventually(w.t, fmt.Sprintf("%d reminders", n), func() bool { return len(w.reminders(channelID)) >= n })
	return w.reminders(channelID)
}

func TestReminderMentionsExactlyTheMembers(t *testing.T) {
	w := newWorld(t)
	w.start()
	// The clock starts at 2026-11-26 09:00 UTC; sessions are daily at 18:00 Madrid (17:00 UTC).
	r := w.group(w.mod, "create", str("name", "Evening Circle"), str("type", "open"),
		str("schedule", "0 18 * * *"), str("timezone", "Europe/Madrid"), str("reminder", "30m"))
	session := time.Date(2026, 11, 26, 17, 0, 0, 0, time.UTC)
	wantReply(t, r, fmt.Sprintf("<t:%d:F>", session.Unix()), fmt.Sprintf("<t:%d:F>", session.Add(48*time.Hour).Unix()))
	wantReply(t, w.do(w.bob, "groups"), fmt.Sprintf("next <t:%d:F>", session.Unix()))
	w.do(w.alice, "join", str("group", "Evening Circle"))
	w.do(w.bob, "join", str("group", "Evening Circle"))
	carol := w.fake.AddMember(w.guild, "carol")
	g := w.groupNamed(w.db(), "Evening Circle")

	w.clock.Set(session.Add(-31 * time.Minute))
	time.Sleep(50 * time.Millisecond)
	if n := len(w.reminders(g.ChannelID)); n != 0 {
		t.Fatalf("%d reminders before their time", n)
	}
	w.clock.Set(session.Add(-30 * time.Minute))
	msgs := w.waitReminders(g.ChannelID, 1)
	m := msgs[0]
	if !strings.Contains(m.Content, fmt.Sprintf("<t:%d:F>", session.Unix())) {
		t.Errorf("reminder %q does not show the session time", m.Content)
	}
	want := []string{w.alice, w.bob}
	got := slices.Sorted(slices.Values(m.Mentions))
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("reminder pinged %v, want exactly %v", got, want)
	}
	if m.AllowedMentions == nil || len(m.AllowedMentions.Parse) != 0 ||
		!slices.Equal(slices.Sorted(slices.Values(m.AllowedMentions.Users)), want) {
		t.Errorf("allowed_mentions = %+v, want users %v and parse empty", m.AllowedMentions, want)
	}
	if slices.Contains(m.Mentions, carol) || m.MentionEveryone {
		t.Error("the reminder pinged a non-member")
	}
	time.Sleep(50 * time.Millisecond)
	if n := len(w.reminders(g.ChannelID)); n != 1 {
		t.Fatalf("%d reminders for one session, want 1", n)
	}
}

// A restart neither misses nor repeats a reminder: one due while Hearth was
// down goes out late if its session has not begun, and none goes out twice.
func TestRestartNeitherMissesNorRepeatsReminders(t *testing.T) {
	w := newWorld(t)
	h := w.start()
	w.group(w.mod, "create", str("name", "Evening Circle"), str("type", "open"),
		str("schedule", "0 18 * * *"), str("timezone", "UTC"), str("reminder", "2h,30m"))
	w.do(w.alice, "join", str("group", "Evening Circle"))
	g := w.groupNamed(w.db(), "Evening Circle")
	session := time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC)

	w.clock.Set(session.Add(-2 * time.Hour))
	w.waitReminders(g.ChannelID, 1) // the 2h reminder
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	// Down across the 30m reminder; back before the session begins.
	w.clock.Set(session.Add(-10 * time.Minute))
	h = w.start()
	msgs := w.waitReminders(g.ChannelID, 2)
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	// Down across the next day's 2h reminder and its session: that one is skipped.
	w.clock.Set(session.Add(24*time.Hour + 5*time.Minute))
	w.start()
	time.Sleep(100 * time.Millisecond)
	w.clock.Set(session.Add(48*time.Hour - 2*time.Hour))
	msgs = w.waitReminders(g.ChannelID, 3)
	time.Sleep(100 * time.Millisecond)
	msgs = w.reminders(g.ChannelID)
	wantSessions := []time.Time{session, session, session.Add(48 * time.Hour)}
	if len(msgs) != len(wantSessions) {
		t.Fatalf("%d reminders, want %d: %v", len(msgs), len(wantSessions), msgs)
	}
	for i, m := range msgs {
		if !strings.Contains(m.Content, fmt.Sprintf("<t:%d:F>", wantSessions[i].Unix())) {
			t.Errorf("reminder %d = %q, want one for %s", i, m.Content, wantSessions[i])
		}
	}
}

func TestClosedGroupLocksAtItsStartAndCompletes(t *testing.T) {
	w := newWorld(t)
	w.start()
	st := w.db()
	start := time.Date(2026, 12, 1, 18, 0, 0, 0, time.UTC)
	w.group(w.mod, "create", str("name", "Spring Cohort"), str("type", "closed"), str("start", "2026-12-01 18:00"),
		num("sessions", 2), str("schedule", "0 18 * * TUE"), str("timezone", "UTC"))
	w.do(w.alice, "join", str("group", "Spring Cohort"))
	g := w.groupNamed(st, "Spring Cohort")

	w.clock.Set(start)
	eventually(t, "the lock", func() bool { return w.groupNamed(st, "Spring Cohort").State == "locked" })
	wantReply(t, w.do(w.bob, "join", str("group", "Spring Cohort")), "has already started")

	// Two sessions (Dec 1 and Dec 8); it completes when the third would begin.
	w.clock.Set(start.Add(7 * 24 * time.Hour))
	w.clock.Set(start.Add(14 * 24 * time.Hour))
	eventually(t, "completion", func() bool {
		got, err := st.Group(t.Context(), g.ID)
		return err == nil && got.State == "archived"
	})
	// The state is archived before the channel changes (database first).
	eventually(t, "alice's overwrite read-only after completion", func() bool {
		ow, ok := w.overwrite(g.ChannelID, w.alice)
		return ok && ow.Allow&permView != 0 && ow.Deny&permSend != 0
	})
}
