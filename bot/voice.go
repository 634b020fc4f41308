package bot

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/bwmarrin/discordgo"

	"hearth/groups"
)

// Permission bits of the overwrites Hearth writes on a group's voice channel.
const (
	permConnect int64 = discordgo.PermissionVoiceConnect
	permSpeak   int64 = discordgo.PermissionVoiceSpeak

	// voiceAllow is what a member (and the facilitator and moderator
	// role) gets on a group's voice channel. Reconcile recognises Hearth's
	// member overwrites there by exactly these bits.
	voiceAllow = permView | permConnect | permSpeak
	// everyoneVoiceDeny keeps the channel hidden and closed to others.
	everyoneVoiceDeny = permView | permConnect
	// botVoiceAllow is what the bot needs: to see the channel (and so
	// manage its overwrites) and to connect, which Discord asks of whoever
	// makes an event on it.
	botVoiceAllow = permView | permConnect
	// voiceArchivedAllow and voiceArchivedDeny leave members a channel
	// they can see but no longer join.
	voiceArchivedAllow = permView
	voiceArchivedDeny  = permConnect | permSpeak
)

// CreateVoiceChannel makes a group's private voice channel, in the same
// category as its text channel.
func (b *Bot) CreateVoiceChannel(ctx context.Context, spec groups.ChannelSpec) (string, error) {
	data := discordgo.GuildChannelCreateData{
		Name: spec.Name, Type: discordgo.ChannelTypeGuildVoice, ParentID: spec.CategoryID,
		PermissionOverwrites: voiceOverwrites(spec, b.userID()),
	}
	return b.createChannel(ctx, spec.GuildID, data)
}

func voiceOverwrites(spec groups.ChannelSpec, botID string) []*discordgo.PermissionOverwrite {
	return privateOverwrites(spec, botID, everyoneVoiceDeny, botVoiceAllow, voiceAllow)
}

// AllowVoiceMember lets a member view, connect to and speak in a group's
// voice channel.
func (b *Bot) AllowVoiceMember(ctx context.Context, channelID, userID string) error {
	return b.setMemberOverwrite(ctx, channelID, userID, voiceAllow, 0)
}

// SetVoiceRoleAccess gives a role a member's access to a voice channel, or
// deletes its overwrite (one already gone is fine).
func (b *Bot) SetVoiceRoleAccess(ctx context.Context, channelID, roleID string, allow bool) error {
	return b.setRoleAccess(ctx, channelID, roleID, allow, voiceAllow)
}

// ArchiveVoiceChannel deletes a group's voice channel, or leaves it to its
// members to see but not join. What fails midway is put back, as for the
// text channel.
func (b *Bot) ArchiveVoiceChannel(ctx context.Context, channelID string, memberIDs []string, deleteChannel bool) error {
	if deleteChannel {
		return b.DeleteChannel(ctx, channelID)
	}
	for i, id := range memberIDs {
		err := b.setMemberOverwrite(ctx, channelID, id, voiceArchivedAllow, voiceArchivedDeny)
		if isUnknownUser(err) {
			continue
		}
		if err != nil {
			undo, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			defer cancel()
			for _, done := range memberIDs[:i] {
				if uerr := b.AllowVoiceMember(undo, channelID, done); uerr != nil {
					b.log.Error("restoring a voice overwrite failed", "channel", channelID, "err", uerr)
				}
			}
			return err
		}
	}
	return nil
}

// DeleteChannel deletes a channel; one already gone is fine.
func (b *Bot) DeleteChannel(ctx context.Context, channelID string) error {
	err := b.retry(ctx, true, func(opts ...discordgo.RequestOption) error {
		_, err := b.session.ChannelDelete(channelID, opts...)
		return err
	})
	if isNotFound(err) {
		return nil
	}
	return err
}

