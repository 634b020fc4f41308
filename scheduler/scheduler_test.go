package scheduler

import (
	"context"
	"fmt"
	"hearth/domain"
	"slices"
	"strings"
	"testing"
	"time"

	"hearth/messages"
)

// 2026-03-02 is a Monday; clocks in Madrid go forward on Sunday 2026-03-29.
var monday = madrid("2026-03-02 18:00")

func TestRemindersAtLeadTimes(t *testing.T) {
	h := newHarness(t, madrid("2026-03-01 12:00"))
	g := h.group(domain.Group{Schedule: "0 18 * * MON", Reminders: "24h,30m"}, "u1", "u2", "u3")
	h.run()

	h.advanceTo(madrid("2026-03-01 17:59"))
	if n := len(h.discord.Messages()); n != 0 {
		t.Fatalf("%d messages before the first reminder", n)
	}
	h.advanceTo(madrid("2026-03-01 18:00"))
	h.advanceTo(madrid("2026-03-02 17:30"))
	msgs := h.discord.Messages()
	if len(msgs) != 2 {
		t.Fatalf("got %d messages, want 2: %+v", len(msgs), msgs)
	}
	for i, m := range msgs {
		if m.Channel != g.ChannelID {
			t.Errorf("message %d in channel %s, want %s", i, m.Channel, g.ChannelID)
		}
		if !slices.Equal(m.Mentions, []string{"u1", "u2", "u3"}) {
			t.Errorf("message %d mentions %v", i, m.Mentions)
		}
		for _, want := range []string{fmt.Sprintf("<t:%d:F>", monday.Unix()), fmt.Sprintf("<t:%d:R>", monday.Unix()), "<@u1> <@u2> <@u3>"} {
			if !strings.Contains(m.Content, want) {
				t.Errorf("message %d %q lacks %q", i, m.Content, want)
			}
		}
	}
	if !msgs[0].At.Equal(madrid("2026-03-01 18:00")) || !msgs[1].At.Equal(madrid("2026-03-02 17:30")) {
		t.Errorf("sent at %s and %s", msgs[0].At, msgs[1].At)
	}
	if msgs[0].Nonce == msgs[1].Nonce {
		t.Error("two reminders share a nonce")
	}

	// Across the DST change the session stays at 18:00 local.
	h.advanceTo(madrid("2026-04-06 18:00"))
	var sessions []string
	for _, m := range h.discord.Messages() {
		sessions = append(sessions, m.Content[strings.Index(m.Content, "<t:"):][:16])
	}
	want := 0
	for d := monday; !d.After(madrid("2026-04-06 18:00")); d = d.AddDate(0, 0, 7) {
		want += 2
		tag := fmt.Sprintf("<t:%d:F>", d.Unix())
		if c := strings.Count(strings.Join(sessions, " "), tag[:14]); c != 2 {
			t.Errorf("session %s reminded %d times, want 2", d, c)
		}
	}
	if len(sessions) != want {
		t.Errorf("got %d reminders, want %d", len(sessions), want)
	}
	for _, f := range h.firings(g.ID) {
		if f.State != domain.FiringSent {
			t.Errorf("firing %+v not sent", f)
		}
	}
}

func TestZeroLeadAndNoMembers(t *testing.T) {
	h := newHarness(t, madrid("2026-03-02 12:00"))
	g := h.group(domain.Group{Schedule: "0 18 * * *", Reminders: "0m"}, "u1")
	empty := h.group(domain.Group{Schedule: "0 18 * * *", Reminders: "0m"})
	h.run()
	h.advanceTo(madrid("2026-03-02 18:00"))
	msgs := h.discord.Messages()
	if len(msgs) != 1 || msgs[0].Channel != g.ChannelID || !strings.Contains(msgs[0].Content, "starting") {
		t.Fatalf("got %+v", msgs)
	}
	if fs := h.firings(empty.ID); len(fs) != 1 || fs[0].State != domain.FiringSkipped {
		t.Errorf("empty group's firing: %+v", fs)
	}
}

