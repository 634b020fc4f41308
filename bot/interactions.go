package bot

import (
	"context"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"hearth/commands"
)

// handlerTimeout bounds one handler, well inside the 15 minutes an
// interaction token lives.
const handlerTimeout = 2 * time.Minute

// noMentions keeps every reply from pinging anyone, even when it names people.
var noMentions = &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}

// onInteraction decodes an interaction from the gateway and has the router
// answer it through a gatewayResponder. Deferral is the router's
// middleware; this only carries the answer.
func (b *Bot) onInteraction(s *discordgo.Session, ic *discordgo.InteractionCreate) {
	if ic == nil || ic.Interaction == nil || !b.enter() {
		return
	}
	defer b.wg.Done()
	in, ok := commands.Decode(ic.Interaction)
	if !ok {
		return // a ping, or a kind Hearth does not know
	}
	ctx, cancel := context.WithTimeout(b.ctx, handlerTimeout)
	defer cancel()
	w := &gatewayResponder{b: b, i: ic.Interaction}
	if err := b.router.Serve(ctx, in, w); err != nil {
		b.log.Error("reply failed", "route", in.Route(), "err", err)
	}
}

// gatewayResponder answers one interaction with Discord's REST callbacks:
// the interaction callback, or, once deferred, an edit of the original.
type gatewayResponder struct {
	b        *Bot
	i        *discordgo.Interaction
	mu       sync.Mutex
	deferred bool
}

func (w *gatewayResponder) Defer(ctx context.Context, in *commands.Interaction) error {
	typ := discordgo.InteractionResponseDeferredChannelMessageWithSource
	if in.Type == commands.TypeComponent {
		typ = discordgo.InteractionResponseDeferredMessageUpdate
	}
	w.mu.Lock()
	w.deferred = true
	w.mu.Unlock()
	return w.b.session.InteractionRespond(w.i, &discordgo.InteractionResponse{
		Type: typ, Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral},
	}, discordgo.WithContext(ctx))
}

func (w *gatewayResponder) Respond(ctx context.Context, in *commands.Interaction, resp commands.Response) error {
	w.mu.Lock()
	deferred := w.deferred
	w.mu.Unlock()
	if deferred {
		content := resp.Content
		components := buttons(resp.Buttons)
		embeds := notice(resp.Notice)
		_, err := w.b.session.InteractionResponseEdit(w.i, &discordgo.WebhookEdit{
			Content: &content, Components: &components, Embeds: &embeds, AllowedMentions: noMentions,
		}, discordgo.WithContext(context.WithoutCancel(ctx)))
		return err
	}
	return w.b.session.InteractionRespond(w.i, callback(in, resp), discordgo.WithContext(ctx))
}

// callback is the interaction response that carries resp.
func callback(in *commands.Interaction, resp commands.Response) *discordgo.InteractionResponse {
	switch {
	case in.Type == commands.TypeAutocomplete:
		choices := make([]*discordgo.ApplicationCommandOptionChoice, 0, len(resp.Choices))
		for _, c := range resp.Choices {
			choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: c.Name, Value: c.Value})
		}
		return &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: choices}}
	case resp.Modal != nil:
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: modal(resp.Modal)}
	}
	typ, flags := discordgo.InteractionResponseChannelMessageWithSource, discordgo.MessageFlagsEphemeral
	if resp.Update && in.Type == commands.TypeComponent {
		// An update keeps the message as it is, ephemeral or not (a talking
		// round's post is for the whole channel).
		typ, flags = discordgo.InteractionResponseUpdateMessage, 0
	}
	return &discordgo.InteractionResponse{Type: typ, Data: &discordgo.InteractionResponseData{
		Content: resp.Content, Flags: flags, AllowedMentions: noMentions,
		Components: buttons(resp.Buttons), Embeds: notice(resp.Notice)}}
}

// notice shows a longer text (a group's guidelines) as an embed, whose
// description holds 4,096 characters where a message holds 2,000.
func notice(text string) []*discordgo.MessageEmbed {
	if text == "" {
		return []*discordgo.MessageEmbed{}
	}
	return []*discordgo.MessageEmbed{{Description: text}}
}

