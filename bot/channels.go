package bot

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/bwmarrin/discordgo"

	"hearth/groups"
	"hearth/scheduler"
)

// Permission bits of the overwrites Hearth writes.
const (
	permView    int64 = discordgo.PermissionViewChannel
	permSend    int64 = discordgo.PermissionSendMessages
	permHistory int64 = discordgo.PermissionReadMessageHistory

	// memberAllow is what joining a group grants on its channel. Reconcile
	// recognises Hearth's member overwrites by exactly these bits.
	memberAllow = permView | permSend | permHistory
	// archivedAllow and archivedDeny leave members a read-only channel.
	archivedAllow = permView | permHistory
	archivedDeny  = permSend
)

// CreateGroupChannel makes a group's private channel: @everyone denied View
// Channel; the bot, the moderator role and the facilitator allowed.
func (b *Bot) CreateGroupChannel(ctx context.Context, spec groups.ChannelSpec) (string, error) {
	data := discordgo.GuildChannelCreateData{
		Name: spec.Name, Type: discordgo.ChannelTypeGuildText, Topic: spec.Topic, ParentID: spec.CategoryID,
		PermissionOverwrites: groupOverwrites(spec, b.userID()),
	}
	return b.createChannel(ctx, spec.GuildID, data)
}

// createChannel makes a channel, once: a retried create could make two.
func (b *Bot) createChannel(ctx context.Context, guildID string, data discordgo.GuildChannelCreateData) (string, error) {
	var ch *discordgo.Channel
	err := b.retry(ctx, false, func(opts ...discordgo.RequestOption) (err error) {
		ch, err = b.session.GuildChannelCreateComplex(guildID, data, opts...)
		return err
	})
	if err != nil {
		return "", err
	}
	return ch.ID, nil
}

func groupOverwrites(spec groups.ChannelSpec, botID string) []*discordgo.PermissionOverwrite {
	return privateOverwrites(spec, botID, permView, memberAllow, memberAllow)
}

// privateOverwrites are a new group channel's: @everyone denied, the bot
// given botAllow, the moderator role and the facilitator a member's allow.
func privateOverwrites(spec groups.ChannelSpec, botID string, everyoneDeny, botAllow, allow int64) []*discordgo.PermissionOverwrite {
	ow := []*discordgo.PermissionOverwrite{
		{ID: spec.GuildID, Type: discordgo.PermissionOverwriteTypeRole, Deny: everyoneDeny},
		{ID: botID, Type: discordgo.PermissionOverwriteTypeMember, Allow: botAllow},
	}
	if spec.ModeratorRoleID != "" {
		ow = append(ow, &discordgo.PermissionOverwrite{ID: spec.ModeratorRoleID,
			Type: discordgo.PermissionOverwriteTypeRole, Allow: allow})
	}
	if spec.FacilitatorID != "" && spec.FacilitatorID != botID {
		ow = append(ow, &discordgo.PermissionOverwrite{ID: spec.FacilitatorID,
			Type: discordgo.PermissionOverwriteTypeMember, Allow: allow})
	}
	return ow
}

// AllowMember adds a member's overwrite to a group channel.
func (b *Bot) AllowMember(ctx context.Context, channelID, userID string) error {
	return b.setMemberOverwrite(ctx, channelID, userID, memberAllow, 0)
}

func (b *Bot) setMemberOverwrite(ctx context.Context, channelID, userID string, allow, deny int64) error {
	return b.retry(ctx, true, func(opts ...discordgo.RequestOption) error {
		return b.session.ChannelPermissionSet(channelID, userID, discordgo.PermissionOverwriteTypeMember, allow, deny, opts...)
	})
}

// RemoveMember deletes a member's overwrite; one already gone is fine
// (404: Unknown Channel, Unknown Overwrite). A channel Hearth can no longer
// see (403 Missing Access) is groups.ErrChannelLost: asking again cannot
// help.
func (b *Bot) RemoveMember(ctx context.Context, channelID, userID string) error {
	err := b.retry(ctx, true, func(opts ...discordgo.RequestOption) error {
		return b.session.ChannelPermissionDelete(channelID, userID, opts...)
	})
	switch {
	case isNotFound(err):
		return nil
	case isMissingAccess(err):
		return errors.Join(groups.ErrChannelLost, err)
	}
	return err
}

// codeMissingAccess is Discord's 403 for a channel the bot cannot see.
const codeMissingAccess = 50001

func isMissingAccess(err error) bool {
	var rest *discordgo.RESTError
	return errors.As(err, &rest) && rest.Response != nil && rest.Response.StatusCode == 403 &&
		rest.Message != nil && rest.Message.Code == codeMissingAccess
}

