package domain

import (
	"fmt"
	"testing"
	"time"

	"github.com/robfig/cron/v3"
)

// wallKey is a local wall-clock minute.
type wallKey struct {
	y        int
	m        time.Month
	d, h, mi int
}

func wallOf(t time.Time) wallKey {
	y, m, d := t.Date()
	return wallKey{y, m, d, t.Hour(), t.Minute()}
}

// specMatcher matches a wall time against a spec with cron's own bitmasks
// and day rule, written out here independently of Schedule.
func specMatcher(t *testing.T, spec string) func(w wallKey, wd time.Weekday) bool {
	t.Helper()
	parsed, err := cron.ParseStandard(spec)
	if err != nil {
		t.Fatal(err)
	}
	ss := parsed.(*cron.SpecSchedule)
	const star = uint64(1) << 63
	return func(w wallKey, wd time.Weekday) bool {
		if ss.Minute&(1<<uint(w.mi)) == 0 || ss.Hour&(1<<uint(w.h)) == 0 || ss.Month&(1<<uint(w.m)) == 0 {
			return false
		}
		dom := ss.Dom&(1<<uint(w.d)) != 0
		dow := ss.Dow&(1<<uint(wd)) != 0
		if ss.Dom&star != 0 || ss.Dow&star != 0 {
			return dom && dow
		}
		return dom || dow
	}
}

// expectedSessions derives the sessions in [from, to) by stepping minute by
// minute in UTC and reading the local wall clock from the zone's offset: a
// wall time counts the first time it is seen (later than every wall time
// before it); wall times that a jump skipped happen that many minutes after
// the jump.
func expectedSessions(loc *time.Location, from, to time.Time, match func(wallKey, time.Weekday) bool) []time.Time {
	wallMinute := func(t time.Time) int64 { // minutes since the epoch, on the local wall clock
		_, off := t.In(loc).Zone()
		return (t.Unix() + int64(off)) / 60
	}
	matches := func(naive int64) bool {
		w := time.Unix(naive*60, 0).UTC()
		return match(wallOf(w), w.Weekday())
	}
	at := map[int64]bool{}
	var out []time.Time
	add := func(t time.Time) {
		if !at[t.Unix()] {
			at[t.Unix()] = true
			out = append(out, t)
		}
	}
	latest := wallMinute(from.Add(-time.Minute))
	var pending []time.Time // skipped sessions, moved after the jump
	for t := from; t.Before(to); t = t.Add(time.Minute) {
		naive := wallMinute(t)
		for k, s := int64(1), latest+1; s < naive; k, s = k+1, s+1 {
			if matches(s) {
				pending = append(pending, t.Add(time.Duration(k-1)*time.Minute))
			}
		}
		for len(pending) > 0 && !pending[0].After(t) {
			add(pending[0])
			pending = pending[1:]
		}
		if naive > latest {
			latest = naive
			if matches(naive) {
				add(t)
			}
		}
	}
	return out
}

func TestNextAcrossDST(t *testing.T) {
	specs := []string{"0 18 * * MON", "30 2 * * *", "30 1 * * *", "0 2 * * SUN", "*/15 * * * *", "@daily",
		"0,30 0-3 * * *", "15 2 1,8 * 0"}
	zones := []string{"Europe/Madrid", "America/New_York", "Australia/Sydney",
		"Australia/Lord_Howe", "America/Santiago", "UTC"}
	if testing.Short() {
		zones = zones[:3]
	}
	for _, zone := range zones {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		from := time.Date(2026, 1, 1, 0, 0, 0, 0, loc)
		to := time.Date(2027, 1, 1, 0, 0, 0, 0, loc)
		for _, spec := range specs {
			t.Run(zone+"/"+spec, func(t *testing.T) {
				t.Parallel()
				want := expectedSessions(loc, from, to, specMatcher(t, spec))
				sched, err := ParseSchedule(spec)
				if err != nil {
					t.Fatal(err)
				}
				var got []time.Time
				for at := sched.Next(from.Add(-time.Nanosecond), loc); at.Before(to); at = sched.Next(at, loc) {
					got = append(got, at)
				}
				if len(got) != len(want) {
					t.Errorf("got %d sessions, want %d", len(got), len(want))
				}
				for i := range min(len(got), len(want)) {
					if !got[i].Equal(want[i]) {
						t.Fatalf("session %d: got %s, want %s", i, got[i].In(loc), want[i].In(loc))
					}
				}
				// From any point, Next is the first session strictly after it.
				for i := 0; i < len(want); i += max(1, len(want)/50) {
					for _, off := range []time.Duration{-time.Nanosecond, 0, -59 * time.Second} {
						after := want[i].Add(off)
						j := i
						if off == 0 {
							j = i + 1
						}
						if j < len(want) {
							if got := sched.Next(after, loc); !got.Equal(want[j]) {
								t.Fatalf("Next(%s) = %s, want %s", after.In(loc), got.In(loc), want[j].In(loc))
							}
						}
					}
				}
			})
		}
	}
}

func TestNextDSTExamples(t *testing.T) {
	madrid, _ := time.LoadLocation("Europe/Madrid")
	ny, _ := time.LoadLocation("America/New_York")
	tests := []struct {
		spec  string
		loc   *time.Location
		after string // local
		want  string // local, with offset
	}{
		{"30 2 * * *", madrid, "2026-03-29 00:00", "2026-03-29T03:30:00+02:00"}, // spring forward: moved by the gap
		{"30 2 * * *", madrid, "2026-03-29 03:30", "2026-03-30T02:30:00+02:00"}, // and only once
		{"0 3 * * *", madrid, "2026-03-29 00:00", "2026-03-29T03:00:00+02:00"},
		{"30 2 * * *", madrid, "2026-10-25 00:00", "2026-10-25T02:30:00+02:00"}, // fall back: first occurrence
		{"30 1 * * *", ny, "2026-11-01 00:00", "2026-11-01T01:30:00-04:00"},
		{"30 1 * * *", ny, "2026-11-01 01:31", "2026-11-02T01:30:00-05:00"}, // not again an hour later
		{"30 2 * * *", ny, "2026-03-08 00:00", "2026-03-08T03:30:00-04:00"},
		{"0 18 * * MON", madrid, "2026-03-28 00:00", "2026-03-30T18:00:00+02:00"},
		{"0 18 * * MON", madrid, "2026-03-20 00:00", "2026-03-23T18:00:00+01:00"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.spec, " after ", tt.after), func(t *testing.T) {
			sched, err := ParseSchedule(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			after, err := time.ParseInLocation("2006-01-02 15:04", tt.after, tt.loc)
			if err != nil {
				t.Fatal(err)
			}
			if got := sched.Next(after, tt.loc).Format(time.RFC3339); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func BenchmarkNextWeekly(b *testing.B) {
	sched, _ := ParseSchedule("0 18 * * MON")
	loc, _ := time.LoadLocation("Europe/Madrid")
	t := time.Date(2026, 1, 1, 0, 0, 0, 0, loc)
	for b.Loop() {
		t = sched.Next(t, loc)
	}
}
