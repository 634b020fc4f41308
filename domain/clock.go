package domain

import "time"

// Clock is where Hearth gets the time: rules take the time as an argument,
// and whoever needs "now" asks a Clock, so that tests move time instead of
// sleeping. The fake lives with the test helpers (internal/fakeclock).
type Clock interface {
	Now() time.Time
	NewTimer(d time.Duration) Timer
}

// Timer fires once on C after its duration, unless stopped.
type Timer interface {
	C() <-chan time.Time
	Stop() bool
}

// SystemClock is the wall clock.
type SystemClock struct{}

func (SystemClock) Now() time.Time { return time.Now() }

func (SystemClock) NewTimer(d time.Duration) Timer { return systemTimer{time.NewTimer(d)} }

type systemTimer struct{ t *time.Timer }

func (r systemTimer) C() <-chan time.Time { return r.t.C }
func (r systemTimer) Stop() bool          { return r.t.Stop() }
