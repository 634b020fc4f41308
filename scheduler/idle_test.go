package scheduler

import (
	"sync/atomic"
	"testing"
	"time"

	"hearth/domain"
)

// The loop is not idle from the moment a wake-up is given, before it gets
// to run: its timer's time reached on the clock, or a worker's poke. A
// harness (or hearth try) that took it for idle then moved the clock on
// while the loop claimed due work; NextWake counts work claimed and not
// yet handed out by its lease's end, so the clock jumped a lease term past
// a retry, and a reminder that should have been skipped when its session
// began was abandoned (TestFailureUntilSessionBegins, once in CI under
// load). Here the loop is held as it wakes, as a busy machine holds it.
func TestNotIdleWhileAWakeUpWaits(t *testing.T) {
	h := newHarness(t, madrid("2026-03-02 17:00"))
	h.group(domain.Group{Schedule: "0 18 * * MON", Reminders: "30m"}, "u1")
	h.discord.failNext = 1 << 30
	woke, release := make(chan struct{}, 1), make(chan struct{})
	var hold atomic.Bool
	h.s.afterWake = func() {
		if hold.Load() {
			woke <- struct{}{}
			<-release
		}
	}
	h.run()
	check := func(what string) {
		t.Helper()
		select {
		case <-woke:
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: the loop did not wake", what)
		}
		if h.s.Idle() {
			t.Errorf("%s: Idle while the loop has not acted on its wake-up", what)
		}
		hold.Store(false)
		release <- struct{}{}
		h.settle()
	}

	// The timer: the reminder is due at 17:30.
	hold.Store(true)
	h.clock.Set(madrid("2026-03-02 17:30"))
	if h.s.Idle() {
		t.Error("Idle once its timer's time was reached, before the loop ran")
	}
	check("timer")

	// A poke: the send failed, and the worker woke the loop for the retry.
	hold.Store(true)
	h.s.wake()
	if h.s.Idle() {
		t.Error("Idle right after a wake-up was given")
	}
	check("poke")

	h.advanceTo(madrid("2026-03-02 18:05"))
	if fs := h.firings(1); len(fs) != 1 || fs[0].State != domain.FiringSkipped {
		t.Errorf("firings: %+v", fs)
	}
}
