package scheduler

// Idle reports whether the loop is asleep with no wake-up pending and no
// task queued or running: what hearth try waits for before moving its
// clock on, so that each due time is handled at its own time, as real time
// would have it.
//
// A wake-up counts as soon as it is given, before the loop runs: a poke
// from a worker, a changed plan, or its timer's time reached on the clock.
// Otherwise the clock could be moved on past work the loop had been woken
// for and not yet claimed, or had claimed and not yet handed out (which
// NextWake then counts by its lease's end).
func (s *Scheduler) Idle() bool {
	s.sleep.Lock()
	defer s.sleep.Unlock()
	// Under the lock a sleeping loop cannot wake and hand out work, so a
	// task counted now is one still running, not one from a pass that
	// began and ended between two reads.
	return s.sleeping && !s.woken && s.clock.Now().Before(s.wakeAt) &&
		s.busy.Load() == 0 && len(s.st.PlanChanged()) == 0
}

// asleep reports whether the loop waits for a wake-up.
func (s *Scheduler) asleep() bool {
	s.sleep.Lock()
	defer s.sleep.Unlock()
	return s.sleeping
}