// SetRoleAccess allows a role the member bits on a channel, or deletes its
// overwrite (one already gone is fine).
func (b *Bot) SetRoleAccess(ctx context.Context, channelID, roleID string, allow bool) error {
	return b.setRoleAccess(ctx, channelID, roleID, allow, memberAllow)
}

// setRoleAccess allows a role bits on a channel, or deletes its overwrite.
func (b *Bot) setRoleAccess(ctx context.Context, channelID, roleID string, allow bool, bits int64) error {
	err := b.retry(ctx, true, func(opts ...discordgo.RequestOption) error {
		if allow {
			return b.session.ChannelPermissionSet(channelID, roleID, discordgo.PermissionOverwriteTypeRole, bits, 0, opts...)
		}
		return b.session.ChannelPermissionDelete(channelID, roleID, opts...)
	})
	if !allow && isNotFound(err) {
		return nil
	}
	return err
}

// ArchiveChannel deletes a group's channel, or leaves it to its members
// read-only. If a member's overwrite cannot be changed, the ones already
// changed are put back, so that a failed archive leaves the channel as it was.
func (b *Bot) ArchiveChannel(ctx context.Context, channelID string, memberIDs []string, deleteChannel bool) error {
	if deleteChannel {
		err := b.retry(ctx, true, func(opts ...discordgo.RequestOption) error {
			_, err := b.session.ChannelDelete(channelID, opts...)
			return err
		})
		if isNotFound(err) {
			return nil
		}
		return err
	}
	for i, id := range memberIDs {
		err := b.setMemberOverwrite(ctx, channelID, id, archivedAllow, archivedDeny)
		if isUnknownUser(err) {
			continue // they left the server; nothing to make read-only
		}
		if err != nil {
			// Bounded: this runs under the group's lock; what it cannot put
			// back, start-up reconciliation repairs.
			undo, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			defer cancel()
			for _, done := range memberIDs[:i] {
				if uerr := b.AllowMember(undo, channelID, done); uerr != nil {
					b.log.Error("restoring a member overwrite failed", "channel", channelID, "err", uerr)
				}
			}
			return err
		}
	}
	return nil
}

// outgoingMessage is a message with the nonce fields discordgo's MessageSend lacks.
type outgoingMessage struct {
	Content         string                            `json:"content"`
	AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions"`
	Components      []discordgo.MessageComponent      `json:"components,omitempty"`
	Nonce           string                            `json:"nonce,omitempty"`
	EnforceNonce    bool                              `json:"enforce_nonce,omitempty"`
}

// codeCannotDM is Discord's refusal of a direct message to someone who
// takes none from the bot.
const codeCannotDM = 50007

// SendDM sends a person a direct message with buttons, pinging nobody. A
// nonce makes Discord drop a repeat. It returns groups.ErrCannotDM when
// the person takes no direct messages from the bot.
func (b *Bot) SendDM(ctx context.Context, userID, content string, bs []groups.Button, nonce string) error {
	var ch *discordgo.Channel
	err := b.retry(ctx, true, func(opts ...discordgo.RequestOption) (err error) {
		ch, err = b.session.UserChannelCreate(userID, opts...)
		return err
	})
	if err != nil {
		return err
	}
	msg := outgoingMessage{Content: content, AllowedMentions: noMentions, Components: buttonRow(bs),
		Nonce: nonce, EnforceNonce: nonce != ""}
	endpoint := discordgo.EndpointChannelMessages(ch.ID)
	err = b.retry(ctx, nonce != "", func(opts ...discordgo.RequestOption) error {
		_, err := b.session.RequestWithBucketID("POST", endpoint, msg, endpoint, opts...)
		return err
	})
	var rest *discordgo.RESTError
	if errors.As(err, &rest) && rest.Message != nil && rest.Message.Code == codeCannotDM {
		return errors.Join(groups.ErrCannotDM, err)
	}
	return err
}

// SendMessage posts content in a channel, pinging exactly mentionIDs and no
// one else. A nonce makes Discord drop a repeat of the same message sent
// within a few minutes, so a retry after a lost answer is harmless.
func (b *Bot) SendMessage(ctx context.Context, channelID, content string, mentionIDs []string, nonce string) error {
	return b.SendWithButtons(ctx, channelID, content, mentionIDs, nil, nonce)
}

