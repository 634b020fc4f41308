package domain

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// CheckName refuses a group name that is empty, too long, or would render
// as something else or not at all: control and invisible format
// characters, and Discord mention syntax.
func CheckName(name string) error {
	switch {
	case name == "":
		return Input("name", ProblemRequired)
	case utf8.RuneCountInString(name) > MaxNameLen:
		return Input("name", ProblemTooLong).Max(MaxNameLen)
	case !plainName(name):
		return Input("name", ProblemNotPlain)
	}
	return nil
}

func plainName(name string) bool {
	for _, r := range name {
		if unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r) {
			return false
		}
	}
	lower := strings.ToLower(name)
	for _, mention := range []string{"@everyone", "@here", "<@", "<#", "<t:", "<:", "<a:", "</"} {
		if strings.Contains(lower, mention) {
			return false
		}
	}
	return true
}

// ParseKind reads a group's type: open or closed.
func ParseKind(s string) (Kind, error) {
	switch k := Kind(s); k {
	case KindOpen, KindClosed:
		return k, nil
	}
	return "", Input("type", ProblemInvalid).With(s)
}

// CheckDescription refuses a description over MaxDescriptionLen characters.
func CheckDescription(d string) error {
	if utf8.RuneCountInString(d) > MaxDescriptionLen {
		return Input("description", ProblemTooLong).Max(MaxDescriptionLen)
	}
	return nil
}

// CheckCount refuses a whole-number option outside 1..limit.
func CheckCount(field string, n int64, limit int) error {
	if n < 1 || n > int64(limit) {
		return Input(field, ProblemRange).Max(limit)
	}
	return nil
}

// ParseStart reads a start time, "YYYY-MM-DD HH:MM" in loc or RFC 3339
// with an offset, and refuses one that is not after now.
func ParseStart(input string, loc *time.Location, now time.Time) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01-02 15:04", input, loc)
	if err != nil {
		if t, err = time.Parse(time.RFC3339, input); err != nil {
			return time.Time{}, Input("start", ProblemInvalid).With(input)
		}
	}
	if !t.After(now) {
		return time.Time{}, Input("start", ProblemPast).With(input)
	}
	return t, nil
}

// Listing is one page of a server's live groups for one user.
type Listing struct {
	Groups  []Group
	Mine    map[int64]bool // the listed groups the user is in
	Waiting map[int64]int  // the user's place on the waitlist of groups they wait for
	Total   int            // live groups in the server
}

// Filter says which groups a search for autocomplete may return.
type Filter int

const (
	AnyGroup      Filter = iota // every live group
	JoinableGroup               // groups enrolling now (Group.Enrolling) that the user is not in
	OwnGroup                    // live groups the user is in
	Facilitated                 // live groups the user facilitates
)
