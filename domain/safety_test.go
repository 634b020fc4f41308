package domain

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestParseCrisisWords(t *testing.T) {
	many := make([]string, MaxCrisisPhrases+1)
	for i := range many {
		many[i] = fmt.Sprint("w", i)
	}
	for _, c := range []struct {
		name, text string
		want       []string
		problem    Problem
	}{
		{"one a line, spaces folded, repeats dropped", "kill myself\n\n  quiero   morir \nKill Myself\n", []string{"kill myself", "quiero morir"}, ""},
		{"empty means Hearth's lists", " \n\n", nil, ""},
		{"60 characters is fine", strings.Repeat("é", 60), []string{strings.Repeat("é", 60)}, ""},
		{"61 is too long", strings.Repeat("é", 61), nil, ProblemTooLong},
		{"wildcards alone match everything", "*", nil, ProblemInvalid},
		{"1,000 is Discord's most", strings.Join(many[:MaxCrisisPhrases], "\n"), many[:MaxCrisisPhrases], ""},
		{"1,001 is too many", strings.Join(many, "\n"), nil, ProblemTooMany},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseCrisisWords(c.text)
			var in *InputError
			if c.problem != "" {
				if !errors.As(err, &in) || in.Problem != c.problem || in.Field != "crisis_words" {
					t.Fatalf("err = %v, want %s", err, c.problem)
				}
				return
			}
			if err != nil || !slices.Equal(got, c.want) {
				t.Fatalf("got %q, %v; want %q", got, err, c.want)
			}
		})
	}
}

// Hearth's own lists are valid input, in English and Spanish.
func TestDefaultCrisisWordsAreValid(t *testing.T) {
	words := DefaultCrisisWords()
	got, err := ParseCrisisWords(strings.Join(words, "\n"))
	if err != nil || !slices.Equal(got, words) {
		t.Fatalf("Hearth's lists do not parse as themselves: %v", err)
	}
	for _, w := range []string{"kill myself", "suicid*", "quiero morir", "suicidarme"} {
		if !slices.Contains(words, w) {
			t.Errorf("Hearth's lists lack %q", w)
		}
	}
}
