package domain

import (
	"errors"
	"time"
)

// ErrFacilitates refuses to erase a person who facilitates a live group:
// a moderator hands the group on first, so that no group is left without
// its facilitator by a button press.
var ErrFacilitates = errors.New("the person facilitates a live group")

// PersonalDataVersion is the version of PersonalData's JSON shape (the
// README documents it); it changes when a field changes meaning or goes,
// not when one is added (readers ignore fields they do not know).
const PersonalDataVersion = 1

// PersonalData is everything Hearth keeps about one person in one server,
// as /mydata exports it. It names nobody else: no other member, and no
// facilitator but the person themselves.
type PersonalData struct {
	Version     int              `json:"version"`
	GeneratedAt time.Time        `json:"generated_at"`
	ServerID    string           `json:"server_id"`
	UserID      string           `json:"user_id"`
	Locale      string           `json:"locale"` // the Discord locale last seen for them; "" if none
	Groups      []GroupRecord    `json:"groups"`
	Waiting     []WaitingRecord  `json:"waiting"`
	Offers      []OfferRecord    `json:"offers"`
	Agreements  []AgreedRecord   `json:"agreements"`
	Attendance  []MarkRecord     `json:"attendance"`
	Voice       []VoiceRecord    `json:"voice"`
	Reminders   []ReminderRecord `json:"reminders"`
	Access      []GroupRef       `json:"channel_access"`
	Facilitates []GroupRef       `json:"facilitates"`
	Created     []GroupRef       `json:"created"`

	// Added within version 1 (session posts and talking rounds).
	ReminderDefault ReminderMode           `json:"reminder_default"` // chosen for every group: "channel", "dm", "off"; "" if never
	ReminderModes   []ReminderModeRecord   `json:"reminder_modes"`
	DirectReminders []DirectReminderRecord `json:"direct_reminders"`
	DMNotice        *DMNoticeRecord        `json:"dm_notice"` // nil: none
	Rounds          []RoundRecord          `json:"talking_rounds"`
}

// ReminderModeRecord is how the person chose to be reminded of one group.
type ReminderModeRecord struct {
	GroupRef
	Mode ReminderMode `json:"mode"`
}

// DirectReminderRecord is a reminder sent (or being sent) to the person by
// direct message; Delivery is "sending", "sent", "closed" (their direct
// messages were closed: reminded in the channel), "abandoned" or "skipped"
// (not "state": that is the group's).
type DirectReminderRecord struct {
	GroupRef
	SessionAt time.Time `json:"session_at"`
	Delivery  string    `json:"delivery"`
}

// DMNoticeRecord is the note kept that the person's direct messages were
// closed when a reminder was due; Told once Hearth has said so.
type DMNoticeRecord struct {
	Since time.Time `json:"since"`
	Told  bool      `json:"told"`
}

// RoundRecord is a talking round the person had a turn in; Outcome is
// "done", "passed", or "" while their turn has not come.
type RoundRecord struct {
	GroupRef
	StartedAt time.Time `json:"started_at"`
	Outcome   string    `json:"outcome"`
}

// GroupRef names a group in an export.
type GroupRef struct {
	GroupID int64  `json:"group_id"`
	Group   string `json:"group"`
	State   State  `json:"state"`
}

// GroupRecord is one membership, of a live or an archived group.
type GroupRecord struct {
	GroupRef
	JoinedAt time.Time `json:"joined_at"`
}

// WaitingRecord is a place on a waitlist ("seat") or interest list.
type WaitingRecord struct {
	GroupRef
	List  List      `json:"list"`
	Since time.Time `json:"since"`
}

// OfferRecord is a seat offered from a waitlist.
type OfferRecord struct {
	GroupRef
	OfferState OfferState `json:"offer_state"`
	OfferedAt  time.Time  `json:"offered_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
}

// AgreedRecord is an agreement to a version of a group's guidelines.
type AgreedRecord struct {
	GroupRef
	GuidelinesVersion int       `json:"guidelines_version"`
	AgreedAt          time.Time `json:"agreed_at"`
}

// MarkRecord is what the person said about one session.
type MarkRecord struct {
	GroupRef
	SessionAt time.Time `json:"session_at"`
	Mark      string    `json:"mark"`
	MarkedAt  time.Time `json:"marked_at"`
}

// VoiceRecord is time spent in a group's voice channel; LeftAt is nil
// while they are still there.
type VoiceRecord struct {
	GroupRef
	JoinedAt time.Time  `json:"joined_at"`
	LeftAt   *time.Time `json:"left_at"`
}

// ReminderRecord is a reminder being sent that will mention the person.
type ReminderRecord struct {
	GroupRef
	SessionAt time.Time `json:"session_at"`
}

// Erasure is a /forget recorded and not yet finished.
type Erasure struct {
	GuildID     string
	UserID      string
	RequestedAt time.Time
}

// Access is a channel of a group on which Hearth may have given a person
// an overwrite (text and voice), to be removed before they are erased.
type Access struct {
	GuildID        string
	GroupID        int64
	ChannelID      string
	VoiceChannelID string
	Live           bool     // the group is not archived: a seat frees
	UserIDs        []string // retention: the people whose overwrites to remove
}
