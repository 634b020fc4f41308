// Package groups is the life of a support group where it spans the database
// and Discord: creating a group and its private channel, joining, leaving
// and removal, starting, scheduling, archiving and completing, and moving
// the moderator role's access. Each change is made in the database first
// (with its plan of jobs, in the same transaction), then on Discord; if
// Discord refuses, the database change is undone, so that the two agree.
// The slash-command handlers and the scheduler both come here; the
// per-group locks (internal/grouplock) keep any two of these changes to one
// group, and start-up reconciliation, from interleaving.
package groups
