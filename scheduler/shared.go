package scheduler

import "time"

// SetPoll makes the loop look at the database at least every d while
// nothing is due, for when several processes share it: work another
// process planned (this one was not told) or left claimed when it died
// (its lease ran out) is otherwise seen only at the next wake-up this
// process has of its own, up to maxSleep later. Call it before Run.
func (s *Scheduler) SetPoll(d time.Duration) { s.pollEvery = d }

// longestSleep is how long the loop sleeps at most.
func (s *Scheduler) longestSleep() time.Duration {
	if s.pollEvery > 0 {
		return min(s.pollEvery, maxSleep)
	}
	return maxSleep
}
