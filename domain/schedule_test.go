package domain

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestParseSchedule(t *testing.T) {
	tests := []struct {
		name, spec string
		ok         bool
		says       Problem // what the refusal says was wrong
	}{
		{"weekly", "0 18 * * MON", true, ""},
		{"every minute", "* * * * *", true, ""},
		{"lists and ranges", "0,30 9-17 1,15 * MON-FRI", true, ""},
		{"daily", "@daily", true, ""},
		{"weekly descriptor", "@weekly", true, ""},
		{"hourly", "@hourly", true, ""},
		{"monthly", "@monthly", true, ""},
		{"yearly", "@yearly", true, ""},
		{"annually", "@annually", true, ""},
		{"midnight", "@midnight", true, ""},
		{"leap day", "0 12 29 2 *", true, ""},
		{"spaces around", "  0 18 * * MON  ", true, ""},
		{"empty", "", false, ProblemRequired},
		{"blank", "   ", false, ProblemRequired},
		{"every", "@every 1h", false, ProblemEvery},
		{"every upper", "@EVERY 1h", false, ProblemEvery},
		{"TZ prefix that panics cron", "TZ=UTC", false, ProblemTZPrefix},
		{"TZ prefix", "TZ=Europe/Madrid 0 18 * * *", false, ProblemTZPrefix},
		{"CRON_TZ prefix", "CRON_TZ=Europe/Madrid 0 18 * * *", false, ProblemTZPrefix},
		{"lower-case prefix", "cron_tz=UTC 0 18 * * *", false, ProblemTZPrefix},
		{"bare CRON_TZ", "CRON_TZ=", false, ProblemTZPrefix},
		{"six fields", "0 0 18 * * MON", false, ProblemInvalid},
		{"three fields", "0 18 *", false, ProblemInvalid},
		{"hour out of range", "0 24 * * *", false, ProblemInvalid},
		{"minute out of range", "60 1 * * *", false, ProblemInvalid},
		{"day 7", "0 18 * * 7", false, ProblemInvalid},
		{"unknown descriptor", "@fortnightly", false, ProblemInvalid},
		{"never happens", "0 0 30 2 *", false, ProblemNever},
		{"never happens either", "0 0 31 4,6,9,11 *", false, ProblemNever},
		{"zero step", "*/0 * * * *", false, ProblemInvalid},
		{"garbage", "hello there", false, ProblemInvalid},
		{"too long", strings.Repeat("1,", 80) + "1 * * * *", false, ProblemTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSchedule(tt.spec)
			if tt.ok {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("accepted")
			}
			var ie *InputError
			if !errors.As(err, &ie) || ie.Field != "schedule" {
				t.Fatalf("error %v is not an InputError about the schedule", err)
			}
			if ie.Problem != tt.says {
				t.Errorf("refusal %+v does not say %q", ie, tt.says)
			}
		})
	}
}

func TestDayRule(t *testing.T) {
	utc := time.UTC
	after := time.Date(2026, 6, 1, 0, 0, 0, 0, utc) // a Monday
	tests := []struct{ spec, want string }{
		{"0 12 13 * FRI", "2026-06-05"}, // both restricted: either matches (cron's OR)
		{"0 12 13 * *", "2026-06-13"},
		{"0 12 * * FRI", "2026-06-05"},
		{"0 12 1-7 * */2", "2026-06-01"}, // */2 is not a star: OR
		{"0 12 ? * FRI", "2026-06-05"},
	}
	for _, tt := range tests {
		sched, err := ParseSchedule(tt.spec)
		if err != nil {
			t.Fatal(err)
		}
		if got := sched.Next(after, utc).Format("2006-01-02"); got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.spec, got, tt.want)
		}
	}
}

