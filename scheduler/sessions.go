package scheduler

import (
	"context"
	"errors"

	"hearth/domain"
)

// SessionEnder moves a voice group's scheduled event on when a session
// ends: the groups service.
type SessionEnder interface {
	SessionEnded(ctx context.Context, groupID int64) error
}

// SetSessionEnder has the scheduler tell ender when a voice group's
// session ends. Call it before Run.
func (s *Scheduler) SetSessionEnder(e SessionEnder) { s.sessions = e }

// endSession runs a session_end job: the group's event moves on to the next
// session, then the job is planned anew for that session's end. A failure
// to reach Discord is not retried here: the group's next change, session
// end or start-up brings its events up to date.
func (s *Scheduler) endSession(ctx context.Context, j domain.Job) {
	dbctx := context.WithoutCancel(ctx)
	if s.sessions != nil {
		if err := s.sessions.SessionEnded(ctx, j.GroupID); err != nil {
			s.log.Warn("scheduler: moving a session's event on failed", "group", j.GroupID, "err", err)
		}
	}
	err := s.st.Replan(dbctx, j.GroupID, s.clock.Now())
	if err != nil && !errors.Is(err, domain.ErrNoGroup) {
		s.log.Error("scheduler: planning the next session's end failed", "group", j.GroupID, "err", err)
		if err := s.record(ctx, func() error {
			return s.st.RetryJob(dbctx, j.ID, s.clock.Now().Add(backoff(j.Attempts+1)))
		}); err != nil {
			s.log.Error("scheduler: could not reschedule a session's end", "group", j.GroupID, "err", err)
		}
	}
	s.wake()
}