func TestCatchUpAfterDowntime(t *testing.T) {
	h := newHarness(t, madrid("2026-03-01 12:00"))
	g := h.group(domain.Group{Schedule: "0 18 * * MON", Reminders: "24h,30m"}, "u1")
	// The bot is down from before the 24h reminder until 17:00 on the day:
	// that reminder is sent late, since its session has not begun.
	h.clock.Set(madrid("2026-03-02 17:00"))
	h.run()
	if msgs := h.discord.Messages(); len(msgs) != 1 || !msgs[0].At.Equal(madrid("2026-03-02 17:00")) {
		t.Fatalf("after downtime got %+v, want the 24h reminder sent late", msgs)
	}
	h.advanceTo(madrid("2026-03-02 17:30"))
	if n := len(h.discord.Messages()); n != 2 {
		t.Fatalf("got %d messages, want 2", n)
	}

	// Down again past the whole next session: both its reminders are skipped
	// and logged, and the one after is reminded as usual.
	h.stop()
	h.clock.Set(madrid("2026-03-09 19:00"))
	h.open()
	h.run()
	if n := len(h.discord.Messages()); n != 2 {
		t.Fatalf("reminders of a session that had begun were sent: %+v", h.discord.Messages()[2:])
	}
	skipped := 0
	for _, f := range h.firings(g.ID) {
		if f.State == domain.FiringSkipped {
			skipped++
		}
	}
	if skipped != 2 {
		t.Errorf("%d firings recorded as skipped, want 2", skipped)
	}
	h.advanceTo(madrid("2026-03-16 18:00"))
	if n := len(h.discord.Messages()); n != 4 {
		t.Fatalf("got %d messages, want 4", n)
	}
}

func TestSendFailureRetriedWithoutDuplicate(t *testing.T) {
	h := newHarness(t, madrid("2026-03-02 17:00"))
	g := h.group(domain.Group{Schedule: "0 18 * * MON", Reminders: "30m"}, "u1")
	h.discord.failNext = 3
	h.run()
	h.advanceTo(madrid("2026-03-02 17:30"))
	if n := len(h.discord.Messages()); n != 0 {
		t.Fatalf("%d messages while Discord fails", n)
	}
	h.advanceTo(madrid("2026-03-02 17:35")) // backoff 5s, 10s, 20s
	msgs, calls := h.discord.Messages(), h.discord.Calls()
	if len(msgs) != 1 || len(calls) != 4 {
		t.Fatalf("got %d messages from %d calls, want 1 from 4", len(msgs), len(calls))
	}
	for _, c := range calls {
		if c.Nonce != msgs[0].Nonce {
			t.Errorf("a retry used nonce %s, want %s", c.Nonce, msgs[0].Nonce)
		}
	}
	if fs := h.firings(g.ID); len(fs) != 1 || fs[0].State != domain.FiringSent || fs[0].Attempts != 4 {
		t.Errorf("firings: %+v", fs)
	}
	h.advanceTo(madrid("2026-03-09 18:00"))
	if n := len(h.discord.Messages()); n != 2 {
		t.Errorf("got %d messages, want 2", n)
	}
}

func TestFailureUntilSessionBegins(t *testing.T) {
	h := newHarness(t, madrid("2026-03-02 17:00"))
	g := h.group(domain.Group{Schedule: "0 18 * * MON", Reminders: "30m"}, "u1")
	h.discord.failNext = 1 << 30
	h.run()
	h.advanceTo(madrid("2026-03-02 18:05"))
	if fs := h.firings(g.ID); len(fs) != 1 || fs[0].State != domain.FiringSkipped {
		t.Errorf("firings: %+v", fs)
	}
}

