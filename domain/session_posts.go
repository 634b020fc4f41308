package domain

import (
	"errors"
	"time"
)

// JobSessionStart fires at each session's start: the session post with
// its check-in buttons (migration 0015 allows the kind).
const JobSessionStart JobKind = "session_start"

// MaxDuration is the longest a session may last (groups.duration_minutes).
const MaxDuration = 600 * time.Minute

// Mark is what a member said about one session.
type Mark string

const (
	MarkHere    Mark = "here"    // pressed I'm here during the session
	MarkExcused Mark = "excused" // said they can't make it
)

// SessionMark is one member's mark for one session.
type SessionMark struct {
	GroupID   int64
	SessionAt time.Time
	UserID    string
	Mark      Mark
	MarkedAt  time.Time
}

// ReminderMode is how a member is reminded of a group's sessions.
type ReminderMode string

const (
	RemindChannel ReminderMode = "channel" // a mention in the group's channel (the default)
	RemindDM      ReminderMode = "dm"      // a direct message instead
	RemindOff     ReminderMode = "off"     // nothing
)

// Valid reports whether m is one of the three modes.
func (m ReminderMode) Valid() bool {
	return m == RemindChannel || m == RemindDM || m == RemindOff
}

// Turn outcomes in a talking round.
const (
	TurnDone   = "done"
	TurnPassed = "passed"
)

// Turn is one person's place in a talking round.
type Turn struct {
	UserID  string
	Outcome string // "", TurnDone or TurnPassed
}

// Round is a talking round: everyone present speaks once, in order.
type Round struct {
	ID        int64
	GroupID   int64
	ChannelID string
	MessageID string
	Position  int // the current speaker's index in Turns; len(Turns) when ended
	Ended     bool
	Turns     []Turn
}

// Speaker is whose turn it is; "" once the round has ended.
func (r Round) Speaker() string {
	if r.Ended || r.Position >= len(r.Turns) {
		return ""
	}
	return r.Turns[r.Position].UserID
}

// Errors of sessions and rounds.
var (
	ErrRoundOpen   = errors.New("a round is already under way in this group")
	ErrNoRound     = errors.New("no such round, or it has ended")
	ErrTurnMoved   = errors.New("the round has moved on from that turn")
	ErrInRound     = errors.New("already in the round")
	ErrNobodyHere  = errors.New("nobody is present")
	ErrCheckedIn   = errors.New("already checked in for this session")
	ErrNotInWindow = errors.New("not during the session")
)

// ReminderDM is one direct-message reminder still to send.
type ReminderDM struct {
	UserID    string
	AttemptAt time.Time // an attempt began then, outcome unknown; zero otherwise
}
