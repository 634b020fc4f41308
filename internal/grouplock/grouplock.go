package grouplock

import "sync"

// Locks serialises the work on one group that spans the database and
// Discord (join, leave, archive, start-up reconciliation), so that two of
// them never interleave and leave the channel disagreeing with the database.
type Locks struct {
	mu    sync.Mutex
	locks map[int64]*groupLock
}

type groupLock struct {
	sync.Mutex
	users int
}

// Lock takes group id's lock and returns its release.
func (l *Locks) Lock(id int64) (unlock func()) {
	l.mu.Lock()
	if l.locks == nil {
		l.locks = map[int64]*groupLock{}
	}
	gl := l.locks[id]
	if gl == nil {
		gl = &groupLock{}
		l.locks[id] = gl
	}
	gl.users++
	l.mu.Unlock()
	gl.Lock()
	return func() {
		gl.Unlock()
		l.mu.Lock()
		if gl.users--; gl.users == 0 {
			delete(l.locks, id)
		}
		l.mu.Unlock()
	}
}