// SendWithButtons is SendMessage with buttons under the message.
func (b *Bot) SendWithButtons(ctx context.Context, channelID, content string, mentionIDs []string, bs []groups.Button, nonce string) error {
	msg := outgoingMessage{
		Content:         content,
		AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}, Users: mentionIDs},
		Components:      buttonRow(bs),
		Nonce:           nonce,
		EnforceNonce:    nonce != "",
	}
	endpoint := discordgo.EndpointChannelMessages(channelID)
	uncertain := false // some try may have created the message
	err := b.retry(ctx, nonce != "", func(opts ...discordgo.RequestOption) error {
		body, err := b.session.RequestWithBucketID("POST", endpoint, msg, endpoint, opts...)
		if err == nil {
			var m discordgo.Message
			err = json.Unmarshal(body, &m)
		}
		var ns notSent
		if err != nil && !isRefusal(err) && !errors.As(err, &ns) {
			uncertain = true
		}
		return err
	})
	var rl *discordgo.RateLimitError
	switch {
	case err != nil && uncertain:
		return errors.Join(scheduler.ErrOutcomeUnknown, err)
	case errors.As(err, new(notSent)):
		return errors.Join(scheduler.ErrNotSent, err) // only this try, and none before it, left
	case err != nil && !errors.As(err, &rl):
		return errors.Join(scheduler.ErrRefused, err) // a 4xx: asking again cannot help
	}
	return err
}

// isRefusal reports whether err is Discord refusing a request (a 4xx,
// rate limits included), after which nothing was done. A 5xx, a transport
// error or an unreadable answer leaves it unknown whether the request took
// effect.
func isRefusal(err error) bool {
	var rest *discordgo.RESTError
	if errors.As(err, &rest) && rest.Response != nil {
		return rest.Response.StatusCode < 500
	}
	var rl *discordgo.RateLimitError
	return errors.As(err, &rl)
}

// renameTimeout bounds a rename: Discord allows only two name or topic
// changes per channel in ten minutes, and a wait that long would hold the
// group's lock; the edit is refused instead, and can be tried again.
const renameTimeout = 30 * time.Second

// RenameChannel sets a group channel's name and topic. Setting them again
// to the same values changes nothing, so a timed-out try is retried.
func (b *Bot) RenameChannel(ctx context.Context, channelID, name, topic string) error {
	ctx, cancel := context.WithTimeout(ctx, renameTimeout)
	defer cancel()
	data := &discordgo.ChannelEdit{Name: name, Topic: topic}
	return b.retry(ctx, true, func(opts ...discordgo.RequestOption) error {
		_, err := b.session.ChannelEditComplex(channelID, data, opts...)
		return err
	})
}

// buttonRow lays out up to five buttons in one row; none, no row.
func buttonRow(bs []groups.Button) []discordgo.MessageComponent {
	if len(bs) == 0 {
		return nil
	}
	row := discordgo.ActionsRow{}
	for _, bt := range bs {
		style := discordgo.SecondaryButton
		if bt.Primary {
			style = discordgo.PrimaryButton
		}
		row.Components = append(row.Components, discordgo.Button{CustomID: bt.CustomID, Label: bt.Label, Style: style})
	}
	return []discordgo.MessageComponent{row}
}

// PostMessage posts content with buttons in a channel, pinging nobody,
// and returns the message's id. Not retried after a timeout: it has no
// nonce, and a second post would be worse than none.
func (b *Bot) PostMessage(ctx context.Context, channelID, content string, bs []groups.Button) (string, error) {
	msg := outgoingMessage{Content: content, AllowedMentions: noMentions, Components: buttonRow(bs)}
	endpoint := discordgo.EndpointChannelMessages(channelID)
	var m discordgo.Message
	err := b.retry(ctx, false, func(opts ...discordgo.RequestOption) error {
		body, err := b.session.RequestWithBucketID("POST", endpoint, msg, endpoint, opts...)
		if err == nil {
			err = json.Unmarshal(body, &m)
		}
		return err
	})
	return m.ID, err
}

// EditMessage replaces a message's content and buttons, pinging nobody.
// Setting the same again changes nothing, so it is retried.
func (b *Bot) EditMessage(ctx context.Context, channelID, messageID, content string, bs []groups.Button) error {
	components := buttonRow(bs)
	if components == nil {
		components = []discordgo.MessageComponent{}
	}
	edit := &discordgo.MessageEdit{ID: messageID, Channel: channelID, Content: &content, Components: &components,
		AllowedMentions: noMentions}
	return b.retry(ctx, true, func(opts ...discordgo.RequestOption) error {
		_, err := b.session.ChannelMessageEditComplex(edit, opts...)
		return err
	})
}
