package groups

import (
	"context"
	"errors"
	"testing"
	"time"

	"hearth/internal/grouplock"
)

// Two processes' services sharing a server lock (as PostgreSQL's LockGuild
// is shared): a settings change in one waits for one in the other, and so
// does the bringing up to date of scheduled events; the two kinds of lock
// are apart, and another server's are free.
func TestServerLocksAreSharedAcrossProcesses(t *testing.T) {
	var database grouplock.GuildLocks // stands for the database both share
	var keys []string
	lock := func(ctx context.Context, key string) (func(), error) {
		keys = append(keys, key)
		return database.Lock(ctx, key)
	}
	a, b := &Service{}, &Service{}
	a.ShareServerLocks(lock)
	b.ShareServerLocks(lock)

	unlock, err := a.LockSettings(context.Background(), "g1")
	if err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := b.LockSettings(short, "g1"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("the other process changed g1's settings meanwhile: %v", err)
	}
	other, err := b.LockSettings(context.Background(), "g2")
	if err != nil {
		t.Fatalf("another server's settings: %v", err)
	}
	other()
	events, err := b.eventLocks.Lock(context.Background(), "g1")
	if err != nil {
		t.Fatalf("g1's events while its settings are locked: %v", err)
	}
	short2, cancel2 := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel2()
	if _, err := a.eventLocks.Lock(short2, "g1"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("both processes brought g1's events up to date at once: %v", err)
	}
	events()
	unlock()
	again, err := b.LockSettings(context.Background(), "g1")
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	again()
	if keys[0] != "g1" || keys[3] != "events g1" {
		t.Errorf("keys taken %q", keys)
	}
}
