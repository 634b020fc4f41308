package domain

import (
	"embed"
	"io/fs"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Safety is a server's state for crisis alerts and its log channel's
// privacy, kept beside its settings.
type Safety struct {
	GuildID string
	// LogExposure says why the log channel is readable by others than the
	// moderators ("" = it is private): while set, Hearth posts nothing there
	// and pauses crisis alerts.
	LogExposure  Exposure
	CrisisAlerts bool   // /setup crisis_alerts:true
	CrisisRuleID string // the AutoMod rule Hearth owns; "" = none yet
	CrisisWords  string // the server's phrases, one a line; "" = Hearth's lists
}

// Exposure is who, besides moderators, administrators and the bot, can
// read a channel: "" nobody, ExposedEveryone, ExposedMember, or
// "role:<id>" (see ExposedRole).
type Exposure string

const (
	ExposedEveryone Exposure = "everyone" // @everyone can read it
	ExposedMember   Exposure = "member"   // someone was let in by name
)

// ExposedRole is a role, other than the moderator role, that can read it.
func ExposedRole(roleID string) Exposure { return Exposure("role:" + roleID) }

// Role is the role that can read the channel, if that is the reason.
func (e Exposure) Role() (string, bool) {
	id, ok := strings.CutPrefix(string(e), "role:")
	return id, ok && id != ""
}

// Discord's limits on a keyword AutoMod rule.
const (
	MaxCrisisPhraseLen = 60   // characters per keyword
	MaxCrisisPhrases   = 1000 // keywords per rule
	// MaxCrisisWordsText is what the form holds: a paragraph text input
	// takes at most 4,000 characters.
	MaxCrisisWordsText = 4000
)

//go:embed crisis/*.txt
var crisisLists embed.FS

// DefaultCrisisWords are the English and Spanish crisis phrases shipped
// with Hearth.
func DefaultCrisisWords() []string {
	var all []string
	names, _ := fs.Glob(crisisLists, "crisis/*.txt") // en, then es
	for _, name := range names {
		b, err := crisisLists.ReadFile(name)
		if err != nil {
			panic(err) // embedded at build time
		}
		for _, line := range strings.Split(string(b), "\n") {
			if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
				all = append(all, line)
			}
		}
	}
	return dedupe(all)
}

// CrisisPhrases are the phrases the server's rule holds: its own, or
// Hearth's.
func (s Safety) CrisisPhrases() []string {
	if s.CrisisWords == "" {
		return DefaultCrisisWords()
	}
	return strings.Split(s.CrisisWords, "\n")
}

// ParseCrisisWords reads the crisis phrases typed in /setup's form, one a
// line: blank lines are skipped and repeats dropped; none at all means
// Hearth's own lists. A phrase too long for
// Discord, one with no letter or digit (a lone * would match every
// message), or too many phrases are refused.
func ParseCrisisWords(text string) ([]string, error) {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		line = strings.Join(strings.Fields(line), " ")
		if line == "" {
			continue
		}
		if utf8.RuneCountInString(line) > MaxCrisisPhraseLen {
			return nil, Input("crisis_words", ProblemTooLong).With(line).Max(MaxCrisisPhraseLen)
		}
		if !strings.ContainsFunc(line, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
			return nil, Input("crisis_words", ProblemInvalid).With(line)
		}
		out = append(out, line)
	}
	out = dedupe(out)
	if len(out) > MaxCrisisPhrases {
		return nil, Input("crisis_words", ProblemTooMany).Max(MaxCrisisPhrases)
	}
	return out, nil
}

// dedupe drops phrases given before, ignoring case, keeping the order.
func dedupe(list []string) []string {
	seen := map[string]bool{}
	out := list[:0:0]
	for _, s := range list {
		k := strings.ToLower(s)
		if !seen[k] {
			seen[k] = true
			out = append(out, s)
		}
	}
	return out
}
