package commands

import (
	"github.com/bwmarrin/discordgo"

	"hearth/domain"
	"hearth/messages"
)

// Definitions returns every Hearth command, for one bulk overwrite. Global
// commands are limited to servers with contexts; guild commands may not
// carry contexts.
//
// Command and option names stay English in every language: people type
// them, the tests and the documentation name them, and handlers route on
// them. Descriptions and choice names come from the message catalogue,
// with a translation for every Discord locale a catalogue serves.
func Definitions(global bool) []*discordgo.ApplicationCommand {
	manageChannels, manageGuild := PermManageChannels, PermManageGuild
	option := func(t discordgo.ApplicationCommandOptionType, name, id string) *discordgo.ApplicationCommandOption {
		text, loc := describe(id)
		return &discordgo.ApplicationCommandOption{Type: t, Name: name, Description: text, DescriptionLocalizations: loc}
	}
	groupOpt := func(id string) *discordgo.ApplicationCommandOption {
		o := option(discordgo.ApplicationCommandOptionString, "group", id)
		o.Required, o.Autocomplete, o.MaxLength = true, true, domain.MaxNameLen
		return o
	}
	str := func(name, id string, required bool, maxLen int) *discordgo.ApplicationCommandOption {
		o := option(discordgo.ApplicationCommandOptionString, name, id)
		o.Required, o.MaxLength = required, maxLen
		return o
	}
	intOpt := func(name, id string, lo, hi float64) *discordgo.ApplicationCommandOption {
		o := option(discordgo.ApplicationCommandOptionInteger, name, id)
		o.MinValue, o.MaxValue = &lo, hi
		return o
	}
	sub := func(name, id string, opts ...*discordgo.ApplicationCommandOption) *discordgo.ApplicationCommandOption {
		o := option(discordgo.ApplicationCommandOptionSubCommand, name, id)
		o.Options = opts
		return o
	}
	choice := func(value, id string) *discordgo.ApplicationCommandOptionChoice {
		text, loc := describe(id)
		return &discordgo.ApplicationCommandOptionChoice{Name: text, NameLocalizations: loc, Value: value}
	}
	command := func(name, id string, opts ...*discordgo.ApplicationCommandOption) *discordgo.ApplicationCommand {
		text, loc := describe(id)
		return &discordgo.ApplicationCommand{Name: name, Description: text, DescriptionLocalizations: &loc, Options: opts}
	}
	reminder := str("reminder", "reminder", false, 100)
	timezone := str("timezone", "timezone", false, 64)

	kind := option(discordgo.ApplicationCommandOptionString, "type", "group_create_type")
	kind.Required = true
	kind.Choices = []*discordgo.ApplicationCommandOptionChoice{
		choice("open", "choice_open"), choice("closed", "choice_closed")}
	facilitator := option(discordgo.ApplicationCommandOptionUser, "facilitator", "group_create_facilitator")
	user := option(discordgo.ApplicationCommandOptionUser, "user", "group_remove_user")
	user.Required = true

	group := command("group", "group",
		sub("create", "group_create",
			str("name", "group_create_name", true, domain.MaxNameLen),
			kind,
			intOpt("capacity", "group_create_capacity", 1, domain.MaxCapacity),
			str("start", "group_create_start", false, 40),
			intOpt("sessions", "group_create_sessions", 1, domain.MaxSessions),
			str("schedule", "schedule", false, 100),
			timezone, reminder,
			str("description", "group_create_description", false, domain.MaxDescriptionLen),
			facilitator,
			option(discordgo.ApplicationCommandOptionBoolean, "voice", "group_create_voice")),
		sub("start", "group_start", groupOpt("group_start_group")),
		sub("schedule", "group_schedule", groupOpt("group_option"),
			str("schedule", "schedule", true, 100),
			timezone, reminder,
			intOpt("duration", "group_schedule_duration", 1, domain.MaxDurationMinutes)),
		sub("info", "group_info", groupOpt("group_option")),
		sub("members", "group_members", groupOpt("group_option")),
		sub("remove", "group_remove", groupOpt("group_option"), user),
		sub("archive", "group_archive", groupOpt("group_archive_group")),
		sub("guidelines", "group_guidelines", groupOpt("group_guidelines_group")),
		sub("waitlist", "group_waitlist", groupOpt("group_waitlist_group")),
		sub("next", "group_next", groupOpt("group_next_group"),
			str("name", "group_next_name", true, domain.MaxNameLen), str("start", "group_next_start", false, 40)),
		sub("edit", "group_edit", groupOpt("group_edit_group"),
			str("name", "group_edit_name", false, domain.MaxNameLen),
			str("description", "group_edit_description", false, domain.MaxDescriptionLen),
			intOpt("capacity", "group_edit_capacity", 1, domain.MaxCapacity),
			option(discordgo.ApplicationCommandOptionUser, "facilitator", "group_edit_facilitator"),
			option(discordgo.ApplicationCommandOptionBoolean, "voice", "group_edit_voice")),
		sub("attendance", "group_attendance", groupOpt("group_attendance_group")),
		sub("round", "group_round", groupOpt("group_round_group"),
			option(discordgo.ApplicationCommandOptionUser, "add", "group_round_add")),
	)
	group.DefaultMemberPermissions = &manageChannels

	category := option(discordgo.ApplicationCommandOptionChannel, "category", "setup_category")
	category.ChannelTypes = []discordgo.ChannelType{discordgo.ChannelTypeGuildCategory}
	logChannel := option(discordgo.ApplicationCommandOptionChannel, "log_channel", "setup_log_channel")
	logChannel.ChannelTypes = []discordgo.ChannelType{discordgo.ChannelTypeGuildText}
	reset := option(discordgo.ApplicationCommandOptionString, "reset", "setup_reset")
	reset.Choices = []*discordgo.ApplicationCommandOptionChoice{
		choice("moderator_role", "choice_moderator_role"), choice("category", "choice_category"),
		choice("log_channel", "choice_log_channel"), choice("timezone", "choice_timezone"),
		choice("language", "choice_language")}
	// One choice per catalogue language, named in itself: a new catalogue
	// file adds its choice.
	language := option(discordgo.ApplicationCommandOptionString, "language", "setup_language")
	for _, l := range messages.Langs() {
		language.Choices = append(language.Choices, &discordgo.ApplicationCommandOptionChoice{
			Name: messages.For(l).LanguageName(), Value: string(l)})
	}
	setup := command("setup", "setup",
		option(discordgo.ApplicationCommandOptionRole, "moderator_role", "setup_moderator_role"),
		category, logChannel, timezone, language, reset,
		option(discordgo.ApplicationCommandOptionBoolean, "support", "setup_support"),
		option(discordgo.ApplicationCommandOptionBoolean, "discreet", "setup_discreet"),
		option(discordgo.ApplicationCommandOptionBoolean, "crisis_alerts", "setup_crisis_alerts"),
		option(discordgo.ApplicationCommandOptionBoolean, "crisis_words", "setup_crisis_words"))
	setup.DefaultMemberPermissions = &manageGuild

	mode := option(discordgo.ApplicationCommandOptionString, "mode", "reminders_mode")
	mode.Required = true
	mode.Choices = []*discordgo.ApplicationCommandOptionChoice{choice("channel", "choice_remind_channel"),
		choice("dm", "choice_remind_dm"), choice("off", "choice_remind_off")}
	ownGroup := option(discordgo.ApplicationCommandOptionString, "group", "reminders_group")
	ownGroup.Autocomplete, ownGroup.MaxLength = true, domain.MaxNameLen

	cmds := []*discordgo.ApplicationCommand{
		command("groups", "groups"),
		command("join", "join", groupOpt("join_group")),
		command("leave", "leave", groupOpt("leave_group")),
		group,
		setup,
		command("support", "support"),
		command("mydata", "mydata"),
		command("forget", "forget"),
		command("reminders", "reminders", mode, ownGroup),
	}
	if global {
		// Applications made since mid-2024 default to guild and user
		// installs, everywhere: Hearth's commands are for servers that
		// installed it, used in those servers. (Discord takes both fields
		// on global commands only.)
		guildOnly := []discordgo.InteractionContextType{discordgo.InteractionContextGuild}
		guildInstall := []discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall}
		// /support is for a person in crisis wherever they reach Hearth:
		// in a server, and in a direct message with it.
		guildOrDM := []discordgo.InteractionContextType{discordgo.InteractionContextGuild, discordgo.InteractionContextBotDM}
		for _, c := range cmds {
			c.Contexts, c.IntegrationTypes = &guildOnly, &guildInstall
			if c.Name == "support" {
				c.Contexts = &guildOrDM
			}
		}
	}
	return cmds
}

// describe is a catalogue entry's English text and its translations, keyed
// as Discord keys localizations.
func describe(id string) (string, map[discordgo.Locale]string) {
	text, byCode := messages.Describe(id)
	loc := make(map[discordgo.Locale]string, len(byCode))
	for code, s := range byCode {
		loc[discordgo.Locale(code)] = s
	}
	return text, loc
}
