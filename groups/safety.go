package groups

import (
	"context"
	"errors"

	"hearth/domain"
	"hearth/messages"
)

// logPrivate reports whether a server's log channel was last found
// readable by moderators alone. Notes and alerts go nowhere else: when it
// cannot be told, nothing is posted.
func (s *Service) logPrivate(ctx context.Context, guildID string) bool {
	sf, err := s.Store.Safety(ctx, guildID)
	if err != nil {
		s.Log.Warn("reading whether the log channel is private failed; note withheld", "guild", guildID, "err", err)
		return false
	}
	if sf.LogExposure != "" {
		s.Log.Info("log channel readable by others; note withheld", "guild", guildID)
		return false
	}
	return true
}

// Note posts a line in the server's log channel, in the server's language,
// if it has one that only moderators read. It never names members.
func (s *Service) Note(ctx context.Context, guildID string, text func(*messages.Printer) string) {
	settings, err := s.Store.Settings(ctx, guildID)
	if err != nil {
		s.Log.Warn("log channel note failed", "guild", guildID, "err", err)
		return
	}
	s.note(ctx, settings, text)
}

// LogChannelChecked records who besides moderators can read the server's
// log channel, found just now (exposure "" = nobody). While anyone can,
// Hearth posts nothing there and its crisis-alert rule is paused; once the
// channel is private again, both resume and a note says so. Call it under
// the server's settings lock.
func (s *Service) LogChannelChecked(ctx context.Context, settings domain.Settings, exposure domain.Exposure) error {
	sf, err := s.Store.Safety(ctx, settings.GuildID)
	if err != nil || sf.LogExposure == exposure {
		return err
	}
	was := sf.LogExposure
	sf.LogExposure = exposure
	if sf.CrisisAlerts {
		// Discord's alerts name the person and quote them: paused while
		// others can read the channel.
		if sf, err = s.SyncCrisisRule(ctx, settings, sf); err != nil {
			s.Log.Warn("pausing or resuming crisis alerts failed", "guild", settings.GuildID, "err", err)
			sf.LogExposure = exposure
		}
	}
	if err := s.Store.SaveSafety(ctx, sf); err != nil {
		return err
	}
	if exposure != "" {
		s.Log.Warn("the log channel is readable by others; notes and alerts stop", "guild", settings.GuildID, "why", string(exposure))
		return nil
	}
	s.Log.Info("the log channel is private again; notes and alerts resume", "guild", settings.GuildID, "was", string(was))
	s.note(ctx, settings, func(p *messages.Printer) string { return p.NoteLogPrivateAgain() })
	return nil
}

// Errors of the crisis-alert rule.
var (
	// ErrRulesFull: the server has as many keyword rules as Discord allows.
	ErrRulesFull = errors.New("the server has Discord's most keyword AutoMod rules")
	// ErrNoManageServer: Hearth lacks Manage Server, which AutoMod needs.
	ErrNoManageServer = errors.New("Hearth lacks the Manage Server permission")
	// ErrRuleGone: the rule no longer exists on Discord.
	ErrRuleGone = errors.New("the AutoMod rule no longer exists")
)

// CrisisRule is the AutoMod rule Hearth keeps for crisis alerts: a keyword
// rule on messages sent, whose only action is an alert in ChannelID.
type CrisisRule struct {
	Name      string
	Keywords  []string
	ChannelID string
	Enabled   bool
}

// AutoMod is the few Discord calls crisis alerts need.
type AutoMod interface {
	// PutCrisisRule updates the rule ruleID (ErrRuleGone if it no longer
	// exists), or with ruleID "" makes it (adopting one Hearth made
	// before), and returns its id.
	PutCrisisRule(ctx context.Context, guildID, ruleID string, r CrisisRule) (string, error)
	// DeleteCrisisRule deletes the rule; one already gone is fine.
	DeleteCrisisRule(ctx context.Context, guildID, ruleID string) error
}

// SyncCrisisRule makes the server's AutoMod rule match sf and its settings
// (on, with a log channel: the rule exists, alerting that channel, paused
// while others can read it; otherwise no rule) and returns sf with the
// rule's id, for the caller to save. A rule deleted on Discord is made
// again. Call it under the server's settings lock.
func (s *Service) SyncCrisisRule(ctx context.Context, settings domain.Settings, sf domain.Safety) (domain.Safety, error) {
	wanted := sf.CrisisAlerts && settings.LogChannelID != ""
	if s.AutoMod == nil && (wanted || sf.CrisisRuleID != "") {
		return sf, ErrNoManageServer
	}
	if !wanted {
		if sf.CrisisRuleID != "" {
			if err := s.AutoMod.DeleteCrisisRule(ctx, settings.GuildID, sf.CrisisRuleID); err != nil {
				return sf, err
			}
			sf.CrisisRuleID = ""
		}
		return sf, nil
	}
	rule := wantedCrisisRule(settings, sf)
	id, err := s.AutoMod.PutCrisisRule(ctx, settings.GuildID, sf.CrisisRuleID, rule)
	if errors.Is(err, ErrRuleGone) {
		s.Log.Warn("the crisis-alert rule was deleted on Discord; making it again", "guild", settings.GuildID)
		id, err = s.AutoMod.PutCrisisRule(ctx, settings.GuildID, "", rule)
		if err == nil {
			s.note(ctx, settings, func(p *messages.Printer) string { return p.NoteCrisisRuleRemade() })
		}
	}
	if err != nil {
		return sf, err
	}
	sf.CrisisRuleID = id
	return sf, nil
}

// KeepCrisisRule checks, under the server's settings lock, that a server
// with crisis alerts on still has its rule, making it again if it was
// deleted: at start-up, and when Discord reports a rule deleted (deleted
// is its id; "" checks whatever rule the server has).
func (s *Service) KeepCrisisRule(ctx context.Context, guildID, deleted string) error {
	unlock, err := s.LockSettings(ctx, guildID)
	if err != nil {
		return err
	}
	defer unlock()
	sf, err := s.Store.Safety(ctx, guildID)
	if err != nil || !sf.CrisisAlerts || (deleted != "" && deleted != sf.CrisisRuleID) {
		return err
	}
	settings, err := s.Store.Settings(ctx, guildID)
	if err != nil {
		return err
	}
	before := sf
	if deleted != "" {
		sf.CrisisRuleID = "" // gone: make it anew
		s.Log.Warn("the crisis-alert rule was deleted on Discord; making it again", "guild", guildID)
	}
	next, err := s.SyncCrisisRule(ctx, settings, sf)
	if err != nil {
		if deleted != "" {
			_ = s.Store.SaveSafety(ctx, sf) // the old id is gone either way
		}
		return err
	}
	if deleted != "" {
		s.note(ctx, settings, func(p *messages.Printer) string { return p.NoteCrisisRuleRemade() })
	}
	if next != before {
		return s.Store.SaveSafety(ctx, next)
	}
	return nil
}
