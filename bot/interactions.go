package bot

import (
	"context"
	"time"

	"github.com/bwmarrin/discordgo"

	"hearth/commands"
	"hearth/messages"
)

// handlerTimeout bounds one handler, well inside the 15 minutes an
// interaction token lives.
const handlerTimeout = 2 * time.Minute

// noMentions keeps every reply from pinging anyone, even when it names people.
var noMentions = &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}

func (b *Bot) onInteraction(s *discordgo.Session, ic *discordgo.InteractionCreate) {
	if !b.enter() {
		return
	}
	defer b.wg.Done()
	in, ok := toInteraction(ic.Interaction)
	if !ok {
		// Hearth sends no buttons or modals; answer anything else kindly.
		b.respond(ic.Interaction, commands.Reply(messages.UnknownCmd), false)
		return
	}
	ctx, cancel := context.WithTimeout(b.ctx, handlerTimeout)
	defer cancel()
	if in.GuildID != "" {
		in.Permissions = b.serverPermissions(ctx, in)
	}
	done := make(chan commands.Response, 1)
	go func() { done <- b.router.Serve(ctx, in) }()

	timer := time.NewTimer(b.deferAfter)
	defer timer.Stop()
	select {
	case resp := <-done:
		b.respond(ic.Interaction, resp, in.Type == commands.TypeAutocomplete)
		return
	case <-timer.C:
	}
	if in.Type == commands.TypeAutocomplete {
		// Autocomplete cannot be deferred; a late answer would be refused.
		b.log.Warn("autocomplete too slow; not answered", "route", in.Route())
		return
	}
	err := b.session.InteractionRespond(ic.Interaction, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral},
	}, discordgo.WithContext(ctx))
	if err != nil {
		b.log.Error("deferring reply failed", "route", in.Route(), "err", err)
	}
	resp := <-done
	content := resp.Content
	_, err = b.session.InteractionResponseEdit(ic.Interaction, &discordgo.WebhookEdit{
		Content: &content, AllowedMentions: noMentions,
	}, discordgo.WithContext(context.WithoutCancel(ctx)))
	if err != nil {
		b.log.Error("sending deferred reply failed", "route", in.Route(), "err", err)
	}
}

// serverPermissions is the caller's server-wide permissions. Moderator checks
// use them, not the interaction's, which include the overwrites of the
// channel the command was typed in (where a temporary-channel bot may have
// given Manage Channels). Roles not known from the gateway yet are read
// over REST; if they still cannot be known, the answer is no permissions,
// so that only the moderator role counts: it fails closed.
func (b *Bot) serverPermissions(ctx context.Context, in *commands.Interaction) int64 {
	if perms, ok := b.guilds.permissions(in.GuildID, in.UserID, in.RoleIDs); ok {
		return perms
	}
	roles, err := b.session.GuildRoles(in.GuildID, discordgo.WithContext(ctx))
	if err != nil {
		b.log.Warn("reading the server's roles failed; treating the caller as having no permissions", "err", err)
		return 0
	}
	b.guilds.setRoles(in.GuildID, roles)
	perms, _ := b.guilds.permissions(in.GuildID, in.UserID, in.RoleIDs)
	return perms
}

// respond sends resp as the interaction's one callback.
func (b *Bot) respond(i *discordgo.Interaction, resp commands.Response, autocomplete bool) {
	r := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: resp.Content, Flags: discordgo.MessageFlagsEphemeral,
			AllowedMentions: noMentions}}
	if autocomplete {
		choices := make([]*discordgo.ApplicationCommandOptionChoice, 0, len(resp.Choices))
		for _, c := range resp.Choices {
			choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: c.Name, Value: c.Value})
		}
		r = &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: choices}}
	}
	if err := b.session.InteractionRespond(i, r); err != nil {
		b.log.Error("reply failed", "interaction", i.ID, "err", err)
	}
}

// toInteraction turns a command or autocomplete interaction into what the
// commands package reads; other kinds report false.
func toInteraction(i *discordgo.Interaction) (*commands.Interaction, bool) {
	in := &commands.Interaction{GuildID: i.GuildID, ChannelID: i.ChannelID, Options: commands.Options{}}
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		in.Type = commands.TypeCommand
	case discordgo.InteractionApplicationCommandAutocomplete:
		in.Type = commands.TypeAutocomplete
	default:
		return nil, false
	}
	switch {
	case i.Member != nil && i.Member.User != nil:
		in.UserID = i.Member.User.ID
		in.Permissions = i.Member.Permissions
		in.RoleIDs = i.Member.Roles
	case i.User != nil:
		in.UserID = i.User.ID
	}
	data := i.ApplicationCommandData()
	in.Command = data.Name
	opts := data.Options
	if len(opts) == 1 && (opts[0].Type == discordgo.ApplicationCommandOptionSubCommand ||
		opts[0].Type == discordgo.ApplicationCommandOptionSubCommandGroup) {
		in.Subcommand = opts[0].Name
		opts = opts[0].Options
	}
	for _, o := range opts {
		in.Options[o.Name] = o.Value
		if o.Focused {
			in.Focused = o.Name
		}
	}
	return in, true
}
