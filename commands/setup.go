package commands

import (
	"context"
	"errors"

	"hearth/domain"
	"hearth/groups"
	"hearth/messages"
)

// setup answers /setup: it changes the options given and shows the result.
// The router lets only Manage Server (or Administrator) through. Every
// refusal comes before anything is saved, so a refused /setup changes
// nothing.
func (a *App) setup(ctx context.Context, in *Interaction) (Response, error) {
	p := Printer(in)
	unlock, err := a.Groups.LockSettings(ctx, in.GuildID)
	if err != nil {
		return Response{}, err
	}
	defer unlock()
	st, err := a.Store.Settings(ctx, in.GuildID)
	if err != nil {
		return Response{}, err
	}
	sf, err := a.Store.Safety(ctx, in.GuildID)
	if err != nil {
		return Response{}, err
	}
	o := in.Options
	oldRole, oldLog := st.ModeratorRoleID, st.LogChannelID
	switch o.String("reset") {
	case "":
	case "moderator_role":
		st.ModeratorRoleID = ""
	case "category":
		st.CategoryID = ""
	case "log_channel":
		st.LogChannelID = ""
	case "timezone":
		st.Timezone = ""
	case "language":
		st.Language = ""
	default:
		return Response{}, domain.Input("reset", domain.ProblemInvalid).With(o.String("reset"))
	}
	if o.Has("moderator_role") {
		if o.String("moderator_role") == in.GuildID {
			return Response{}, domain.Input("moderator_role", domain.ProblemEveryone)
		}
		st.ModeratorRoleID = o.String("moderator_role")
	}
	if o.Has("category") {
		st.CategoryID = o.String("category")
	}
	if o.Has("log_channel") {
		// Notes stay where only moderators read: a channel others can
		// read is refused.
		exposed, err := a.Perms.LogExposure(ctx, in.GuildID, o.String("log_channel"), st.ModeratorRoleID)
		if err != nil {
			return Response{}, err
		}
		if exposed != "" {
			return Reply(p.LogChannelPublic(o.String("log_channel"))), nil
		}
		st.LogChannelID = o.String("log_channel")
	}
	if o.Has("timezone") {
		tz := o.String("timezone")
		if _, err := domain.LoadTimezone(tz); err != nil {
			return Response{}, err
		}
		st.Timezone = tz
	}
	if on, ok := o["discreet"].(bool); ok {
		st.Discreet = on
	}
	if o.Has("language") {
		l, ok := messages.ParseLang(o.String("language"))
		if !ok {
			return Response{}, domain.Input("language", domain.ProblemInvalid).With(o.String("language"))
		}
		st.Language = string(l)
	}
	crisis, crisisGiven := o["crisis_alerts"].(bool)
	if crisisGiven && crisis && st.LogChannelID == "" {
		return Reply(p.CrisisNeedsLog()), nil
	}
	if st.LogChannelID != oldLog {
		sf.LogExposure = "" // a new channel was found private just now; none has nobody reading it
	}
	if crisisGiven || st.LogChannelID != oldLog {
		// Discord first: a rule it refuses leaves the settings as they were.
		if crisisGiven {
			sf.CrisisAlerts = crisis
		}
		if sf, err = a.Groups.SyncCrisisRule(ctx, st, sf); err != nil {
			if r, ok := crisisRefusal(p, err); ok {
				return r, nil
			}
			return Response{}, err
		}
		if err := a.Store.SaveSafety(ctx, sf); err != nil {
			return Response{}, err
		}
	}
	if settingsGiven(o) {
		if err := a.Store.SaveSettings(ctx, st); err != nil {
			return Response{}, err
		}
	}
	failed := 0
	if oldRole != st.ModeratorRoleID || o.Has("moderator_role") {
		failed = a.Groups.MoveModeratorRole(ctx, in.GuildID, oldRole, st.ModeratorRoleID)
	}
	if st.LogChannelID != "" && st.LogChannelID == oldLog {
		// Looked at again: what the gateway said may have been missed.
		if sf, err = a.recheckLog(ctx, st, sf); err != nil {
			return Response{}, err
		}
	}
	if open, _ := o["crisis_words"].(bool); open {
		return a.crisisForm(in, sf), nil // the other options given were saved
	}
	if open, _ := o["support"].(bool); open {
		// The form opens at once; the other options given were saved.
		return a.supportForm(in, st), nil
	}
	tz, tzDefault := st.Timezone, st.Timezone == ""
	if tzDefault {
		tz = a.DefaultTimezone
	}
	reply := p.Settings(len(o) > 0, st.ModeratorRoleID, st.CategoryID, st.LogChannelID, tz, tzDefault)
	reply += "\n" + p.SettingsLanguage(messages.ForServer(st).LanguageName(), st.Language == "")
	reply += "\n" + p.SettingsDiscreet(st.Discreet)
	reply += "\n" + p.SettingsVoicePermissions()
	reply += "\n" + p.SettingsCrisis(sf, st.LogChannelID)
	if failed > 0 {
		reply += "\n" + p.ModRoleNotMoved(failed)
	}
	if sf.LogExposure != "" && st.LogChannelID != "" {
		reply += "\n\n" + p.LogExposed(st.LogChannelID, sf.LogExposure)
	}
	return Reply(reply), nil
}

// settingsGiven reports whether options other than the forms' were given.
func settingsGiven(o Options) bool {
	n := len(o)
	for _, form := range []string{"support", "crisis_words", "crisis_alerts"} {
		if o.Has(form) {
			n--
		}
	}
	return n > 0
}

// recheckLog reads again who can read the log channel and records it
// (pausing or resuming notes and crisis alerts); a channel that cannot be
// read keeps what was known.
func (a *App) recheckLog(ctx context.Context, st domain.Settings, sf domain.Safety) (domain.Safety, error) {
	exposed, err := a.Perms.LogExposure(ctx, st.GuildID, st.LogChannelID, st.ModeratorRoleID)
	if err != nil {
		a.Log.Warn("checking the log channel is private failed", "err", err)
		return sf, nil
	}
	if err := a.Groups.LogChannelChecked(ctx, st, exposed); err != nil {
		return sf, err
	}
	return a.Store.Safety(ctx, st.GuildID)
}

// crisisRefusal words Discord's refusals of the crisis-alert rule.
func crisisRefusal(p *messages.Printer, err error) (Response, bool) {
	switch {
	case errors.Is(err, groups.ErrRulesFull):
		return Reply(p.CrisisRulesFull()), true
	case errors.Is(err, groups.ErrNoManageServer):
		return Reply(p.CrisisNoPermission()), true
	}
	return Response{}, false
}

// suggestManaged offers the groups the caller may manage: all live groups to
// a moderator, the groups they facilitate to a facilitator, none to others.
func (a *App) suggestManaged(ctx context.Context, in *Interaction) (Response, error) {
	mod, err := a.isModerator(ctx, in)
	if err != nil {
		return Response{}, err
	}
	if mod {
		return a.suggest(ctx, in, domain.AnyGroup)
	}
	return a.suggest(ctx, in, domain.Facilitated)
}
