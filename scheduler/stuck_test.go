package scheduler

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"hearth/domain"
	"hearth/store"
)

// failingRetries is the store, except that recording a reminder's retry
// fails the first failRetries times, as a database blip would.
type failingRetries struct {
	*store.Store
	failRetries atomic.Int32
	failed      atomic.Int32
}

var errDatabaseBlip = errors.New("fake store: database is locked")

func (f *failingRetries) RetryFiring(ctx context.Context, id int64, at time.Time, outcomeKnown bool) error {
	if f.failRetries.Add(-1) >= 0 {
		f.failed.Add(1)
		return errDatabaseBlip
	}
	return f.Store.RetryFiring(ctx, id, at, outcomeKnown)
}

// stepTo moves the clock to t one timer at a time (the loop's wake-ups and
// the lease renewals), letting each finish before the next: every renewal
// that real time would make happens before the lease it could extend runs
// out.
func (h *harness) stepTo(t time.Time) {
	h.t.Helper()
	for h.clock.Now().Before(t) {
		h.settle()
		// The loop asleep and the renewer waiting: two timers.
		if !h.clock.WaitTimers(2, 5*time.Second) {
			h.t.Fatal("the loop or the lease renewer did not go back to sleep")
		}
		next, _ := h.clock.Next()
		if next.After(t) {
			next = t
		}
		h.clock.Set(next)
	}
	h.settle()
}

// A worker whose record of a failed send cannot be written gives the
// reminder up; its lease is then no longer renewed, runs out, and the
// reminder is taken over and sent (same nonce: once), or skipped if its
// session began meanwhile. Before, the lease was renewed for as long as
// the process ran and the reminder was never sent.
func TestFailedRecordIsTakenOverWhenItsLeaseRunsOut(t *testing.T) {
	tests := []struct {
		name    string
		lead    string
		lease   time.Duration
		due     time.Time
		sent    int
		state   domain.FiringState
		lateEnd time.Time
	}{
		// A lease shorter than Discord's nonce window: re-sent.
		{name: "sent once", lead: "30m", lease: 30 * time.Second, due: madrid("2026-03-02 17:30"),
			sent: 1, state: domain.FiringSent, lateEnd: madrid("2026-03-02 17:40")},
		// The default lease outlasts the session's start: skipped.
		{name: "session began", lead: "1m", lease: store.DefaultLease, due: madrid("2026-03-02 17:59"),
			sent: 0, state: domain.FiringSkipped, lateEnd: madrid("2026-03-02 18:10")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, madrid("2026-03-02 17:00"))
			h.st.SetLease("local", tc.lease)
			st := &failingRetries{Store: h.st}
			st.failRetries.Store(1)
			h.s = New(st, h.discord, h.complete, h.clock, nil)
			g := h.group(domain.Group{Schedule: "0 18 * * MON", Reminders: tc.lead}, "u1", "u2")
			h.discord.failNext = 1 // the first send fails; recording its retry fails too
			h.run()

			h.stepTo(tc.due)
			if n := st.failed.Load(); n != 1 {
				t.Fatalf("recording the retry failed %d times, want 1", n)
			}
			fs := h.firings(g.ID)
			if len(fs) != 1 || fs[0].State != domain.FiringSending || !fs[0].RetryAt.IsZero() {
				t.Fatalf("after the failed record: %+v, want one reminder in flight", fs)
			}

			h.stepTo(tc.lateEnd)
			fs = h.firings(g.ID)
			if len(fs) != 1 || fs[0].State != tc.state {
				t.Fatalf("reminders %+v, want one %s", fs, tc.state)
			}
			msgs := h.discord.Messages()
			if len(msgs) != tc.sent {
				t.Fatalf("%d messages, want %d: %+v", len(msgs), tc.sent, msgs)
			}
			calls := h.discord.Calls()
			for _, c := range calls {
				if c.Nonce != calls[0].Nonce {
					t.Errorf("tries with nonces %q and %q, want one nonce", calls[0].Nonce, c.Nonce)
				}
			}
			if tc.sent == 1 {
				if len(calls) != 2 {
					t.Errorf("%d sends, want the failed one and its re-send", len(calls))
				}
				if want := tc.due.Add(tc.lease); msgs[0].At.Before(want) || msgs[0].At.After(want.Add(tc.lease/3)) {
					t.Errorf("re-sent at %s, want once the lease ran out (%s)", msgs[0].At, want)
				}
			}
		})
	}
}
