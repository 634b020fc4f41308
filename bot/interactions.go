package bot

import (
	"bytes"
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
	w.mu.Lock()
	w.deferred = true
	w.mu.Unlock()
	return w.b.session.InteractionRespond(w.i, deferral(in), discordgo.WithContext(ctx))
}

func (w *gatewayResponder) Respond(ctx context.Context, in *commands.Interaction, resp commands.Response) error {
	w.mu.Lock()
	deferred := w.deferred
	w.mu.Unlock()
	if deferred {
		return w.b.editOriginal(ctx, w.i, resp)
	}
	return w.b.session.InteractionRespond(w.i, callback(in, resp), discordgo.WithContext(ctx))
}

// deferral acknowledges an interaction whose answer comes later: a
// loading reply for commands and modals, a silent one for buttons (whose
// answer may update their message).
func deferral(in *commands.Interaction) *discordgo.InteractionResponse {
	typ := discordgo.InteractionResponseDeferredChannelMessageWithSource
	if in.Type == commands.TypeComponent {
		typ = discordgo.InteractionResponseDeferredMessageUpdate
	}
	return &discordgo.InteractionResponse{
		Type: typ, Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}}
}

// editOriginal puts a deferred interaction's answer in its original
// response, through the interaction's webhook.
func (b *Bot) editOriginal(ctx context.Context, i *discordgo.Interaction, resp commands.Response) error {
	content := resp.Content
	components := buttons(resp.Buttons)
	embeds := notice(resp.Notice)
	_, err := b.session.InteractionResponseEdit(i, &discordgo.WebhookEdit{
		Content: &content, Components: &components, Embeds: &embeds, AllowedMentions: noMentions,
		Files: files(resp.Files),
	}, discordgo.WithContext(context.WithoutCancel(ctx)))
	return err
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
		Components: buttons(resp.Buttons), Embeds: notice(resp.Notice), Files: files(resp.Files)}}
}

// files are the reply's attachments, sent as multipart/form-data.
func files(fs []commands.File) []*discordgo.File {
	var out []*discordgo.File
	for _, f := range fs {
		out = append(out, &discordgo.File{Name: f.Name, ContentType: f.ContentType, Reader: bytes.NewReader(f.Data)})
	}
	return out
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
	cache := b.guildCacheFor(in.GuildID)
	if perms, ok := cache.permissions(in.GuildID, in.UserID, in.RoleIDs); ok {
		return perms, nil
	}
	roles, err := b.session.GuildRoles(in.GuildID, discordgo.WithContext(ctx))
	if err != nil {
		b.log.Warn("reading the server's roles failed; treating the caller as having no permissions", "err", err)
		return 0, nil
	}
	cache.setRoles(in.GuildID, roles)
	perms, _ := cache.permissions(in.GuildID, in.UserID, in.RoleIDs)
	return perms, nil
}

// guildCacheFor is the cache that knows a server's roles: the bot's, kept
// fresh by the gateway, for its own shard's servers; an empty one for
// another shard's (a direct message, or an HTTP interaction, about a
// server whose role changes never reach this process), which is read
// over REST each time instead of going stale.
func (b *Bot) guildCacheFor(guildID string) *guildCache {
	if b.Serves(guildID) {
		return &b.guilds
	}
	return &guildCache{}
}
