package domain

import (
	"errors"
	"testing"
	"time"
)

// One home for "is this group enrolling now?": the window between a closed
// group's planned lock and the scheduler carrying it out counts as started.
func TestGroupStatusAtNow(t *testing.T) {
	lock := time.Date(2026, 3, 2, 18, 0, 0, 0, time.UTC)
	closed := Group{Kind: KindClosed, State: StateActive, LockAt: lock, Capacity: 2, MemberCount: 1}
	cases := []struct {
		name   string
		g      Group
		now    time.Time
		status Status
		refuse error
	}{
		{"closed before its start", closed, lock.Add(-time.Second), StatusEnrolling, nil},
		{"closed at its start, not yet locked", closed, lock, StatusLocked, ErrLocked},
		{"closed after its start, not yet locked", closed, lock.Add(time.Hour), StatusLocked, ErrLocked},
		{"closed locked by hand", Group{Kind: KindClosed, State: StateLocked}, lock.Add(-time.Hour), StatusLocked, ErrLocked},
		{"closed without a planned lock", Group{Kind: KindClosed, State: StateActive}, lock, StatusEnrolling, nil},
		{"closed and full", Group{Kind: KindClosed, State: StateActive, Capacity: 1, MemberCount: 1}, lock, StatusFull, ErrFull},
		{"open", Group{Kind: KindOpen, State: StateActive, LockAt: lock}, lock.Add(time.Hour), StatusOpen, nil},
		{"open and full", Group{Kind: KindOpen, State: StateActive, Capacity: 3, MemberCount: 3}, lock, StatusFull, ErrFull},
		{"archived", Group{Kind: KindOpen, State: StateArchived}, lock, StatusArchived, ErrArchived},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.g.Status(c.now); got != c.status {
				t.Errorf("Status = %s, want %s", got, c.status)
			}
			if got := c.g.JoinRefusal(c.now); !errors.Is(got, c.refuse) || (got == nil) != (c.refuse == nil) {
				t.Errorf("JoinRefusal = %v, want %v", got, c.refuse)
			}
			wantEnrolling := c.status == StatusEnrolling || c.status == StatusOpen || c.status == StatusFull
			if got := c.g.Enrolling(c.now); got != wantEnrolling {
				t.Errorf("Enrolling = %v, want %v", got, wantEnrolling)
			}
		})
	}
}
