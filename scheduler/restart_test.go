package scheduler

import (
	"context"
	"hearth/domain"
	"slices"
	"testing"
	"time"
)

func TestRestartNeitherMissesNorRepeats(t *testing.T) {
	h := newHarness(t, madrid("2026-03-01 12:00"))
	g := h.group(domain.Group{Schedule: "0 18 * * *", Reminders: "24h,30m,0m"}, "u1")
	h.run()
	end := madrid("2026-03-08 12:00")
	// Restart at, just after and between due times.
	for _, at := range []string{"2026-03-01 18:00", "2026-03-02 17:30", "2026-03-02 17:31", "2026-03-03 12:00",
		"2026-03-03 18:00", "2026-03-04 17:59", "2026-03-05 18:00"} {
		h.advanceTo(madrid(at))
		h.restart()
	}
	h.advanceTo(end)

	seen := map[string]int{}
	for _, m := range h.discord.Calls() {
		seen[m.Nonce]++
	}
	want := 0
	for d := madrid("2026-03-01 18:00"); d.Before(end.Add(48 * time.Hour)); d = d.AddDate(0, 0, 1) {
		for _, lead := range []time.Duration{24 * time.Hour, 30 * time.Minute, 0} {
			if due := d.Add(-lead); due.Before(madrid("2026-03-01 12:00")) || due.After(end) {
				continue // due before the group existed, or after the test
			}
			want++
			n := seen[reminderNonce(domain.Firing{GroupID: g.ID, Kind: domain.JobReminder, SessionAt: d, Lead: lead}, 0)]
			if n != 1 {
				t.Errorf("session %s lead %s: sent %d times", d, lead, n)
			}
		}
	}
	if got := len(h.discord.Calls()); got != want {
		t.Errorf("%d sends, want %d", got, want)
	}
}

// A crash after a reminder went out but before it was recorded as sent.
func TestNoDuplicateAfterCrashMidSend(t *testing.T) {
	tests := []struct {
		name       string
		downFor    time.Duration // from the send to the restart; the session is 30m after the send
		wantCalls  int
		wantState  domain.FiringState
		resentSame bool
	}{
		{"restart soon: re-sent with the same nonce, Discord drops it", 20 * time.Second, 2, domain.FiringSent, true},
		{"restart after the session began: skipped", 45 * time.Minute, 1, domain.FiringSkipped, false},
		{"restart too late for Discord to drop a repeat: abandoned", 10 * time.Minute, 1, domain.FiringAbandoned, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, madrid("2026-03-02 17:00"))
			g := h.group(domain.Group{Schedule: "0 18 * * MON"}, "u1")
			hang := make(chan struct{})
			h.discord.hang, h.discord.hanging = hang, make(chan struct{}, 1)
			h.run()
			h.clock.Set(madrid("2026-03-02 17:30"))
			<-h.discord.hanging // the message is out; the process dies before recording it

			h.clock.Advance(tt.downFor)
			h.crashAndRestart(hang)

			calls, msgs := h.discord.Calls(), h.discord.Messages()
			if len(calls) != tt.wantCalls || len(msgs) != 1 {
				t.Fatalf("%d calls and %d messages, want %d and 1", len(calls), len(msgs), tt.wantCalls)
			}
			if tt.resentSame && calls[1].Nonce != calls[0].Nonce {
				t.Errorf("re-sent with nonce %s, want %s", calls[1].Nonce, calls[0].Nonce)
			}
			if fs := h.firings(g.ID); len(fs) != 1 || fs[0].State != tt.wantState {
				t.Errorf("firings %+v, want one %s", fs, tt.wantState)
			}
			// Later reminders go on as usual.
			h.advanceTo(madrid("2026-03-09 17:30"))
			if n := len(h.discord.Messages()); n != 2 {
				t.Errorf("%d messages after a week, want 2", n)
			}
		})
	}
}

// A crash after the intent was recorded but before any send: the reminder
// surely did not go out, so it is sent after the restart, once.
func TestCrashBeforeSendIsSentAfterRestart(t *testing.T) {
	h := newHarness(t, madrid("2026-03-02 17:00"))
	g := h.group(domain.Group{Schedule: "0 18 * * MON"}, "u1")
	ctx := context.Background()
	jobs, err := h.st.Jobs(ctx, g.ID)
	jobs = slices.DeleteFunc(jobs, func(j domain.Job) bool { return j.Kind == domain.JobSessionStart })
	if err != nil || len(jobs) != 1 {
		t.Fatalf("jobs %+v, %v", jobs, err)
	}
	h.clock.Set(madrid("2026-03-02 17:30"))
	j := jobs[0]
	intent := domain.Firing{GroupID: g.ID, Kind: domain.JobReminder, SessionAt: j.SessionAt, Lead: j.Lead,
		State: domain.FiringSending, Mentions: []string{"u1"}, CreatedAt: h.clock.Now()}
	next := j.SessionAt.AddDate(0, 0, 7)
	if recs, err := h.st.RecordFirings(ctx, []domain.FiringIntent{{Job: j, Firing: intent, NextSession: next, NextDue: next.Add(-j.Lead)}}); err != nil || !recs[0].Created {
		t.Fatalf("record intent: %+v %v", recs, err)
	}
	h.clock.Set(madrid("2026-03-02 17:50"))
	h.run()
	if msgs := h.discord.Messages(); len(msgs) != 1 || len(h.discord.Calls()) != 1 {
		t.Fatalf("got %d messages from %d calls, want 1", len(msgs), len(h.discord.Calls()))
	}
	h.restart()
	if n := len(h.discord.Calls()); n != 1 {
		t.Errorf("%d calls after another restart", n)
	}
}

func TestNonceShape(t *testing.T) {
	f := domain.Firing{GroupID: 1<<62 + 12345, Kind: domain.JobReminder, SessionAt: time.Unix(4102444800, 0), Lead: 7 * 24 * time.Hour}
	seen := map[string]bool{}
	for _, part := range []int{0, 1, 35, 36, 46655} {
		n := reminderNonce(f, part)
		if len(n) > 25 || seen[n] {
			t.Errorf("part %d: nonce %q (length %d, repeat %v)", part, n, len(n), seen[n])
		}
		seen[n] = true
	}
	g := f
	g.Lead = 0
	if reminderNonce(f, 0) == reminderNonce(g, 0) {
		t.Error("two lead times share a nonce")
	}
}
