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

// A worker whose record of a failed send cannot be written, even after
// trying again, gives the reminder up; its lease is then no longer renewed,
// runs out, and the reminder is taken over and sent (same nonce: once), or
// skipped if its session began meanwhile. Before, the lease was renewed
// for as long as the process ran and the reminder was never sent. A brief
// failure is absorbed by the worker's own tries.
func TestFailedRecordIsTakenOverWhenItsLeaseRunsOut(t *testing.T) {
	tests := []struct {
		name    string
		lead    string
		lease   time.Duration
		fails   int32 // recording the retry fails this many times
		due     time.Time
		state   domain.FiringState
		sentAt  time.Time // zero: never sent
		lateEnd time.Time
	}{
		// A lease shorter than Discord's nonce window: re-sent once it ran out.
		{name: "given up, sent once", lead: "30m", lease: 30 * time.Second, fails: recordTries,
			due: madrid("2026-03-02 17:30"), state: domain.FiringSent, sentAt: madrid("2026-03-02 17:30").Add(30 * time.Second),
			lateEnd: madrid("2026-03-02 17:40")},
		// The default lease outlasts the session's start: skipped.
		{name: "given up, session began", lead: "1m", lease: store.DefaultLease, fails: recordTries,
			due: madrid("2026-03-02 17:59"), state: domain.FiringSkipped, lateEnd: madrid("2026-03-02 18:10")},
		// One failure: the worker's second try records the retry, which goes
		// out after its backoff as usual.
		{name: "blip", lead: "30m", lease: store.DefaultLease, fails: 1,
			due: madrid("2026-03-02 17:30"), state: domain.FiringSent, sentAt: madrid("2026-03-02 17:30").Add(backoff(1)),
			lateEnd: madrid("2026-03-02 17:40")},
	}
	recordPause = time.Millisecond
	t.Cleanup(func() { recordPause = 100 * time.Millisecond })
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, madrid("2026-03-02 17:00"))
			h.st.SetLease("local", tc.lease)
			st := &failingRetries{Store: h.st}
			st.failRetries.Store(tc.fails)
			h.s = New(st, h.discord, h.complete, h.clock, nil)
			g := h.group(domain.Group{Schedule: "0 18 * * MON", Reminders: tc.lead}, "u1", "u2")
			h.discord.failNext = 1 // the first send fails; recording its retry fails too
			h.run()

			h.stepTo(tc.due)
			if n := st.failed.Load(); n != tc.fails {
				t.Fatalf("recording the retry failed %d times, want %d", n, tc.fails)
			}
			fs := h.firings(g.ID)
			if len(fs) != 1 || fs[0].State != domain.FiringSending || fs[0].RetryAt.IsZero() != (tc.fails == recordTries) {
				t.Fatalf("after the failed send: %+v, want one reminder sending, in flight only if given up", fs)
			}

			h.stepTo(tc.lateEnd)
			fs = h.firings(g.ID)
			if len(fs) != 1 || fs[0].State != tc.state {
				t.Fatalf("reminders %+v, want one %s", fs, tc.state)
			}
			msgs := h.discord.Messages()
			if want := map[bool]int{true: 0, false: 1}[tc.sentAt.IsZero()]; len(msgs) != want {
				t.Fatalf("%d messages, want %d: %+v", len(msgs), want, msgs)
			}
			calls := h.discord.Calls()
			for _, c := range calls {
				if c.Nonce != calls[0].Nonce {
					t.Errorf("tries with nonces %q and %q, want one nonce", calls[0].Nonce, c.Nonce)
				}
			}
			if !tc.sentAt.IsZero() {
				if len(calls) != 2 {
					t.Errorf("%d sends, want the failed one and its re-send", len(calls))
				}
				if !msgs[0].At.Equal(tc.sentAt) {
					t.Errorf("re-sent at %s, want %s", msgs[0].At, tc.sentAt)
				}
			}
		})
	}
}
