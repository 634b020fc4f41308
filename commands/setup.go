package commands

import (
	"context"

	"hearth/messages"
	"hearth/store"
)

// setup answers /setup: it changes the options given and shows the result.
// It needs Manage Server (or Administrator), checked here again.
func (a *App) setup(ctx context.Context, in *Interaction) Response {
	if in.Permissions&(PermManageGuild|PermAdministrator) == 0 {
		return Reply(messages.NeedManage)
	}
	st, err := a.Store.Settings(ctx, in.GuildID)
	if err != nil {
		return a.failed(in, err)
	}
	o := in.Options
	if o.Has("moderator_role") {
		st.ModeratorRoleID = o.String("moderator_role")
	}
	if o.Has("category") {
		st.CategoryID = o.String("category")
	}
	if o.Has("log_channel") {
		st.LogChannelID = o.String("log_channel")
	}
	if o.Has("timezone") {
		tz := o.String("timezone")
		if _, ok := loadTimezone(tz); !ok {
			return Reply(messages.TimezoneInvalid(tz))
		}
		st.Timezone = tz
	}
	if len(o) > 0 {
		if err := a.Store.SaveSettings(ctx, st); err != nil {
			return a.failed(in, err)
		}
	}
	tz := st.Timezone
	if tz == "" {
		tz = a.DefaultTimezone + " (default)"
	}
	return Reply(messages.Settings(len(o) > 0, st.ModeratorRoleID, st.CategoryID, st.LogChannelID, tz))
}

// suggestManaged offers the groups the caller may manage: all live groups to
// a moderator, the groups they facilitate to a facilitator, none to others.
func (a *App) suggestManaged(ctx context.Context, in *Interaction) Response {
	mod, err := a.isModerator(ctx, in)
	if err != nil {
		return a.failed(in, err)
	}
	if mod {
		return a.suggest(ctx, in, store.AnyGroup)
	}
	return a.suggest(ctx, in, store.Facilitated)
}
