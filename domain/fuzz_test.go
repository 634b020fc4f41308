package domain

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// Every parser of what people type is fuzzed: no input panics, and every
// refusal is an InputError naming the option. Crashes found are kept as
// seeds in testdata/fuzz.

func FuzzParseReminders(f *testing.F) {
	for _, seed := range []string{"24h,30m", "", "0m", "-30m", "30m,30m", "1h,60m", "30s", "30ms", "30", "1.5h",
		"half an hour", "30m,", "8d", "99999d99999d", "1m,2m,3m,4m,5m,6m", "1d1h1m", "00000000000000000000m", ",,,"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		leads, err := ParseReminders(s)
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) || ie.Field != "reminder" {
				t.Fatalf("%q: refusal %v is not an InputError about the reminder", s, err)
			}
			return
		}
		if len(leads) == 0 || len(leads) > MaxReminders {
			t.Fatalf("%q: %d lead times accepted", s, len(leads))
		}
		for _, d := range leads {
			if d < 0 || d > MaxReminderAdv {
				t.Fatalf("%q: lead time %s accepted", s, d)
			}
		}
	})
}

func FuzzParseStart(f *testing.F) {
	for _, seed := range []string{"2026-03-02 18:00", "2026-03-02T18:00:00+01:00", "yesterday", "2026-02-30 18:00",
		"2026-03-29 02:30", "0000-01-01 00:00", "9999-12-31 23:59", "", "2026-03-02 24:00"} {
		f.Add(seed)
	}
	loc, _ := LoadTimezone("Europe/Madrid")
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		at, err := ParseStart(s, loc, now)
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) || ie.Field != "start" {
				t.Fatalf("%q: refusal %v is not an InputError about the start", s, err)
			}
			return
		}
		if !at.After(now) {
			t.Fatalf("%q: accepted %s, not after now", s, at)
		}
	})
}

func FuzzGroupInput(f *testing.F) {
	for _, seed := range []string{"Grief Circle", "", "@everyone", "<@123>", "a\u200bb", "line\nbreak", "Año Nuevo",
		"**bold**", "</join:1>", string(make([]byte, 300))} {
		f.Add(seed, "open")
	}
	f.Add("Cohort", "closed")
	f.Add("Cohort", "OPEN")
	f.Fuzz(func(t *testing.T, name, kind string) {
		for _, err := range []error{CheckName(name), CheckDescription(name), func() error { _, err := ParseKind(kind); return err }()} {
			var ie *InputError
			if err != nil && !errors.As(err, &ie) {
				t.Fatalf("refusal %v is not an InputError", err)
			}
		}
		if _, err := LoadTimezone(name); err != nil {
			var ie *InputError
			if !errors.As(err, &ie) || ie.Field != "timezone" {
				t.Fatalf("%q: refusal %v is not an InputError about the time zone", name, err)
			}
		}
	})
}

func FuzzParseCrisisWords(f *testing.F) {
	for _, seed := range []string{"kill myself\nsuicide", "", "*", "  \n\n  ", "quiero morir\nQUIERO MORIR", "a\tb  c",
		"suicid*\n*morir*", "🙂", "x\r\ny"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		words, err := ParseCrisisWords(s)
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) || ie.Field != "crisis_words" {
				t.Fatalf("%q: refusal %v is not an InputError about crisis_words", s, err)
			}
			return
		}
		if len(words) > MaxCrisisPhrases {
			t.Fatalf("%q: %d phrases accepted", s, len(words))
		}
		seen := map[string]bool{}
		for _, w := range words {
			if w == "" || utf8.RuneCountInString(w) > MaxCrisisPhraseLen || strings.ContainsAny(w, "\n") ||
				w != strings.TrimSpace(w) || !strings.ContainsFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
				t.Fatalf("%q: phrase %q accepted", s, w)
			}
			if seen[strings.ToLower(w)] {
				t.Fatalf("%q: phrase %q twice", s, w)
			}
			seen[strings.ToLower(w)] = true
		}
	})
}
