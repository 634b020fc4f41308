package bot

import (
	"context"
	"errors"

	"github.com/bwmarrin/discordgo"

	"hearth/commands"
	"hearth/store"
)

// Reconcile makes every live group's channel match the database: a group
// whose channel is missing gets one, members without an overwrite get it,
// and member overwrites Hearth made for people who are no longer members are
// removed. Role overwrites, the bot's, the facilitator's and any overwrite
// Hearth did not write (other bits) are never touched.
func (b *Bot) Reconcile(ctx context.Context) error {
	groups, err := b.store.LiveGroups(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, g := range groups {
		if err := b.reconcileGroup(ctx, g); err != nil {
			b.log.Error("reconciling group failed", "group", g.ID, "err", err)
			errs = append(errs, err)
		}
	}
	b.log.Info("reconciled group channels", "groups", len(groups), "failed", len(errs))
	return errors.Join(errs...)
}

func (b *Bot) reconcileGroup(ctx context.Context, g store.Group) error {
	var ch *discordgo.Channel
	if g.ChannelID != "" {
		err := b.retry(ctx, true, func(opts ...discordgo.RequestOption) (err error) {
			ch, err = b.session.Channel(g.ChannelID, opts...)
			return err
		})
		if err != nil && !isNotFound(err) {
			return err
		}
	}
	if ch == nil {
		// Never made (a crash mid-create) or deleted by hand: make it anew.
		settings, err := b.store.Settings(ctx, g.GuildID)
		if err != nil {
			return err
		}
		id, err := b.CreateGroupChannel(ctx, commands.ChannelSpec{GuildID: g.GuildID,
			Name: commands.ChannelName(g.Name), CategoryID: settings.CategoryID,
			ModeratorRoleID: settings.ModeratorRoleID, FacilitatorID: g.FacilitatorID})
		if err != nil {
			return err
		}
		if err := b.store.SetGroupChannel(ctx, g.ID, id); err != nil {
			return err
		}
		b.log.Warn("group channel was missing; made a new one", "group", g.ID, "channel", id)
		ch = &discordgo.Channel{ID: id}
	}
	members, err := b.store.Members(ctx, g.ID)
	if err != nil {
		return err
	}
	want := make(map[string]bool, len(members))
	for _, id := range members {
		want[id] = true
	}
	have := map[string]bool{}
	for _, ow := range ch.PermissionOverwrites {
		if ow.Type != discordgo.PermissionOverwriteTypeMember {
			continue
		}
		have[ow.ID] = true
		ours := ow.Allow == memberAllow && ow.Deny == 0
		if want[ow.ID] || !ours || ow.ID == b.userID() || ow.ID == g.FacilitatorID {
			continue
		}
		if err := b.RemoveMember(ctx, ch.ID, ow.ID); err != nil {
			return err
		}
		b.log.Info("removed a stale member overwrite", "group", g.ID)
	}
	for _, id := range members {
		if have[id] {
			continue
		}
		if err := b.AllowMember(ctx, ch.ID, id); err != nil {
			return err
		}
		b.log.Info("restored a missing member overwrite", "group", g.ID)
	}
	return nil
}