func FuzzParseSchedule(f *testing.F) {
	for _, seed := range []string{"TZ=UTC", "CRON_TZ=", "0 18 * * MON", "@every", "* * * * *", "1-2/3 4 5 6 7", "@", "-", "*/"} {
		f.Add(seed)
	}
	loc, _ := time.LoadLocation("America/New_York")
	f.Fuzz(func(t *testing.T, spec string) {
		sched, err := ParseSchedule(spec)
		if err != nil {
			return
		}
		if sched.Next(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), loc).IsZero() {
			t.Errorf("accepted %q but it has no session", spec)
		}
	})
}

func TestParseReminders(t *testing.T) {
	tests := []struct {
		in   string
		want string // canonical form, or the Problem of the refusal
		ok   bool
	}{
		{"24h,30m", "24h,30m", true},
		{"30m, 24h", "24h,30m", true},
		{"", "30m", true},
		{"0m", "0m", true},
		{"1h30m", "1h30m", true},
		{"1d", "24h", true},
		{"7d", "168h", true},
		{"90M", "1h30m", true},
		{"-30m", "negative", false},
		{"30m,30m", "duplicate", false},
		{"1h,60m", "duplicate", false},
		{"30s", "invalid", false},
		{"30ms", "invalid", false},
		{"30", "invalid", false},
		{"1.5h", "invalid", false},
		{"half an hour", "invalid", false},
		{"30m,", "invalid", false},
		{"8d", "too_long", false},
		{"99999d99999d", "too_long", false},
		{"1m,2m,3m,4m,5m,6m", "too_many", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			leads, err := ParseReminders(tt.in)
			if tt.ok {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if got := FormatReminders(leads); got != tt.want {
					t.Errorf("got %s, want %s", got, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted as %v", leads)
			}
			var ie *InputError
			if !errors.As(err, &ie) || ie.Field != "reminder" || string(ie.Problem) != tt.want {
				t.Errorf("refusal %v does not say %q", err, tt.want)
			}
		})
	}
}

func TestNextSessions(t *testing.T) {
	after := time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC)
	got, err := NextSessions("0 18 * * MON", "Europe/Madrid", after, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"2026-03-23T17:00:00Z", "2026-03-30T16:00:00Z", "2026-04-06T16:00:00Z"} // 18:00 local across the change
	for i, w := range want {
		if i >= len(got) || got[i].UTC().Format(time.RFC3339) != w {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	for _, tz := range []string{"", "Local", "Mars/Olympus", "../etc/passwd"} {
		if _, err := NextSessions("@daily", tz, after, 3); !isInput(err, "timezone") {
			t.Errorf("time zone %q: got %v, want a refusal of the time zone", tz, err)
		}
	}
	if _, err := NextSessions("TZ=UTC", "UTC", after, 3); !isInput(err, "schedule") {
		t.Errorf("got %v, want a refusal of the schedule", err)
	}
}

func isInput(err error, field string) bool {
	var ie *InputError
	return errors.As(err, &ie) && ie.Field == field
}

// FormatReminders writes lead times back in the form ParseReminders reads,
// such as "24h,30m".
func FormatReminders(leads []time.Duration) string {
	parts := make([]string, len(leads))
	for i, d := range leads {
		h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
		switch {
		case h > 0 && m > 0:
			parts[i] = strconv.Itoa(h) + "h" + strconv.Itoa(m) + "m"
		case h > 0:
			parts[i] = strconv.Itoa(h) + "h"
		default:
			parts[i] = strconv.Itoa(m) + "m"
		}
	}
	return strings.Join(parts, ",")
}

// NextSessions returns the next n sessions of spec in timezone strictly
// after `after`. Errors are user-presentable.
func NextSessions(spec, timezone string, after time.Time, n int) ([]time.Time, error) {
	sched, err := ParseSchedule(spec)
	if err != nil {
		return nil, err
	}
	loc, err := LoadTimezone(timezone)
	if err != nil {
		return nil, err
	}
	n = min(n, 1000)
	out := make([]time.Time, 0, max(n, 0))
	for len(out) < n {
		next := sched.Next(after, loc)
		if next.IsZero() {
			break
		}
		out = append(out, next)
		after = next
	}
	return out, nil
}
