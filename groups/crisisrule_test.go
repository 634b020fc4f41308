package groups

import "testing"

func TestCrisisRuleMatches(t *testing.T) {
	want := CrisisRule{Name: "Hearth: crisis alerts", Keywords: []string{"kill myself", "quiero morir"}, ChannelID: "log", Enabled: true}
	same := SeenRule{ID: "r", Name: want.Name, MessageSend: true, Keywords: []string{"Quiero morir ", "kill myself"},
		AlertChannels: []string{"log"}, Enabled: true}
	if !want.matches(same) {
		t.Error("the same rule, its phrases reordered and cased as Discord may keep them, does not match")
	}
	cases := map[string]func(*SeenRule){
		"a block added":     func(s *SeenRule) { s.OtherActions = 1 },
		"a second alert":    func(s *SeenRule) { s.AlertChannels = append(s.AlertChannels, "other") },
		"no alert":          func(s *SeenRule) { s.AlertChannels = nil },
		"alert elsewhere":   func(s *SeenRule) { s.AlertChannels = []string{"other"} },
		"a phrase gone":     func(s *SeenRule) { s.Keywords = s.Keywords[:1] },
		"a phrase added":    func(s *SeenRule) { s.Keywords = append(s.Keywords, "hello") },
		"a regex":           func(s *SeenRule) { s.Regexes = []string{".*"} },
		"an allow list":     func(s *SeenRule) { s.AllowList = []string{"kill myself"} },
		"off":               func(s *SeenRule) { s.Enabled = false },
		"renamed":           func(s *SeenRule) { s.Name = "x" },
		"not messages sent": func(s *SeenRule) { s.MessageSend = false },
	}
	for name, edit := range cases {
		seen := same
		seen.Keywords = append([]string(nil), same.Keywords...)
		edit(&seen)
		if want.matches(seen) {
			t.Errorf("%s: matches", name)
		}
	}
}
