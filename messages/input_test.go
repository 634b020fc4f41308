package messages

import (
	"strconv"
	"strings"
	"testing"

	"hearth/domain"
)

func TestInput(t *testing.T) {
	cases := []struct {
		field   string
		problem domain.Problem
		input   string
		limit   int
		reason  string
	}{
		{"name", domain.ProblemRequired, "", 0, ""},
		{"name", domain.ProblemTooLong, "", domain.MaxNameLen, ""},
		{"name", domain.ProblemNotPlain, "", 0, ""},
		{"type", domain.ProblemInvalid, "", 0, ""},
		{"description", domain.ProblemTooLong, "", domain.MaxDescriptionLen, ""},
		{"capacity", domain.ProblemRange, "", domain.MaxCapacity, ""},
		{"capacity", domain.ProblemBelowMembers, "", 7, ""},
		{"capacity", domain.ProblemBelowMembers, "", 1, ""},
		{"sessions", domain.ProblemRange, "", domain.MaxSessions, ""},
		{"sessions", domain.ProblemClosedOnly, "", 0, ""},
		{"start", domain.ProblemClosedOnly, "", 0, ""},
		{"start", domain.ProblemInvalid, "next tuesday", 0, ""},
		{"start", domain.ProblemPast, "", 0, ""},
		{"timezone", domain.ProblemInvalid, "Mars/Olympus", 0, ""},
		{"schedule", domain.ProblemRequired, "", 0, ""},
		{"schedule", domain.ProblemTooLong, "", 0, ""},
		{"schedule", domain.ProblemTZPrefix, "", 0, ""},
		{"schedule", domain.ProblemEvery, "", 0, ""},
		{"schedule", domain.ProblemInvalid, "0 99 * * *", 0, "end of range (99) above maximum (23): 99"},
		{"schedule", domain.ProblemInvalid, "0 99 * * *", 0, ""},
		{"schedule", domain.ProblemNever, "0 18 30 2 *", 0, ""},
		{"reminder", domain.ProblemTooMany, "", 3, ""},
		{"reminder", domain.ProblemInvalid, "soon", 0, ""},
		{"reminder", domain.ProblemNegative, "-5m", 0, ""},
		{"reminder", domain.ProblemTooLong, "60d", 28, ""},
		{"reminder", domain.ProblemDuplicate, "30m", 0, ""},
		{"reset", domain.ProblemInvalid, "", 0, ""},
		{"moderator_role", domain.ProblemEveryone, "", 0, ""},
		{"group", domain.ProblemRequired, "", 0, ""},
		{"user", domain.ProblemRequired, "", 0, ""},
		{"facilitator", domain.ProblemRequired, "", 0, ""},
	}
	for _, c := range cases {
		name := c.field + "/" + string(c.problem)
		if c.reason != "" {
			name += "/with reason"
		}
		t.Run(name, func(t *testing.T) {
			e := &domain.InputError{Field: c.field, Problem: c.problem, Input: c.input, Limit: c.limit, Reason: c.reason}
			id := "input_" + c.field + "_" + string(c.problem)
			if !For(English).has(id) {
				t.Fatalf("no message %s: it would get the general sentence", id)
			}
			got := map[Lang]string{}
			for _, lang := range []Lang{English, Spanish} {
				s := For(lang).Input(e)
				got[lang] = s
				if s == "" {
					t.Fatalf("%s: empty", lang)
				}
				if c.input != "" && !strings.Contains(s, c.input) {
					t.Errorf("%s: %q lacks the input %q", lang, s, c.input)
				}
				// The parser's reason is English: only English shows it.
				if c.reason != "" && (lang == English) != strings.Contains(s, "("+c.reason+")") {
					t.Errorf("%s: %q shows the parser's reason only in English? want it there alone", lang, s)
				}
				if c.reason == "" && strings.Contains(s, "()") {
					t.Errorf("%s: %q has an empty parenthesis", lang, s)
				}
				if c.limit > 0 && !strings.Contains(s, " "+strconv.Itoa(c.limit)) {
					t.Errorf("%s: %q lacks the limit %d", lang, s, c.limit)
				}
			}
			if got[English] == got[Spanish] {
				t.Errorf("the same in English and Spanish: %q", got[English])
			}
		})
	}
}

func TestInputLimitDefaultsToTheDomainsOwn(t *testing.T) {
	got := For(English).Input(domain.Input("name", domain.ProblemTooLong))
	if !strings.Contains(got, "100 characters") {
		t.Errorf("%q lacks the default limit", got)
	}
}

func TestInputUnknownNamesTheOption(t *testing.T) {
	for _, e := range []*domain.InputError{
		domain.Input("colour", domain.ProblemInvalid),
		domain.Input("name", domain.ProblemNever),
		{Field: "start", Problem: "something_new"},
	} {
		for _, lang := range Langs() {
			t.Run(string(lang)+"/"+e.Field+"/"+string(e.Problem), func(t *testing.T) {
				if got := For(lang).Input(e); !strings.Contains(got, "`"+e.Field+"`") {
					t.Errorf("%q does not name the option", got)
				}
			})
		}
	}
	if got := For(English).Input(nil); got != For(English).Apology() {
		t.Errorf("nil: %q", got)
	}
}
