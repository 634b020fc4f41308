package messages

import (
	"strings"
	"testing"
)

// A turn whose person was erased shows no broken mention, in either language.
func TestRoundPostShowsAnErasedTurnNamelessly(t *testing.T) {
	for lang, want := range map[Lang]string{"en": "1. someone who has left: done", "es": "1. alguien que se ha ido"} {
		got := For(lang).RoundPost([]RoundTurn{{UserID: "", Outcome: "done"}, {UserID: "42"}}, 1)
		if !strings.Contains(got, want) || strings.Contains(got, "<@>") || !strings.Contains(got, "<@42>") {
			t.Errorf("%s: %q", lang, got)
		}
	}
}
