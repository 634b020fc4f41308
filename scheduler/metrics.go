package scheduler

import (
	"time"

	"hearth/domain"
	"hearth/metrics"
)

// lateAfter is how long after its due time a reminder sent counts as late.
const lateAfter = time.Minute

// SetMetrics has the scheduler count reminders sent, skipped and late, and
// how late due jobs are picked up. Call it before Run.
func (s *Scheduler) SetMetrics(m *metrics.Metrics) { s.metrics = m }

// countEnded counts a reminder that ended in state.
func (s *Scheduler) countEnded(f domain.Firing, state domain.FiringState) {
	switch state {
	case domain.FiringSent:
		s.metrics.ReminderSent()
		if s.clock.Now().Sub(f.SessionAt.Add(-f.Lead)) > lateAfter {
			s.metrics.ReminderLate()
		}
	case domain.FiringSkipped, domain.FiringAbandoned:
		s.metrics.ReminderSkipped()
	}
}
