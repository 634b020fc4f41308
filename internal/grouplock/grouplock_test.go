package grouplock

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"
)

func TestLocksSerialiseOneGroup(t *testing.T) {
	var locks Locks
	var wg sync.WaitGroup
	counters := make([]int, 3) // each guarded only by its group's lock
	for i := range 300 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := i % 3
			unlock, err := locks.Lock(context.Background(), int64(id))
			if err != nil {
				t.Error(err)
				return
			}
			n := counters[id]
			runtime.Gosched()
			counters[id] = n + 1
			unlock()
		}()
	}
	wg.Wait()
	for id, n := range counters {
		if n != 100 {
			t.Errorf("group %d counted %d, want 100: updates were lost", id, n)
		}
	}
	if len(locks.locks) != 0 {
		t.Fatalf("%d locks left behind", len(locks.locks))
	}
}

// A caller whose context ends stops waiting for a lock someone holds, and
// takes nothing with it: the holder's release still frees the group.
func TestLockGivesWayToTheCallersDeadline(t *testing.T) {
	var locks Locks
	unlock, err := locks.Lock(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := locks.Lock(ctx, 1); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("waiting past the deadline: %v, want DeadlineExceeded", err)
	}
	other, err := locks.Lock(context.Background(), 2) // other groups are free
	if err != nil {
		t.Fatal(err)
	}
	other()
	unlock()
	again, err := locks.Lock(ctx, 1)
	if err != nil && ctx.Err() == nil {
		t.Fatal(err)
	}
	if err == nil {
		again()
	}
	if again, err := locks.Lock(context.Background(), 1); err != nil {
		t.Fatal(err)
	} else {
		again()
	}
	if len(locks.locks) != 0 {
		t.Fatalf("%d locks left behind", len(locks.locks))
	}
}