func TestSplitsLargeGroups(t *testing.T) {
	h := newHarness(t, madrid("2026-03-02 17:00"))
	var members []string
	for i := range 250 {
		members = append(members, fmt.Sprintf("1%018d", i)) // 19-digit snowflakes
	}
	g := h.group(domain.Group{Schedule: "0 18 * * MON"}, members...)
	h.discord.failNext = 0
	h.run()
	h.advanceTo(madrid("2026-03-02 17:30"))
	msgs := h.discord.Messages()
	if len(msgs) < 3 {
		t.Fatalf("got %d messages for 250 members, want at least 3", len(msgs))
	}
	var all []string
	nonces := map[string]bool{}
	for _, m := range msgs {
		if len(m.Mentions) > 100 || len([]rune(m.Content)) > 2000 {
			t.Errorf("message with %d mentions and %d characters", len(m.Mentions), len([]rune(m.Content)))
		}
		for _, id := range m.Mentions {
			if !strings.Contains(m.Content, "<@"+id+">") {
				t.Errorf("mention of %s not in its message", id)
			}
		}
		nonces[m.Nonce] = true
		all = append(all, m.Mentions...)
	}
	slices.Sort(all)
	if !slices.Equal(all, members) {
		t.Errorf("mentioned %d people, want each of the %d members once", len(all), len(members))
	}
	if len(nonces) != len(msgs) {
		t.Errorf("%d nonces for %d messages", len(nonces), len(msgs))
	}
	if fs := h.firings(g.ID); fs[0].PartsSent != len(msgs) {
		t.Errorf("parts sent %d, want %d", fs[0].PartsSent, len(msgs))
	}
}

func TestSplitMentionsLimits(t *testing.T) {
	session := madrid("2026-03-02 18:00")
	for _, n := range []int{0, 1, 99, 100, 101, 1000} {
		var ids []string
		for i := range n {
			ids = append(ids, fmt.Sprintf("%020d", i))
		}
		parts := splitMentions(session, 30*time.Minute, ids)
		var joined []string
		for _, p := range parts {
			if len(p) == 0 || len(p) > maxMentions {
				t.Errorf("%d members: a part of %d", n, len(p))
			}
			for _, l := range messages.Langs() {
				if c := len([]rune(messages.For(l).Reminder(session, 30*time.Minute, p))); c > maxContent {
					t.Errorf("%d members, %s: a part of %d characters", n, l, c)
				}
			}
			joined = append(joined, p...)
		}
		if !slices.Equal(joined, ids) {
			t.Errorf("%d members: parts do not add up", n)
		}
	}
}

func TestMemberWhoLeftIsNotMentioned(t *testing.T) {
	h := newHarness(t, madrid("2026-03-02 17:00"))
	g := h.group(domain.Group{Schedule: "0 18 * * MON"}, "u1", "u2")
	h.discord.failNext = 1
	h.run()
	h.advanceTo(madrid("2026-03-02 17:30")) // intent recorded with u1, u2; the send fails
	if _, err := h.st.Leave(context.Background(), g.ID, "u2"); err != nil {
		t.Fatal(err)
	}
	h.advanceTo(madrid("2026-03-02 17:31"))
	msgs := h.discord.Messages()
	if len(msgs) != 1 || !slices.Equal(msgs[0].Mentions, []string{"u1"}) || strings.Contains(msgs[0].Content, "u2") {
		t.Errorf("got %+v", msgs)
	}
}

func TestRescheduleNeverRepeats(t *testing.T) {
	h := newHarness(t, madrid("2026-03-02 17:00"))
	g := h.group(domain.Group{Schedule: "0 18 * * MON", Reminders: "30m,0m"}, "u1")
	h.run()
	h.advanceTo(madrid("2026-03-02 17:45"))
	ctx := context.Background()
	// Changing the schedule, or rescheduling twice, sends nothing again.
	if err := h.st.Replan(ctx, g.ID, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if err := h.st.SetSchedule(ctx, g.ID, "0 18 * * MON,TUE", "Europe/Madrid", "30m,0m", h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if err := h.st.Replan(ctx, g.ID, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	h.settle()
	h.advanceTo(madrid("2026-03-03 18:00"))
	if n := len(h.discord.Messages()); n != 4 {
		t.Errorf("got %d messages, want 4: %+v", n, h.discord.Messages())
	}
	// Archiving drops every job.
	if _, err := h.st.Archive(ctx, g.ID, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if err := h.st.Replan(ctx, g.ID, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if jobs, _ := h.st.Jobs(ctx, g.ID); len(jobs) != 0 {
		t.Errorf("archived group has jobs %+v", jobs)
	}
	h.advanceTo(madrid("2026-03-10 18:00"))
	if n := len(h.discord.Messages()); n != 4 {
		t.Errorf("archived group was reminded: %d messages", n)
	}
}
