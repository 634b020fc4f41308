package grouplock

import (
	"runtime"
	"sync"
	"testing"
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
			unlock := locks.Lock(int64(id))
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