// RenameVoiceChannel sets a voice channel's name.
func (b *Bot) RenameVoiceChannel(ctx context.Context, channelID, name string) error {
	ctx, cancel := context.WithTimeout(ctx, renameTimeout)
	defer cancel()
	return b.retry(ctx, true, func(opts ...discordgo.RequestOption) error {
		_, err := b.session.ChannelEditComplex(channelID, &discordgo.ChannelEdit{Name: name}, opts...)
		return err
	})
}

// GuildEvents lists a server's scheduled events.
func (b *Bot) GuildEvents(ctx context.Context, guildID string) ([]groups.Event, error) {
	var list []*discordgo.GuildScheduledEvent
	err := b.retry(ctx, true, func(opts ...discordgo.RequestOption) (err error) {
		list, err = b.session.GuildScheduledEvents(guildID, false, opts...)
		return err
	})
	if err != nil {
		return nil, eventError(err)
	}
	out := make([]groups.Event, 0, len(list))
	for _, e := range list {
		ev := groups.Event{ID: e.ID, ChannelID: e.ChannelID, CreatorID: e.CreatorID, Name: e.Name,
			Description: e.Description, Start: e.ScheduledStartTime,
			Active: e.Status == discordgo.GuildScheduledEventStatusScheduled || e.Status == discordgo.GuildScheduledEventStatusActive}
		if e.ScheduledEndTime != nil {
			ev.End = *e.ScheduledEndTime
		}
		out = append(out, ev)
	}
	return out, nil
}

// eventParams is a session's event: on its voice channel, seen only by
// those who can view the channel. Never EXTERNAL (everyone would see it),
// and a single occurrence (Hearth's schedule stays the truth).
func eventParams(e groups.EventSpec) *discordgo.GuildScheduledEventParams {
	start, end := e.Start.UTC(), e.End.UTC()
	return &discordgo.GuildScheduledEventParams{
		ChannelID: e.ChannelID, Name: e.Name, Description: e.Description,
		ScheduledStartTime: &start, ScheduledEndTime: &end,
		PrivacyLevel: discordgo.GuildScheduledEventPrivacyLevelGuildOnly,
		EntityType:   discordgo.GuildScheduledEventEntityTypeVoice,
	}
}

// CreateEvent makes a session's scheduled event. Not retried after a
// timeout: a second event would be made; the next sync finds either.
func (b *Bot) CreateEvent(ctx context.Context, guildID string, e groups.EventSpec) (string, error) {
	var ev *discordgo.GuildScheduledEvent
	err := b.retry(ctx, false, func(opts ...discordgo.RequestOption) (err error) {
		ev, err = b.session.GuildScheduledEventCreate(guildID, eventParams(e), opts...)
		return err
	})
	if err != nil {
		return "", eventError(err)
	}
	return ev.ID, nil
}

// EditEvent moves a session's event to new times, name or channel.
func (b *Bot) EditEvent(ctx context.Context, guildID, eventID string, e groups.EventSpec) error {
	err := b.retry(ctx, true, func(opts ...discordgo.RequestOption) error {
		_, err := b.session.GuildScheduledEventEdit(guildID, eventID, eventParams(e), opts...)
		return err
	})
	return eventError(err)
}

// DeleteEvent removes an event; one already gone is fine.
func (b *Bot) DeleteEvent(ctx context.Context, guildID, eventID string) error {
	err := b.retry(ctx, true, func(opts ...discordgo.RequestOption) error {
		return b.session.GuildScheduledEventDelete(guildID, eventID, opts...)
	})
	if isNotFound(err) {
		return nil
	}
	return eventError(err)
}

// eventError marks Discord's refusal for lack of permission (Create Events,
// Manage Events, or View and Connect on the channel).
func eventError(err error) error {
	var rest *discordgo.RESTError
	if errors.As(err, &rest) && rest.Response != nil && rest.Response.StatusCode == http.StatusForbidden {
		return errors.Join(groups.ErrEventsForbidden, err)
	}
	return err
}
