package domain

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Limits on reminder lead times. Five cover "a day before, an hour before,
// at the start" with room to spare; a week ahead is as early as a reminder
// is still a reminder (and as far as a weekly group's previous session).
const (
	MaxReminders   = 5
	MaxReminderAdv = 7 * 24 * time.Hour
)

// DefaultReminders is used when a group gives none.
const DefaultReminders = "30m"

// ParseReminders parses comma-separated lead times such as "24h,30m" or
// "1d,1h30m,0m": whole numbers with units d, h and m. "0m" means at the start
// of the session; an empty string means the default, 30m. It refuses
// negative, duplicate and unknown-unit times, more than MaxReminders of them
// and any longer than MaxReminderAdv. The result is sorted, earliest
// reminder (longest lead) first. Errors are user-presentable.
func ParseReminders(s string) ([]time.Duration, error) {
	if strings.TrimSpace(s) == "" {
		s = DefaultReminders
	}
	refuse := func(p Problem, item string, limit int) ([]time.Duration, error) {
		return nil, &InputError{Field: "reminder", Problem: p, Input: item, Limit: limit}
	}
	items := strings.Split(s, ",")
	if len(items) > MaxReminders {
		return refuse(ProblemTooMany, "", MaxReminders)
	}
	var leads []time.Duration
	for _, item := range items {
		item = strings.TrimSpace(item)
		if strings.HasPrefix(item, "-") {
			return refuse(ProblemNegative, item, 0)
		}
		d, ok := parseLead(item)
		if !ok {
			return refuse(ProblemInvalid, item, 0)
		}
		if d > MaxReminderAdv {
			return refuse(ProblemTooLong, item, int(MaxReminderAdv/(24*time.Hour)))
		}
		if slices.Contains(leads, d) {
			return refuse(ProblemDuplicate, item, 0)
		}
		leads = append(leads, d)
	}
	slices.SortFunc(leads, func(a, b time.Duration) int { return int(b - a) })
	return leads, nil
}

// parseLead reads one lead time: one or more <whole number><d|h|m>.
func parseLead(s string) (time.Duration, bool) {
	if s == "" || len(s) > 20 {
		return 0, false
	}
	var total time.Duration
	for s != "" {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 || i == len(s) || i > 5 {
			return 0, false
		}
		n, _ := strconv.Atoi(s[:i])
		var unit time.Duration
		switch strings.ToLower(s[i : i+1]) {
		case "d":
			unit = 24 * time.Hour
		case "h":
			unit = time.Hour
		case "m":
			unit = time.Minute
		default:
			return 0, false
		}
		if i+1 < len(s) && !(s[i+1] >= '0' && s[i+1] <= '9') {
			return 0, false // "ms", "min" and the like
		}
		// Clamp so that a silly input cannot overflow; it is refused as too long.
		total = min(total+time.Duration(n)*unit, MaxReminderAdv+time.Minute)
		s = s[i+1:]
	}
	return total, true
}
