package domain

import "time"

// JobKind is what a scheduled job does when it fires.
type JobKind string

const (
	JobReminder JobKind = "reminder" // remind members of a session
	JobLock     JobKind = "lock"     // lock a closed group at its start
	JobComplete JobKind = "complete" // archive a closed group after its last session
	// JobSessionEnd fires at a voice group's session end: its scheduled
	// event moves on to the next session.
	JobSessionEnd JobKind = "session_end"
)

// Job is one scheduled piece of work with its next fire time.
type Job struct {
	ID        int64
	GroupID   int64
	Kind      JobKind
	SessionAt time.Time     // reminders: the session; lock and complete: when planned
	Lead      time.Duration // reminders: how long before the session
	DueAt     time.Time     // when to fire; zero while in flight
	UntilAt   time.Time     // reminders: the last session to remind of; zero when none
	Attempts  int
}

// FiringState is where a reminder's sending stands.
type FiringState string

const (
	FiringSending   FiringState = "sending"   // intent recorded; not yet confirmed sent
	FiringSent      FiringState = "sent"      // every message confirmed
	FiringSkipped   FiringState = "skipped"   // its session had begun, or nobody to remind
	FiringAbandoned FiringState = "abandoned" // a crash left the outcome unknown too long to re-send safely
)

// Firing is one reminder of one session, recorded before it is sent so that
// it is sent once.
type Firing struct {
	ID        int64
	GroupID   int64
	Kind      JobKind
	SessionAt time.Time
	Lead      time.Duration
	State     FiringState
	Mentions  []string // the members when the intent was recorded
	DMs       []string // members reminded by direct message (recorded with the intent; not read back)
	PartsSent int      // messages of a split reminder confirmed so far
	Attempts  int
	AttemptAt time.Time // a send began then and its outcome is unknown; zero otherwise
	RetryAt   time.Time // 'sending': when to try next; zero while in flight
	CreatedAt time.Time
	DoneAt    time.Time
}

// FiringIntent is one due reminder to record: its firing F, and the move of
// its job J on to NextSession/NextDue (J is deleted when NextSession is
// zero), as RecordFiring takes them.
type FiringIntent struct {
	Job         Job
	Firing      Firing
	NextSession time.Time
	NextDue     time.Time
}

// FiringRecord is what became of one FiringIntent.
type FiringRecord struct {
	Firing     Firing // with its ID when Created
	Created    bool   // false: this reminder was recorded before and must not be sent again
	JobChanged bool   // the job changed since it was read; nothing was recorded for it
}

// ArchiveUndo is what it takes to put an archived group back as it was
// when the change to its channel fails: its state and its pending jobs.
type ArchiveUndo struct {
	State  State
	Jobs   []Job
	LockAt time.Time
}

// Backoff is the wait before retry n (1, 2, ...) of a job or a reminder
// that failed: 5s doubling to 5 minutes.
func Backoff(n int) time.Duration {
	if n < 1 {
		n = 1
	}
	if n > 7 {
		return 5 * time.Minute
	}
	return min(5*time.Second<<(n-1), 5*time.Minute)
}
