package store

import "errors"

// Refusals. Callers match them with errors.Is and turn them into messages.
var (
	ErrNameTaken     = errors.New("store: a live group with that name exists")
	ErrNoGroup       = errors.New("store: no such group")
	ErrLocked        = errors.New("store: the group has started and is closed to new members")
	ErrFull          = errors.New("store: the group has no seats left")
	ErrArchived      = errors.New("store: the group is archived")
	ErrAlreadyMember = errors.New("store: already a member")
	ErrNotMember     = errors.New("store: not a member")
	ErrNotClosed     = errors.New("store: only closed groups can be started")
	ErrAlreadyLocked = errors.New("store: the group has already started")
)
