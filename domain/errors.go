package domain

import "errors"

// Refusals. Callers match them with errors.Is and turn them into messages.
var (
	ErrNameTaken     = errors.New("a live group with that name exists")
	ErrNoGroup       = errors.New("no such group")
	ErrLocked        = errors.New("the group has started and is closed to new members")
	ErrFull          = errors.New("the group has no seats left")
	ErrArchived      = errors.New("the group is archived")
	ErrAlreadyMember = errors.New("already a member")
	ErrNotMember     = errors.New("not a member")
	ErrNotClosed     = errors.New("only closed groups can be started")
	ErrAlreadyLocked = errors.New("the group has already started")
	// ErrJobChanged means a job was replaced or advanced by someone else
	// since it was read; the caller reads the due jobs again.
	ErrJobChanged = errors.New("the job changed meanwhile")
	ErrNoFiring   = errors.New("no such firing")
	ErrNoOffer    = errors.New("no such offer, or it no longer holds a seat")
	// ErrGuidelinesChanged means a join agreed to guidelines other than the
	// group's current ones (or to none, where it has some).
	ErrGuidelinesChanged = errors.New("the group's guidelines are not the ones agreed to")
	// ErrStorage means the database cannot take a write now (read-only,
	// full, failing): nothing was changed, and it may work again later.
	ErrStorage = errors.New("the database cannot be written")
)

// Problem is what was wrong with one piece of input.
type Problem string

const (
	ProblemRequired   Problem = "required"     // nothing was given
	ProblemTooLong    Problem = "too_long"     // longer than Limit (characters; for reminders, days ahead)
	ProblemRange      Problem = "out_of_range" // not a whole number from 1 to Limit
	ProblemInvalid    Problem = "invalid"      // unreadable; Reason may say why (in the parser's words)
	ProblemNotPlain   Problem = "not_plain"    // a mention, line break or invisible character
	ProblemPast       Problem = "in_past"      // a time that has already passed
	ProblemClosedOnly Problem = "closed_only"  // only closed groups take this option
	ProblemTZPrefix   Problem = "tz_prefix"    // a schedule with CRON_TZ= or TZ=
	ProblemEvery      Problem = "every"        // an @every schedule
	ProblemNever      Problem = "never"        // a schedule whose days never occur
	ProblemTooMany    Problem = "too_many"     // more than Limit items
	ProblemNegative   Problem = "negative"     // a negative lead time
	ProblemDuplicate  Problem = "duplicate"    // an item given twice
	ProblemEveryone   Problem = "everyone"     // @everyone where a real role is needed
)

// InputError is a refusal of what someone typed. It says what was wrong in
// fields; the messages package words it in the person's language.
type InputError struct {
	Field   string  // the option: "name", "schedule", "reminder", ...
	Problem Problem // what was wrong with it
	Input   string  // the offending input, or the one item of a list
	Limit   int     // the limit broken, where Problem has one
	Reason  string  // a parser's own explanation, for ProblemInvalid; may be empty
}

func (e *InputError) Error() string {
	s := "invalid " + e.Field + ": " + string(e.Problem)
	if e.Input != "" {
		s += " (" + e.Input + ")"
	}
	return s
}

// Input returns an InputError for field.
func Input(field string, p Problem) *InputError { return &InputError{Field: field, Problem: p} }

// With sets the offending input.
func (e *InputError) With(input string) *InputError { e.Input = input; return e }

// Max sets the limit.
func (e *InputError) Max(limit int) *InputError { e.Limit = limit; return e }