// buttons lays out buttons in rows of five, Discord's limit.
func buttons(bs []commands.Button) []discordgo.MessageComponent {
	rows := []discordgo.MessageComponent{}
	for len(bs) > 0 {
		n := min(len(bs), 5)
		row := discordgo.ActionsRow{}
		for _, b := range bs[:n] {
			row.Components = append(row.Components, discordgo.Button{CustomID: b.CustomID, Label: b.Label,
				Style: discordgo.ButtonStyle(b.Style)})
		}
		rows = append(rows, row)
		bs = bs[n:]
	}
	return rows
}

func modal(m *commands.Modal) *discordgo.InteractionResponseData {
	d := &discordgo.InteractionResponseData{CustomID: m.CustomID, Title: m.Title}
	for _, in := range m.Inputs {
		style := discordgo.TextInputShort
		if in.Paragraph {
			style = discordgo.TextInputParagraph
		}
		d.Components = append(d.Components, discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.TextInput{CustomID: in.CustomID, Label: in.Label, Style: style, Required: in.Required,
				MaxLength: in.MaxLength, Value: in.Value}}})
	}
	return d
}

// ServerPermissions is the caller's server-wide permissions. Moderator
// checks use them, not the interaction's, which include the overwrites of
// the channel the command was typed in (where a temporary-channel bot may
// have given Manage Channels). Roles not known from the gateway yet are
// read over REST; if they still cannot be known, the answer is no
// permissions, so that only the moderator role counts: it fails closed.
func (b *Bot) ServerPermissions(ctx context.Context, in *commands.Interaction) (int64, error) {
	if perms, ok := b.guilds.permissions(in.GuildID, in.UserID, in.RoleIDs); ok {
		return perms, nil
	}
	roles, err := b.session.GuildRoles(in.GuildID, discordgo.WithContext(ctx))
	if err != nil {
		b.log.Warn("reading the server's roles failed; treating the caller as having no permissions", "err", err)
		return 0, nil
	}
	b.guilds.setRoles(in.GuildID, roles)
	perms, _ := b.guilds.permissions(in.GuildID, in.UserID, in.RoleIDs)
	return perms, nil
}

// ReadableByOthers reports whether anyone but the moderator role,
// administrators and the bot can read a channel, by Discord's rules for
// permission overwrites: @everyone can unless its overwrite denies View
// Channel (or, without one, its role lacks it), and a role overwrite that
// allows View Channel lets that role's members read. It reads the channel
// and, when not known from the gateway, the server's roles.
func (b *Bot) ReadableByOthers(ctx context.Context, guildID, channelID, moderatorRoleID string) (bool, error) {
	var ch *discordgo.Channel
	err := b.retry(ctx, true, func(opts ...discordgo.RequestOption) (err error) {
		ch, err = b.session.Channel(channelID, opts...)
		return err
	})
	if err != nil {
		return false, err
	}
	roles, ok := b.guilds.rolePermissions(guildID)
	if !ok {
		list, err := b.session.GuildRoles(guildID, discordgo.WithContext(ctx))
		if err != nil {
			return false, err
		}
		b.guilds.setRoles(guildID, list)
		roles, _ = b.guilds.rolePermissions(guildID)
	}
	// Discord's order: the roles' permissions, then @everyone's overwrite,
	// then the roles' overwrites, then the members'.
	const view = discordgo.PermissionViewChannel
	everyoneDenied, roleAllows, roleDenies := false, map[string]bool{}, map[string]bool{}
	for _, ow := range ch.PermissionOverwrites {
		switch {
		case ow.Type == discordgo.PermissionOverwriteTypeMember:
			if ow.Allow&view != 0 && ow.ID != b.userID() {
				return true, nil // someone given access by name
			}
		case ow.ID == guildID:
			if ow.Deny&view != 0 {
				everyoneDenied = true
			} else if ow.Allow&view != 0 {
				return true, nil
			}
		default:
			roleAllows[ow.ID], roleDenies[ow.ID] = ow.Allow&view != 0, ow.Deny&view != 0
		}
	}
	for id, perms := range roles {
		if id == moderatorRoleID || perms&discordgo.PermissionAdministrator != 0 {
			continue
		}
		if id == guildID {
			if perms&view != 0 && !everyoneDenied {
				return true, nil // everyone
			}
			continue
		}
		if roleAllows[id] || (perms&view != 0 && !everyoneDenied && !roleDenies[id]) {
			return true, nil // a role other than the moderators'
		}
	}
	for id := range roleAllows {
		if _, known := roles[id]; !known && roleAllows[id] && id != moderatorRoleID {
			return true, nil // a role not known yet: assume the worst
		}
	}
	return false, nil
}
