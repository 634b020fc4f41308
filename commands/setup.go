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
	default:
		return Reply(messages.ResetInvalid)
	}
	if o.Has("moderator_role") {
		if o.String("moderator_role") == in.GuildID {
			return Reply(messages.ModRoleEveryone)
		}
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
	failed := 0
	if oldRole != st.ModeratorRoleID || o.Has("moderator_role") {
		failed = a.moveModeratorAccess(ctx, in.GuildID, oldRole, st.ModeratorRoleID)
	}
	tz := st.Timezone
	if tz == "" {
		tz = a.DefaultTimezone + " (default)"
	}
	reply := messages.Settings(len(o) > 0, st.ModeratorRoleID, st.CategoryID, st.LogChannelID, tz)
	if failed > 0 {
		reply += "\n" + messages.ModRoleNotMoved(failed)
	}
	return Reply(reply)
}

// moveModeratorAccess gives the moderator role access to every live
// group's channel and takes it from the role it replaces, so that people who
// no longer moderate stop seeing the groups. It is idempotent: running
// /setup again with the same role finishes what failed. It returns how many
// channels could not be updated.
func (a *App) moveModeratorAccess(ctx context.Context, guildID, oldRole, newRole string) int {
	groups, err := a.Store.Groups(ctx, guildID)
	if err == nil && !a.DeleteOnArchive {
		// Read-only archives keep their history: it moves too.
		var archived []store.Group
		archived, err = a.Store.ArchivedGroups(ctx, guildID)
		groups = append(groups, archived...)
	}
	if err != nil {
		a.Log.Error("listing groups for the moderator role failed", "guild", guildID, "err", err)
		return 1
	}
	failed := 0
	for _, g := range groups {
		if g.ChannelID == "" {
			continue
		}
		var err error
		if newRole != "" {
			err = a.Discord.SetRoleAccess(ctx, g.ChannelID, newRole, true)
		}
		if err == nil && oldRole != "" && oldRole != newRole {
			err = a.Discord.SetRoleAccess(ctx, g.ChannelID, oldRole, false)
		}
		if err != nil {
			a.Log.Warn("moving moderator access failed", "group", g.ID, "err", err)
			failed++
		}
	}
	return failed
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
