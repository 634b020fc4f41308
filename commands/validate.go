package commands

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"hearth/scheduler"
)

// Limits from PRODUCT.md and Discord.
const (
	maxNameLen        = 100
	maxCapacity       = 1000
	maxSessions       = 520
	maxDescriptionLen = 1000
)

// loadTimezone accepts IANA names only: "Local" and "" would mean the
// machine's zone, which no member shares.
func loadTimezone(name string) (*time.Location, bool) {
	loc, err := scheduler.LoadTimezone(name)
	return loc, err == nil
}

// plainName refuses names that would render as something else or not at
// all: control and invisible format characters, and Discord mention syntax.
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

// parseStart reads "YYYY-MM-DD HH:MM" in loc, or RFC 3339 with an offset.
func parseStart(input string, loc *time.Location) (time.Time, bool) {
	if t, err := time.ParseInLocation("2006-01-02 15:04", input, loc); err == nil {
		return t, true
	}
	if t, err := time.Parse(time.RFC3339, input); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// ChannelName derives a Discord channel name from a group name: lowercase
// letters and digits, other runs turned into single dashes, at most 100
// characters.
func ChannelName(group string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(group) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	name := b.String()
	for utf8.RuneCountInString(name) > maxNameLen {
		_, size := utf8.DecodeLastRuneInString(name)
		name = strings.TrimRight(name[:len(name)-size], "-")
	}
	if name == "" {
		return "group"
	}
	return name
}
