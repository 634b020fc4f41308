// Package store keeps Hearth's state in SQLite. Each exported operation is
// one transaction that enforces the rules that must hold atomically
// (capacity, the lock of closed groups, unique names, once-only reminder
// firings) and reports refusals as the domain's typed errors.
//
// A change to a group writes the group's plan (its reminder, lock and
// completion jobs, from domain.PlanJobs) in the same transaction, and then
// tells the scheduler through PlanChanged. Statements are prepared once per
// pool; SQL stays portable where that costs nothing, for the PostgreSQL
// store to come.
package store
