package playground

import (
	"math"
	"regexp"
	"strconv"
	"testing"
)

// The page's colours, read from its stylesheet, give text at least WCAG
// AA's 4.5:1 on every background it is shown on, the new controls (voice
// buttons, the event list, a file's disclosure) included; the focus ring
// at least 3:1 (a non-text contrast).
func TestColoursContrast(t *testing.T) {
	css, err := assets.ReadFile("assets/style.css")
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{}
	for _, m := range regexp.MustCompile(`--([a-z-]+): (#[0-9a-f]{6})`).FindAllStringSubmatch(string(css), -1) {
		vars[m[1]] = m[2]
	}
	color := func(s string) string {
		if v, ok := vars[s]; ok {
			return v
		}
		return s
	}
	pairs := []struct {
		what, fg, bg string
		min          float64
	}{
		{"text on the chat", "text", "chat", 4.5},
		{"muted text on the side panel (events, times)", "muted", "panel", 4.5},
		{"Join voice", "text", "success", 4.5},
		{"Leave voice", "text", "danger", 4.5},
		{"a secondary button", "text", "secondary", 4.5},
		{"a primary button", "text", "primary", 4.5},
		{"the happening-now tag", "text", "success", 4.5},
		{"a file's disclosure in an ephemeral reply", "accent", "#2a2f45", 4.5},
		{"a file's content", "text", "#1e1f22", 4.5},
		{"muted text in an ephemeral reply", "muted", "#2a2f45", 4.5},
		{"the focus ring on the side panel", "focus", "panel", 3},
		{"the focus ring on a Leave voice button", "focus", "danger", 3},
	}
	for _, p := range pairs {
		if r := contrast(color(p.fg), color(p.bg)); r < p.min {
			t.Errorf("%s: %s on %s is %.2f:1, want at least %.1f:1", p.what, color(p.fg), color(p.bg), r, p.min)
		}
	}
}

// contrast is WCAG 2's contrast ratio of two #rrggbb colours.
func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

func luminance(hex string) float64 {
	var c [3]float64
	for i := range c {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		s := float64(v) / 255
		if s <= 0.03928 {
			c[i] = s / 12.92
		} else {
			c[i] = math.Pow((s+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
}
