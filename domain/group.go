package domain

import (
	"strings"
	"time"
)

// Kind says whether a group admits people at any time or enrols a cohort.
type Kind string

const (
	KindOpen   Kind = "open"
	KindClosed Kind = "closed"
)

// State is where a group is in its life, as stored.
type State string

const (
	StateActive   State = "active"   // open, or a closed group still enrolling
	StateLocked   State = "locked"   // a closed group that has started
	StateArchived State = "archived" // ended; kept for history
)

// Status is what a group looks like to someone who wants to join it now.
type Status string

const (
	StatusOpen      Status = "open"      // an open group with room
	StatusEnrolling Status = "enrolling" // a closed group taking its cohort
	StatusFull      Status = "full"      // no seats left
	StatusLocked    Status = "locked"    // a closed group that has started
	StatusArchived  Status = "archived"  // ended
)

// Limits on what a group may be given (PRODUCT.md, and Discord's own).
const (
	MaxNameLen        = 100
	MaxCapacity       = 1000
	MaxSessions       = 520
	MaxDescriptionLen = 1000
	MaxGuidelinesLen  = 4000
	MaxSupportLen     = 4000
)

// Group is one support group.
type Group struct {
	ID            int64
	GuildID       string
	Name          string
	Kind          Kind
	Capacity      int       // 0 when uncapped
	StartAt       time.Time // zero when not given
	Sessions      int       // 0 when not given
	Schedule      string    // cron spec; empty when none
	Timezone      string
	Reminders     string // lead times, such as "24h,30m"
	Description   string
	FacilitatorID string
	ChannelID     string // empty until its channel exists
	State         State
	CreatedBy     string
	CreatedAt     time.Time
	LockedAt      time.Time
	ArchivedAt    time.Time
	MemberCount   int
	HeldSeats     int // seats offered to people from the waitlist, not yet taken
	// A started closed group whose schedule changed held SessionsHeld
	// sessions before CountFrom, under its earlier schedules.
	SessionsHeld int
	CountFrom    time.Time
	// Guidelines are what people agree to when they join; empty: none.
	// GuidelinesVersion counts their changes, so an agreement names the
	// text agreed to.
	Guidelines        string
	GuidelinesVersion int
	// LockAt is when a closed group still enrolling is planned to lock (its
	// start, else its first session); zero when it locks only by hand. It
	// is written with the group's jobs, by PlanJobs.
	LockAt time.Time
	// VoiceChannelID is the group's private voice channel; empty: none.
	VoiceChannelID string
	// Duration is how long each session lasts (DefaultDuration unless set).
	Duration time.Duration
}

// SeatsLeft is how many more people may join, or -1 when uncapped. A seat
// offered to someone from the waitlist is held for them.
func (g Group) SeatsLeft() int {
	if g.Capacity == 0 {
		return -1
	}
	return max(g.Capacity-g.MemberCount-g.HeldSeats, 0)
}

// Started reports whether a closed group has begun by now: it is locked,
// or its planned lock time has come though the scheduler has not carried
// the lock out yet (it was down, or is about to).
func (g Group) Started(now time.Time) bool {
	if g.State == StateLocked {
		return true
	}
	return g.Kind == KindClosed && g.State == StateActive && !g.LockAt.IsZero() && !now.Before(g.LockAt)
}

// Enrolling reports whether the group takes new members now, seats aside:
// live, and not a closed group that has started. /join, /groups,
// autocomplete, /group info and the scheduler all ask this.
func (g Group) Enrolling(now time.Time) bool {
	return g.State != StateArchived && !g.Started(now)
}

// Status is the word /groups and /group info show for the group at now.
func (g Group) Status(now time.Time) Status {
	switch {
	case g.State == StateArchived:
		return StatusArchived
	case g.Started(now):
		return StatusLocked
	case g.SeatsLeft() == 0:
		return StatusFull
	case g.Kind == KindClosed:
		return StatusEnrolling
	}
	return StatusOpen
}

// JoinRefusal says why nobody new may join the group now (ErrArchived,
// ErrLocked or ErrFull), or nil when someone may.
func (g Group) JoinRefusal(now time.Time) error {
	switch g.Status(now) {
	case StatusArchived:
		return ErrArchived
	case StatusLocked:
		return ErrLocked
	case StatusFull:
		return ErrFull
	}
	return nil
}

// NameKey folds a group name for case-insensitive comparison.
func NameKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// Settings are a server's choices from /setup. Empty means not set.
type Settings struct {
	GuildID         string
	ModeratorRoleID string
	CategoryID      string
	LogChannelID    string
	Timezone        string
	Language        string // "en", "es": chosen with /setup language:; empty: follow GuildLocale
	GuildLocale     string // the server's preferred locale, as Discord last told it
	SupportText     string // the server's crisis resources for /support; empty: Hearth's default
	Discreet        bool   // new group channels get neutral names and topics
}

// StrayGrant is a member overwrite Hearth may have put on a group's
// channel for someone who is no longer a member: an undo whose Discord
// side failed. It must be removed (unless it is the facilitator's own).
type StrayGrant struct {
	GroupID       int64
	ChannelID     string
	FacilitatorID string
	UserID        string
}

// Waiting lists.
type List string

const (
	SeatList     List = "seat"     // waiting for a seat in a full group
	InterestList List = "interest" // waiting for a closed group's next cohort
)

// OfferState is where a seat offered from the waitlist stands.
type OfferState string

const (
	OfferPending       OfferState = "pending" // made; its message not yet confirmed sent
	OfferOpen          OfferState = "open"    // sent; the seat is held
	OfferTaken         OfferState = "taken"
	OfferDeclined      OfferState = "declined"
	OfferExpired       OfferState = "expired"
	OfferUndeliverable OfferState = "undeliverable" // their direct messages are closed
)

// Offer is a seat offered to the first person on a group's waitlist.
type Offer struct {
	ID        int64
	GroupID   int64
	UserID    string
	State     OfferState
	OfferedAt time.Time
	ExpiresAt time.Time
}

// Held reports whether the offer still holds its seat at now.
func (o Offer) Held(now time.Time) bool {
	return (o.State == OfferPending || o.State == OfferOpen) && now.Before(o.ExpiresAt)
}
