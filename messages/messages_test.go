package messages

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestGroupListFitsOneMessage(t *testing.T) {
	next := time.Date(2026, 12, 1, 18, 0, 0, 0, time.UTC)
	var lines []string
	for i := range MaxListed {
		lines = append(lines, GroupLine(fmt.Sprintf("Group number %02d with a longish name", i), "closed", "enrolling", 12, next, i%3 == 0))
	}
	cases := []struct {
		name  string
		lines []string
		total int
		more  string
	}{
		{"all fit", lines[:3], 3, ""},
		{"more than fit", lines, 500, "more; type a name"},
	}
	for _, c := range cases {
		got := GroupList(c.lines, c.total)
		if n := utf8.RuneCountInString(got); n > 2000 {
			t.Errorf("%s: %d characters, over Discord's 2000", c.name, n)
		}
		if c.more == "" && strings.Contains(got, "more;") {
			t.Errorf("%s: says there are more: %q", c.name, got)
		}
		shown := strings.Count(got, "• ")
		if c.more != "" && !strings.Contains(got, fmt.Sprintf("…and %d more", c.total-shown)) {
			t.Errorf("%s: %d shown of %d, but the remainder is not counted right: %q", c.name, shown, c.total, got)
		}
	}
}

func TestGroupLine(t *testing.T) {
	next := time.Unix(1764612000, 0)
	cases := []struct {
		got, want string
	}{
		{GroupLine("Grief", "open", "open", -1, time.Time{}, false), "• **Grief** · open"},
		{GroupLine("Cohort", "closed", "enrolling", 3, next, true), "• **Cohort** · closed · enrolling · 3 seats left · next <t:1764612000:F> · ✅ you're in"},
		{GroupLine("Small", "open", "full", 0, time.Time{}, false), "• **Small** · open · full"},
		{GroupLine("One", "open", "open", 1, time.Time{}, false), "• **One** · open · 1 seat left"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestNameEscapesFormatting(t *testing.T) {
	cases := map[string]string{
		"Grief Circle":   "**Grief Circle**",
		"AA_NA *Friday*": `**AA\_NA \*Friday\***`,
		"a`b|c~d>e#f\\g": "**a\\`b\\|c\\~d\\>e\\#f\\\\g**",
	}
	for in, want := range cases {
		if got := Name(in); got != want {
			t.Errorf("Name(%q) = %q, want %q", in, got, want)
		}
	}
}
