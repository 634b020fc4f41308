// Package fakeclock is a clock for tests: it moves only when told to, and
// fires the timers that come due as it moves.
package fakeclock
