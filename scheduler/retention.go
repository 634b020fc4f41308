package scheduler

import (
	"context"
	"time"
)

// Retainer erases the member records of groups archived before a time,
// removing the access Hearth left on their channels first: the groups
// service.
type Retainer interface {
	ClearExpiredArchives(ctx context.Context, before time.Time) (int, error)
}

// retainEvery is how often archived groups past their retention are
// looked for (and at start-up).
const retainEvery = time.Hour

// SetRetention has the scheduler erase, at start-up and every hour, the
// member records of groups archived more than keep ago
// (groups.retention_days). keep 0 keeps them for ever. Call it before Run.
func (s *Scheduler) SetRetention(r Retainer, keep time.Duration) {
	s.retain, s.keep = r, keep
}

// sweepRetention hands a retention pass to a worker when one is due and
// none is running (it talks to Discord, so it never runs on the loop).
func (s *Scheduler) sweepRetention(q *workQueue, now time.Time) {
	if s.retain == nil || s.keep <= 0 || now.Sub(s.lastRetain) < retainEvery || !s.retaining.CompareAndSwap(false, true) {
		return
	}
	s.lastRetain = now
	before := now.Add(-s.keep)
	q.push(func(ctx context.Context) {
		defer s.retaining.Store(false)
		n, err := s.retain.ClearExpiredArchives(ctx, before)
		if err != nil {
			s.log.Warn("scheduler: erasing the records of old archived groups failed in part; retrying at the next pass", "cleared", n, "err", err)
			return
		}
		if n > 0 {
			s.log.Info("scheduler: erased the member records of groups archived past their retention", "groups", n)
		}
	})
}
