package groups

import (
	"context"
	"slices"
	"strings"

	"hearth/domain"
	"hearth/messages"
)

// wantedCrisisRule is the rule Hearth keeps for a server with crisis
// alerts on: its phrases, alerting the log channel, paused while others
// can read that channel.
func wantedCrisisRule(settings domain.Settings, sf domain.Safety) CrisisRule {
	return CrisisRule{Name: messages.ForServer(settings).CrisisRuleName(), Keywords: sf.CrisisPhrases(),
		ChannelID: settings.LogChannelID, Enabled: sf.LogExposure == ""}
}

// SeenRule is an AutoMod rule as Discord reports it, in what Hearth keeps
// of its own: anything else on Hearth's rule is a change someone made.
type SeenRule struct {
	ID             string
	Name           string
	MessageSend    bool     // checks messages sent
	Keywords       []string // keyword_filter
	Regexes        []string // regex_patterns: Hearth's has none
	AllowList      []string // allow_list: Hearth's has none (it would let phrases through)
	AlertChannels  []string // the channels of its SEND_ALERT_MESSAGE actions
	OtherActions   int      // actions of other types (block, timeout): Hearth's has none
	Enabled        bool
	ExemptRoles    int // left to moderators, not compared
	ExemptChannels int
}

// matches reports whether a rule seen on Discord is what Hearth wants. The
// keywords are compared as a set, ignoring case and spaces around them:
// Discord matches them so, and a rule it stored a little differently must
// not set Hearth writing it back for ever.
func (r CrisisRule) matches(seen SeenRule) bool {
	want, got := keywordSet(r.Keywords), keywordSet(seen.Keywords)
	return seen.Name == r.Name && seen.MessageSend && slices.Equal(want, got) && len(seen.Regexes) == 0 &&
		len(seen.AllowList) == 0 && len(seen.AlertChannels) == 1 && seen.AlertChannels[0] == r.ChannelID &&
		seen.OtherActions == 0 && seen.Enabled == r.Enabled
}

// CrisisRuleChanged puts Hearth's crisis-alert rule back in step when
// Discord reports it changed (AUTO_MODERATION_RULE_UPDATE) and it is no
// longer what Hearth keeps: a block or timeout added (that would silence
// someone in crisis), phrases changed, the alert sent elsewhere or the
// rule turned off. Phrases are changed with /setup crisis_words:, the rule
// turned off with /setup crisis_alerts:false. A note in the log channel
// says so, naming nobody. Hearth's own edits come back matching, and
// change nothing.
func (s *Service) CrisisRuleChanged(ctx context.Context, guildID string, seen SeenRule) error {
	unlock, err := s.LockSettings(ctx, guildID)
	if err != nil {
		return err
	}
	defer unlock()
	sf, err := s.Store.Safety(ctx, guildID)
	if err != nil || !sf.CrisisAlerts || seen.ID == "" || seen.ID != sf.CrisisRuleID {
		return err
	}
	settings, err := s.Store.Settings(ctx, guildID)
	if err != nil || settings.LogChannelID == "" || wantedCrisisRule(settings, sf).matches(seen) {
		return err
	}
	s.Log.Warn("the crisis-alert rule was changed on Discord; putting it back", "guild", guildID)
	next, err := s.SyncCrisisRule(ctx, settings, sf)
	if err != nil {
		return err
	}
	s.note(ctx, settings, func(p *messages.Printer) string { return p.NoteCrisisRuleRestored() })
	if next != sf {
		return s.Store.SaveSafety(ctx, next)
	}
	return nil
}

func keywordSet(keywords []string) []string {
	out := make([]string, 0, len(keywords))
	for _, k := range keywords {
		out = append(out, strings.ToLower(strings.TrimSpace(k)))
	}
	slices.Sort(out)
	return slices.Compact(out)
}
