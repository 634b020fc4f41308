// Package grouplock serialises the work on one group that spans the
// database and Discord (join, leave, archive, start-up reconciliation), so
// that two of them never interleave and leave a channel disagreeing with
// the database.
package grouplock
