package commands

import "github.com/bwmarrin/discordgo"

// Definitions returns every Hearth command, for one bulk overwrite. Global
// commands are limited to servers with contexts; guild commands may not
// carry contexts.
func Definitions(global bool) []*discordgo.ApplicationCommand {
	manageChannels, manageGuild := PermManageChannels, PermManageGuild
	groupOpt := func(desc string) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "group",
			Description: desc, Required: true, Autocomplete: true, MaxLength: maxNameLen}
	}
	str := func(name, desc string, required bool, maxLen int) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: name,
			Description: desc, Required: required, MaxLength: maxLen}
	}
	intOpt := func(name, desc string, lo, hi float64) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionInteger, Name: name,
			Description: desc, MinValue: &lo, MaxValue: hi}
	}
	sub := func(name, desc string, opts ...*discordgo.ApplicationCommandOption) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommand, Name: name,
			Description: desc, Options: opts}
	}
	reminder := str("reminder", "Lead times before each session, such as 24h,30m (default 30m)", false, 100)
	timezone := str("timezone", "IANA time zone such as Europe/Madrid (default: the server's)", false, 64)
	cmds := []*discordgo.ApplicationCommand{
		{Name: "groups", Description: "See the support groups in this server and which ones you're in"},
		{Name: "join", Description: "Join a support group", Options: []*discordgo.ApplicationCommandOption{
			groupOpt("The group to join")}},
		{Name: "leave", Description: "Leave one of your support groups", Options: []*discordgo.ApplicationCommandOption{
			groupOpt("The group to leave")}},
		{Name: "group", Description: "Create and manage support groups", DefaultMemberPermissions: &manageChannels,
			Options: []*discordgo.ApplicationCommandOption{
				sub("create", "Create a support group and its private channel",
					str("name", "The group's name", true, maxNameLen),
					&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "type",
						Description: "Open: join any time. Closed: a cohort that locks when it starts", Required: true,
						Choices: []*discordgo.ApplicationCommandOptionChoice{
							{Name: "open", Value: "open"}, {Name: "closed", Value: "closed"}}},
					intOpt("capacity", "Most members at once (1-1000; default no limit)", 1, maxCapacity),
					str("start", "Closed groups: start time, YYYY-MM-DD HH:MM in the group's time zone", false, 40),
					intOpt("sessions", "Closed groups: how many sessions the cohort commits to (1-520)", 1, maxSessions),
					str("schedule", "Session times as cron, such as 0 18 * * MON (Mondays 18:00)", false, 100),
					timezone, reminder,
					str("description", "What the group is about", false, maxDescriptionLen),
					&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionUser, Name: "facilitator",
						Description: "The person who facilitates this group"}),
				sub("start", "Start a closed group now; nobody new can join after this", groupOpt("The group to start")),
				sub("schedule", "Set or replace a group's session schedule", groupOpt("The group"),
					str("schedule", "Session times as cron, such as 0 18 * * MON (Mondays 18:00)", true, 100),
					timezone, reminder),
				sub("info", "A group's settings, state and next sessions", groupOpt("The group")),
				sub("members", "A group's members (moderators and its facilitator only)", groupOpt("The group")),
				sub("remove", "Remove a member from a group", groupOpt("The group"),
					&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionUser, Name: "user",
						Description: "The member to remove", Required: true}),
				sub("archive", "End a group: reminders stop and its channel is closed", groupOpt("The group to archive")),
			}},
		{Name: "setup", Description: "Hearth's settings for this server", DefaultMemberPermissions: &manageGuild,
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionRole, Name: "moderator_role",
					Description: "Members with this role can manage groups"},
				{Type: discordgo.ApplicationCommandOptionChannel, Name: "category",
					Description:  "Category for new group channels",
					ChannelTypes: []discordgo.ChannelType{discordgo.ChannelTypeGuildCategory}},
				{Type: discordgo.ApplicationCommandOptionChannel, Name: "log_channel",
					Description:  "Channel for notes on groups created, started and archived",
					ChannelTypes: []discordgo.ChannelType{discordgo.ChannelTypeGuildText}},
				timezone,
				&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: "reset",
					Description: "Clear one setting", Choices: []*discordgo.ApplicationCommandOptionChoice{
						{Name: "moderator role", Value: "moderator_role"}, {Name: "category", Value: "category"},
						{Name: "log channel", Value: "log_channel"}, {Name: "time zone", Value: "timezone"}}},
			}},
	}
	if global {
		guildOnly := []discordgo.InteractionContextType{discordgo.InteractionContextGuild}
		for _, c := range cmds {
			c.Contexts = &guildOnly
		}
	}
	return cmds
}
