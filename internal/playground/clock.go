package playground

import (
	"context"
	"sync"
	"time"

	"hearth/internal/fakeclock"
)

// clockControl moves Hearth's clock for the page: forward through every
// due time on the way, letting the scheduler handle each one at its own
// time before moving on, as real time would.
type clockControl struct {
	mu    sync.Mutex // one move at a time
	clock *fakeclock.Clock
	idle  func() bool // the scheduler has nothing left to do now
}

// settleWait bounds how long (real time) a step waits for the scheduler.
const settleWait = 5 * time.Second

// advance moves the clock d forward.
func (c *clockControl) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	target := c.clock.Now().Add(d)
	for range 100000 { // bounded: a week in hour-long sleeps is 168 steps
		next, ok := c.clock.Next()
		if !ok || next.After(target) {
			break
		}
		c.clock.Set(next)
		c.settle()
	}
	c.clock.Set(target)
	c.settle()
}

// settle waits, briefly, until the scheduler sleeps again with nothing due.
func (c *clockControl) settle() {
	deadline := time.Now().Add(settleWait)
	for time.Now().Before(deadline) {
		if (c.idle == nil || c.idle()) && c.clock.Timers() > 0 {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

// run keeps the clock going at real speed until ctx ends, so that the
// demo lives between fast-forwards.
func (c *clockControl) run(ctx context.Context, tick time.Duration) {
	t := time.NewTicker(tick)
	defer t.Stop()
	last := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			c.advance(now.Sub(last))
			last = now
		}
	}
}
