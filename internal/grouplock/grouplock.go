package grouplock

import (
	"context"
	"sync"
)

// Locks serialises the work on one group that spans the database and
// Discord (join, leave, archive, start-up reconciliation), so that two of
// them never interleave and leave the channel disagreeing with the database.
type Locks struct {
	mu    sync.Mutex
	locks map[int64]*groupLock
}

type groupLock struct {
	held  chan struct{} // holds a token while the lock is taken
	users int
}

// Lock takes group id's lock and returns its release, or ctx's error if
// ctx ends first: a caller past its deadline stops waiting, so that one
// slow holder does not make every request for the group wait forever.
func (l *Locks) Lock(ctx context.Context, id int64) (unlock func(), err error) {
	l.mu.Lock()
	if l.locks == nil {
		l.locks = map[int64]*groupLock{}
	}
	gl := l.locks[id]
	if gl == nil {
		gl = &groupLock{held: make(chan struct{}, 1)}
		l.locks[id] = gl
	}
	gl.users++
	l.mu.Unlock()
	release := func() {
		l.mu.Lock()
		if gl.users--; gl.users == 0 {
			delete(l.locks, id)
		}
		l.mu.Unlock()
	}
	select {
	case gl.held <- struct{}{}:
	case <-ctx.Done():
		release()
		return nil, ctx.Err()
	}
	return func() {
		<-gl.held
		release()
	}, nil
}
