package scheduler

import (
	"context"
	"errors"
	"fmt"
	"hearth/domain"
	"slices"
	"sync"
	"testing"
	"time"
)

func TestLockAtStart(t *testing.T) {
	h := newHarness(t, madrid("2026-03-01 12:00"))
	start := madrid("2026-03-02 09:00")
	g := h.group(domain.Group{Kind: domain.KindClosed, StartAt: start, Schedule: "0 18 * * MON"}, "u1")
	h.run()
	ctx := context.Background()
	h.advanceTo(start.Add(-time.Minute))
	if err := h.st.Join(ctx, g.ID, "early", h.clock.Now(), 0); err != nil {
		t.Fatalf("join before the start: %v", err)
	}
	h.advanceTo(start)
	got, _ := h.st.Group(ctx, g.ID)
	if got.State != domain.StateLocked || !got.LockedAt.Equal(start) {
		t.Fatalf("state %s locked at %s, want locked at %s", got.State, got.LockedAt, start)
	}
	if err := h.st.Join(ctx, g.ID, "late", h.clock.Now(), 0); !errors.Is(err, domain.ErrLocked) {
		t.Errorf("join after the start: %v, want ErrLocked", err)
	}
}

func TestLockAtFirstSessionWithoutStart(t *testing.T) {
	h := newHarness(t, madrid("2026-03-01 12:00"))
	g := h.group(domain.Group{Kind: domain.KindClosed, Schedule: "0 18 * * MON"}, "u1")
	h.run()
	h.advanceTo(monday.Add(-time.Second))
	if got, _ := h.st.Group(context.Background(), g.ID); got.State != domain.StateActive {
		t.Fatalf("locked early, at %s", got.LockedAt)
	}
	h.advanceTo(monday)
	if got, _ := h.st.Group(context.Background(), g.ID); got.State != domain.StateLocked || !got.LockedAt.Equal(monday) {
		t.Fatalf("state %s at %s, want locked at the first session", got.State, got.LockedAt)
	}
}

// Joins racing the lock either get in or are refused, never half.
func TestJoinsRacingTheLock(t *testing.T) {
	h := newHarness(t, madrid("2026-03-02 08:59"))
	start := madrid("2026-03-02 09:00")
	g := h.group(domain.Group{Kind: domain.KindClosed, StartAt: start})
	h.run()
	ctx := context.Background()
	var wg sync.WaitGroup
	var mu sync.Mutex
	joined := map[string]bool{}
	for i := range 40 {
		wg.Go(func() {
			id := fmt.Sprintf("u%d", i)
			err := h.st.Join(ctx, g.ID, id, time.Now(), 0)
			if err != nil && !errors.Is(err, domain.ErrLocked) {
				t.Errorf("join: %v", err)
			}
			mu.Lock()
			joined[id] = err == nil
			mu.Unlock()
		})
		if i == 20 {
			h.clock.Set(start)
		}
	}
	wg.Wait()
	h.settle()
	members, _ := h.st.Members(ctx, g.ID)
	for id, ok := range joined {
		if ok != slices.Contains(members, id) {
			t.Errorf("%s: join said %v, membership says %v", id, ok, !ok)
		}
	}
	if got, _ := h.st.Group(ctx, g.ID); got.State != domain.StateLocked {
		t.Errorf("state %s", got.State)
	}
}

func TestCompletesAfterSessions(t *testing.T) {
	h := newHarness(t, madrid("2026-03-01 12:00"))
	// Sessions Mon 2, Wed 4, Mon 9 March; the next would be Wed 11, so it
	// completes a day after the last one: Tue 10 March 18:00.
	g := h.group(domain.Group{Kind: domain.KindClosed, Sessions: 3, Schedule: "0 18 * * MON,WED", Reminders: "30m"}, "u1")
	h.run()
	ctx := context.Background()
	last := madrid("2026-03-09 18:00")
	if next := g.UpcomingSessions(last, 1); len(next) > 0 {
		t.Errorf("a session after the last one: %s", next)
	}
	h.advanceTo(madrid("2026-03-10 17:59"))
	if got, _ := h.st.Group(ctx, g.ID); got.State != domain.StateLocked || len(h.complete.Done()) != 0 {
		t.Fatalf("state %s before completion", got.State)
	}
	h.advanceTo(madrid("2026-03-10 18:00"))
	if done := h.complete.Done(); !slices.Equal(done, []int64{g.ID}) {
		t.Fatalf("completed %v", done)
	}
	h.advanceTo(madrid("2026-03-20 18:00"))
	if n := len(h.discord.Messages()); n != 3 {
		t.Errorf("got %d reminders, want one per session (3)", n)
	}
	if jobs, _ := h.st.Jobs(ctx, g.ID); len(jobs) != 0 {
		t.Errorf("completed group has jobs %+v", jobs)
	}
}

func TestCompletionCountsFromStart(t *testing.T) {
	h := newHarness(t, madrid("2026-03-01 12:00"))
	// Daily sessions from a start on the 5th: 5th, 6th; the next (7th 18:00)
	// comes before 24h after the last, so that is when it completes.
	g := h.group(domain.Group{Kind: domain.KindClosed, Sessions: 2, StartAt: madrid("2026-03-05 12:00"),
		Schedule: "0 18 * * *"}, "u1")
	if next, ok := g.NextSession(h.clock.Now()); !ok || !next.Equal(madrid("2026-03-05 18:00")) {
		t.Errorf("next session %s %v, want the first after the start", next, ok)
	}
	h.run()
	h.advanceTo(madrid("2026-03-07 17:59"))
	if len(h.complete.Done()) != 0 {
		t.Fatal("completed early")
	}
	h.advanceTo(madrid("2026-03-07 18:00"))
	if len(h.complete.Done()) != 1 {
		t.Fatal("did not complete")
	}
	if n := len(h.discord.Messages()); n != 2 {
		t.Errorf("got %d reminders, want 2", n)
	}
}

// A reschedule at the very moment a closed group is due to lock, before the
// loop got to it, must not push the lock to the next session.
func TestRescheduleAtLockTimeKeepsTheLock(t *testing.T) {
	h := newHarness(t, madrid("2026-03-01 12:00"))
	g := h.group(domain.Group{Kind: domain.KindClosed, Sessions: 2, Schedule: "0 18 * * MON"}, "u1")
	h.clock.Set(monday.Add(time.Second)) // the loop is not running yet
	if err := h.st.Replan(context.Background(), g.ID, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	h.run()
	got, _ := h.st.Group(context.Background(), g.ID)
	if got.State != domain.StateLocked || !got.LockedAt.Equal(monday) {
		t.Fatalf("state %s locked at %s, want locked at %s", got.State, got.LockedAt, monday)
	}
	h.advanceTo(madrid("2026-03-10 18:00")) // sessions 2 and 9 March; completes a day after the last
	if len(h.complete.Done()) != 1 {
		t.Error("did not complete after its two sessions")
	}
}
