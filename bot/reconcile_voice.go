package bot

import (
	"context"
	"errors"

	"github.com/bwmarrin/discordgo"

	"hearth/domain"
)

// reconcileVoice repairs a live group's voice channel, under the group's
// lock: made anew when it was deleted; every member, the facilitator and
// the moderator role able to view, connect and speak; the member
// overwrites Hearth grants (exactly those bits) of anyone else removed,
// so that a former member cannot connect; a former moderator role's
// access removed. Overwrites with other bits, made by hand, are left.
func (b *Bot) reconcileVoice(ctx context.Context, g domain.Group, gs *guildState, members []string) error {
	if !g.HasVoice() {
		return nil
	}
	ch := gs.channels[g.VoiceChannelID]
	if ch == nil {
		id, err := b.groups.RemakeVoiceChannel(ctx, g)
		if err != nil {
			return err
		}
		b.log.Warn("group voice channel was missing; made a new one", "group", g.ID, "channel", id)
		return nil // made with every member's access
	}
	current := map[string]*discordgo.PermissionOverwrite{}
	for _, ow := range ch.PermissionOverwrites {
		current[ow.ID] = ow
	}
	allowed := map[string]bool{b.userID(): true}
	var errs []error
	want := append([]string(nil), members...)
	if g.FacilitatorID != "" {
		want = append(want, g.FacilitatorID)
	}
	for _, id := range want {
		allowed[id] = true
		if ow := current[id]; ow != nil && ow.Allow == voiceAllow && ow.Deny == 0 {
			continue
		}
		err := b.AllowVoiceMember(ctx, ch.ID, id)
		if isUnknownUser(err) {
			continue // left the server: the text channel's repair ends their membership
		}
		if err == nil {
			b.log.Info("restored a voice overwrite", "group", g.ID)
		}
		errs = append(errs, err)
	}
	for id, ow := range current {
		hearths := ow.Allow == voiceAllow && ow.Deny == 0 || ow.Allow == voiceArchivedAllow && ow.Deny == voiceArchivedDeny
		if ow.Type != discordgo.PermissionOverwriteTypeMember || allowed[id] || !hearths {
			continue // one of the group's, or not one of Hearth's
		}
		if err := b.RemoveMember(ctx, ch.ID, id); err != nil {
			errs = append(errs, err)
			continue
		}
		b.log.Info("removed the voice overwrite of a former member", "group", g.ID)
	}
	mod := gs.settings.ModeratorRoleID
	for _, role := range gs.roleGrants {
		if role != mod && current[role] != nil {
			errs = append(errs, b.SetVoiceRoleAccess(ctx, ch.ID, role, false))
		}
	}
	if mod != "" && current[mod] == nil {
		errs = append(errs, b.SetVoiceRoleAccess(ctx, ch.ID, mod, true))
	}
	return errors.Join(errs...)
}
