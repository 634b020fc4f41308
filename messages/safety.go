package messages

import "hearth/domain"

// Role mentions a role. Posts and replies carry no allowed mentions, so
// this never pings.
func Role(id string) string { return "<@&" + id + ">" }

// Log-channel notes about a group channel's access; they name no member.
func (p *Printer) NoteAccessRemoved(group string) string {
	return p.group("note_access_removed", group)
}
func (p *Printer) NoteAccessEveryone(group string) string {
	return p.group("note_access_everyone", group)
}
func (p *Printer) NoteAccessRole(group, roleID string) string {
	return p.fill("note_access_role", args{"Group": Name(group), "Role": Role(roleID)})
}
func (p *Printer) NoteLogPrivateAgain() string  { return p.text("note_log_private_again") }
func (p *Printer) NoteCrisisRuleRemade() string { return p.text("note_crisis_rule_remade") }

// LogExposed is /setup's line on a log channel others can read: why, and
// what to do. "" when it is private.
func (p *Printer) LogExposed(channelID string, e domain.Exposure) string {
	a := args{"Channel": Channel(channelID)}
	if role, ok := e.Role(); ok {
		a["Role"] = Role(role)
		return p.fill("log_exposed_role", a)
	}
	switch e {
	case "":
		return ""
	case domain.ExposedMember:
		return p.fill("log_exposed_member", a)
	}
	return p.fill("log_exposed_everyone", a)
}

// SettingsCrisis is /setup's line on crisis alerts.
func (p *Printer) SettingsCrisis(sf domain.Safety, logChannelID string) string {
	switch {
	case !sf.CrisisAlerts:
		return p.text("settings_crisis_off")
	case logChannelID == "":
		return p.text("settings_crisis_no_log")
	case sf.LogExposure != "":
		return p.text("settings_crisis_paused")
	}
	return p.count("settings_crisis_on", len(sf.CrisisPhrases()), nil)
}

func (p *Printer) CrisisNeedsLog() string      { return p.text("crisis_needs_log") }
func (p *Printer) CrisisRulesFull() string     { return p.text("crisis_rules_full") }
func (p *Printer) CrisisNoPermission() string  { return p.text("crisis_no_permission") }
func (p *Printer) CrisisModalTitle() string    { return p.text("crisis_modal_title") }
func (p *Printer) CrisisModalLabel() string    { return p.text("crisis_modal_label") }
func (p *Printer) CrisisWordsInactive() string { return p.text("crisis_words_inactive") }

// CrisisWordsSaved confirms the server's own phrases, or Hearth's again
// (own false).
func (p *Printer) CrisisWordsSaved(n int, own bool) string {
	if !own {
		return p.count("crisis_words_default", n, nil)
	}
	return p.count("crisis_words_saved", n, nil)
}

// CrisisRuleName names Hearth's AutoMod rule in the server's AutoMod list.
func (p *Printer) CrisisRuleName() string { return p.text("crisis_rule_name") }
