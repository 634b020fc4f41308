package scheduler

// Idle reports whether the loop is asleep with no wake-up pending and no
// task queued or running: what hearth try waits for before moving its
// clock on, so that each due time is handled at its own time, as real time
// would have it.
func (s *Scheduler) Idle() bool {
	return s.sleeping.Load() && len(s.poke) == 0 && s.busy.Load() == 0
}
