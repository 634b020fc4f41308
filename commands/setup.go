package commands

import (
	"context"

	"hearth/domain"
	"hearth/messages"
)

// setup answers /setup: it changes the options given and shows the result.
// The router lets only Manage Server (or Administrator) through.
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
	o := in.Options
	oldRole := st.ModeratorRoleID
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
		public, err := a.Perms.ReadableByOthers(ctx, in.GuildID, o.String("log_channel"), st.ModeratorRoleID)
		if err != nil {
			return Response{}, err
		}
		if public {
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
	if len(o) > 0 && !(len(o) == 1 && o.Has("support")) {
		if err := a.Store.SaveSettings(ctx, st); err != nil {
			return Response{}, err
		}
	}
	failed := 0
	if oldRole != st.ModeratorRoleID || o.Has("moderator_role") {
		failed = a.Groups.MoveModeratorRole(ctx, in.GuildID, oldRole, st.ModeratorRoleID)
	}
	tz, tzDefault := st.Timezone, st.Timezone == ""
	if tzDefault {
		tz = a.DefaultTimezone
	}
	if open, _ := o["support"].(bool); open {
		// The form opens at once; the other options given were saved.
		return a.supportForm(in, st), nil
	}
	reply := p.Settings(len(o) > 0, st.ModeratorRoleID, st.CategoryID, st.LogChannelID, tz, tzDefault)
	reply += "\n" + p.SettingsLanguage(messages.ForServer(st).LanguageName(), st.Language == "")
	reply += "\n" + p.SettingsDiscreet(st.Discreet)
	reply += "\n" + p.SettingsVoicePermissions()
	if failed > 0 {
		reply += "\n" + p.ModRoleNotMoved(failed)
	}
	return Reply(reply), nil
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
