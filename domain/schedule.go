package domain

import (
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // time zones work even on hosts without a zoneinfo database

	"github.com/robfig/cron/v3"
)

// maxSpecLen bounds what we hand to the cron parser; real specs are short.
const maxSpecLen = 120

// searchYears bounds the search for a next session: every valid schedule has
// one within 8 years (29 February can be 8 years away, as from 2096 to 2104).
const searchYears = 10

// Schedule is a parsed session schedule: wall-clock times, as cron bitmasks.
type Schedule struct {
	minute, hour, dom, month, dow uint64
	// domOrDow is cron's rule: when neither day field is `*`, a day matches
	// if either matches; otherwise both must.
	domOrDow bool
	spec     string
}

// String returns the spec the schedule was parsed from.
func (s Schedule) String() string { return s.spec }

// IsZero reports whether s is the zero Schedule (no sessions).
func (s Schedule) IsZero() bool { return s.minute == 0 }

const starBit = 1 << 63 // cron sets it on a field written as * or ?

var specParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseSchedule parses a 5-field cron spec or a descriptor (@hourly, @daily,
// @midnight, @weekly, @monthly, @yearly, @annually). It refuses @every, since
// sessions are wall-clock times, and CRON_TZ=/TZ= prefixes, since the group's
// time zone is its own option. No input panics.
func ParseSchedule(spec string) (sched Schedule, err error) {
	spec = strings.TrimSpace(spec)
	refuse := func(p Problem) (Schedule, error) {
		return Schedule{}, &InputError{Field: "schedule", Problem: p, Input: spec}
	}
	// reason is the cron parser's own explanation, in English, or empty.
	unreadable := func(reason string) (Schedule, error) {
		return Schedule{}, &InputError{Field: "schedule", Problem: ProblemInvalid, Input: spec, Reason: reason}
	}
	upper := strings.ToUpper(spec)
	switch {
	case spec == "":
		return refuse(ProblemRequired)
	case len(spec) > maxSpecLen:
		return refuse(ProblemTooLong)
	case strings.HasPrefix(upper, "TZ=") || strings.HasPrefix(upper, "CRON_TZ="):
		return refuse(ProblemTZPrefix)
	case strings.HasPrefix(strings.ToLower(spec), "@every"):
		return refuse(ProblemEvery)
	}
	defer func() {
		// The cron parser panics on some malformed input; no input may crash us.
		if r := recover(); r != nil {
			sched, err = unreadable("")
		}
	}()
	parsed, perr := specParser.Parse(spec)
	if perr != nil {
		return unreadable(perr.Error())
	}
	ss, ok := parsed.(*cron.SpecSchedule)
	if !ok {
		return refuse(ProblemEvery)
	}
	sched = Schedule{
		minute:   ss.Minute &^ starBit,
		hour:     ss.Hour &^ starBit,
		dom:      ss.Dom &^ starBit,
		month:    ss.Month &^ starBit,
		dow:      ss.Dow &^ starBit,
		domOrDow: ss.Dom&starBit == 0 && ss.Dow&starBit == 0,
		spec:     spec,
	}
	if sched.minute == 0 || sched.hour == 0 || sched.dom == 0 || sched.month == 0 || sched.dow == 0 {
		return unreadable("")
	}
	if !sched.happens() {
		return refuse(ProblemNever)
	}
	return sched, nil
}

// happens reports whether some day of some year matches, so that Next
// never searches in vain for a schedule such as `0 0 30 2 *`.
func (s Schedule) happens() bool {
	if s.domOrDow || s.dom&domAll == domAll {
		return true // any weekday, or every day of the month, exists in every month
	}
	for m := 1; m <= 12; m++ {
		if s.month&(1<<m) == 0 {
			continue
		}
		longest := daysIn(time.Month(m), 2024) // a leap year: 29 February counts
		if s.dom&(1<<(longest+1)-1) != 0 {
			return true
		}
	}
	return false
}

const domAll = (1<<32 - 1) &^ 1 // days 1..31

// dayMatches applies cron's rule for the two day fields.
func (s Schedule) dayMatches(day int, wd time.Weekday) bool {
	domMatch := s.dom&(1<<day) != 0
	dowMatch := s.dow&(1<<wd) != 0
	if s.domOrDow {
		return domMatch || dowMatch
	}
	return domMatch && dowMatch
}

// maxJump bounds how far a clock change moves local time. DST jumps are an
// hour (two in Antarctica/Troll); wall times this far before `after` cannot
// be sessions after it, which spares Next from trying them.
const maxJump = 3 * time.Hour

// Next returns the first session strictly after `after`, with sessions at
// wall-clock times in loc: a time in a skipped hour moves forward by the gap,
// a time in a repeated hour happens once (the first time), and two wall times
// landing on one instant are one session. It returns the zero time when s is
// the zero Schedule.
func (s Schedule) Next(after time.Time, loc *time.Location) time.Time {
	if s.IsZero() {
		return time.Time{}
	}
	// floor is the earliest wall time (as seconds on a UTC-read wall clock)
	// that can still land after `after`, given clock jumps.
	local := after.In(loc)
	_, off := local.Zone()
	floor := after.Unix() + int64(off) - int64(maxJump/time.Second)
	y, m, d := time.Unix(floor, 0).UTC().Date()
	wd := time.Date(y, m, d, 12, 0, 0, 0, time.UTC).Weekday()
	limit := y + searchYears
	var best time.Time
	for y <= limit {
		if s.month&(1<<m) == 0 {
			// Skip to the first of the next month, keeping the weekday in step.
			wd = (wd + time.Weekday(daysIn(m, y)-d+1)) % 7
			y, m, d = nextMonth(y, m)
			continue
		}
		if s.dayMatches(d, wd) {
			t, settled := s.firstOnDay(y, m, d, floor, after, loc)
			if !t.IsZero() && (best.IsZero() || t.Before(best)) {
				best = t
			}
			// A later day cannot hold an earlier session unless a skipped hour
			// pushed this day's candidate forward; then look further.
			if !best.IsZero() && (settled || time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() > best.Unix()+14*3600) {
				return best
			}
		}
		wd = (wd + 1) % 7
		if d++; d > daysIn(m, y) {
			y, m, d = nextMonth(y, m)
		}
	}
	return best
}

// firstOnDay returns the earliest session of one local day that is after
// `after`, and whether that session is exact (not moved by a skipped hour),
// in which case no later wall time can give an earlier instant. Wall times
// before floor are not tried.
func (s Schedule) firstOnDay(y int, m time.Month, d int, floor int64, after time.Time, loc *time.Location) (time.Time, bool) {
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix()
	var best time.Time
	for h := 0; h < 24; h++ {
		if s.hour&(1<<h) == 0 || day+int64(h)*3600+59*60 < floor {
			continue
		}
		for mi := 0; mi < 60; mi++ {
			if s.minute&(1<<mi) == 0 || day+int64(h)*3600+int64(mi)*60 < floor {
				continue
			}
			t, exact := wallTime(y, m, d, h, mi, loc)
			if !t.After(after) {
				continue
			}
			if best.IsZero() || t.Before(best) {
				best = t
			}
			if exact {
				return best, true
			}
		}
	}
	return best, false
}

// wallTime is the instant of a wall-clock time in loc. It reports exact=false
// when the time falls in a skipped hour; it then returns the time moved
// forward by the gap. A repeated wall time gives its first instant.
//
// time.Date alone will not do: for a skipped time it may move either way.
func wallTime(y int, m time.Month, d, h, mi int, loc *time.Location) (time.Time, bool) {
	naive := time.Date(y, m, d, h, mi, 0, 0, time.UTC).Unix()
	// The offsets in force a day either side; transitions are further apart.
	_, before := time.Unix(naive-86400, 0).In(loc).Zone()
	_, after := time.Unix(naive+86400, 0).In(loc).Zone()
	var first time.Time
	for _, off := range [2]int{before, after} {
		t := time.Unix(naive-int64(off), 0)
		if _, got := t.In(loc).Zone(); got == off && (first.IsZero() || t.Before(first)) {
			first = t
		}
	}
	if !first.IsZero() {
		return first.In(loc), true
	}
	// In a gap: clocks jumped from `before` to `after` (after > before). The
	// wall time read with the old offset lands the same distance past the jump.
	return time.Unix(naive-int64(min(before, after)), 0).In(loc), false
}

func daysIn(m time.Month, y int) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func nextMonth(y int, m time.Month) (int, time.Month, int) {
	if m == time.December {
		return y + 1, time.January, 1
	}
	return y, m + 1, 1
}

var locations sync.Map // name → *time.Location; LoadLocation reads disk each call

// LoadTimezone loads an IANA time zone such as Europe/Madrid. It refuses
// the empty name and "Local", which would depend on the host.
func LoadTimezone(name string) (*time.Location, error) {
	if l, ok := locations.Load(name); ok {
		return l.(*time.Location), nil
	}
	refusal := &InputError{Field: "timezone", Problem: ProblemInvalid, Input: name}
	if name == "" || name == "Local" || strings.HasPrefix(name, "/") || strings.Contains(name, "..") {
		return nil, refusal
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, refusal
	}
	locations.Store(name, loc)
	return loc, nil
}
