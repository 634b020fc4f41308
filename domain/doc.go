// Package domain is Hearth's centre: the types of groups, memberships,
// scheduled jobs and reminder firings, and the rules about them that every
// other package shares, with their typed errors.
//
// It imports no other Hearth package. Rules are methods on the types
// (Group.Enrolling, Group.JoinRefusal) or plain functions of their inputs
// (PlanJobs), never reading the clock themselves: the time is an argument,
// and whoever needs "now" asks a Clock. Stores (SQLite today, PostgreSQL
// later) persist these types; the commands, the scheduler and the bot decide
// with these rules, so each rule has one home.
package domain
