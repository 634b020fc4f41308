package groups

import (
	"strings"
	"testing"
)

func TestChannelName(t *testing.T) {
	cases := map[string]string{
		"Grief Circle":            "grief-circle",
		"  Spring -- Cohort! ":    "spring-cohort",
		"Año Nuevo / Ñandú":       "año-nuevo-ñandú",
		"!!!":                     "group",
		strings.Repeat("ab ", 60): strings.TrimRight(strings.Repeat("ab-", 33), "-") + "-a",
	}
	for in, want := range cases {
		got := ChannelName(in)
		if got != want {
			t.Errorf("ChannelName(%q) = %q, want %q", in, got, want)
		}
		if n := len([]rune(got)); n > 100 {
			t.Errorf("ChannelName(%q) has %d characters", in, n)
		}
	}
}
