package grouplock

import (
	"context"
	"sync"
)

// Locks serialises the work on one group that spans the database and
// Discord (join, leave, archive, start-up reconciliation), so that two of
// them never interleave and leave the channel disagreeing with the database.
type Locks = Keyed[int64]

// GuildLocks serialises a server's settings changes with the work that
// reads them into Discord (a group's channel made with the moderator role).
type GuildLocks = Keyed[string]

// Keyed is a lock per key, made when first taken and dropped when free.
type Keyed[K comparable] struct {
	// Across, when set, is also taken (after the in-process lock) for the
	// key: a lock shared with other processes, such as the store's
	// PostgreSQL advisory lock.
	Across func(ctx context.Context, key K) (unlock func(), err error)

	mu    sync.Mutex
	locks map[K]*groupLock
}

type groupLock struct {
	held  chan struct{} // holds a token while the lock is taken
	users int
}

// Lock takes id's lock and returns its release, or ctx's error if
// ctx ends first: a caller past its deadline stops waiting, so that one
// slow holder does not make every request for the group wait forever.
func (l *Keyed[K]) Lock(ctx context.Context, id K) (unlock func(), err error) {
	l.mu.Lock()
	if l.locks == nil {
		l.locks = map[K]*groupLock{}
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
	unlockAcross := func() {}
	if l.Across != nil {
		u, err := l.Across(ctx, id)
		if err != nil {
			<-gl.held
			release()
			return nil, err
		}
		unlockAcross = u
	}
	return func() {
		unlockAcross()
		<-gl.held
		release()
	}, nil
}
