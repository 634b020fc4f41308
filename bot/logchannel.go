package bot

import (
	"context"
	"sort"

	"github.com/bwmarrin/discordgo"

	"hearth/domain"
)

// LogExposure says who, besides the moderator role, administrators and the
// bot, can read a channel ("" = nobody), by Discord's rules for permission
// overwrites: @everyone can unless its overwrite denies View Channel (or,
// without one, its role lacks it), and a role overwrite that allows View
// Channel lets that role's members read. It reads the channel and, when
// not known from the gateway, the server's roles.
func (b *Bot) LogExposure(ctx context.Context, guildID, channelID, moderatorRoleID string) (domain.Exposure, error) {
	return b.logExposure(ctx, guildID, channelID, moderatorRoleID, false)
}

// logExposure is LogExposure; fresh reads the server's roles over REST
// rather than from the cache, which role events handled out of order may
// have left stale.
func (b *Bot) logExposure(ctx context.Context, guildID, channelID, moderatorRoleID string, fresh bool) (domain.Exposure, error) {
	var ch *discordgo.Channel
	err := b.retry(ctx, true, func(opts ...discordgo.RequestOption) (err error) {
		ch, err = b.session.Channel(channelID, opts...)
		return err
	})
	if err != nil {
		return "", err
	}
	cache := b.guildCacheFor(guildID)
	roles, ok := cache.rolePermissions(guildID)
	if !ok || fresh {
		list, err := b.session.GuildRoles(guildID, discordgo.WithContext(ctx))
		if err != nil {
			return "", err
		}
		cache.setRoles(guildID, list)
		roles, _ = cache.rolePermissions(guildID)
	}
	return exposure(guildID, ch, roles, moderatorRoleID, b.userID()), nil
}

// exposure applies Discord's order to a channel: the roles' permissions,
// then @everyone's overwrite, then the roles' overwrites, then the
// members'. roles is the server's roles' permissions by id.
func exposure(guildID string, ch *discordgo.Channel, roles map[string]int64, moderatorRoleID, botID string) domain.Exposure {
	const view = discordgo.PermissionViewChannel
	everyoneDenied, roleAllows, roleDenies := false, map[string]bool{}, map[string]bool{}
	byName := false
	for _, ow := range ch.PermissionOverwrites {
		switch {
		case ow.Type == discordgo.PermissionOverwriteTypeMember:
			if ow.Allow&view != 0 && ow.ID != botID {
				byName = true
			}
		case ow.ID == guildID:
			if ow.Allow&view != 0 {
				return domain.ExposedEveryone
			}
			everyoneDenied = ow.Deny&view != 0
		default:
			roleAllows[ow.ID], roleDenies[ow.ID] = ow.Allow&view != 0, ow.Deny&view != 0
		}
	}
	if roles[guildID]&view != 0 && !everyoneDenied {
		return domain.ExposedEveryone
	}
	// In a stable order, so that /setup names the same role each time.
	ids := make([]string, 0, len(roles)+len(roleAllows))
	for id := range roles {
		ids = append(ids, id)
	}
	for id := range roleAllows {
		if _, known := roles[id]; !known {
			ids = append(ids, id) // a role not known yet: assume the worst
		}
	}
	sort.Strings(ids)
	for _, id := range ids {
		if id == guildID || id == moderatorRoleID {
			continue
		}
		perms, known := roles[id]
		if known && perms&discordgo.PermissionAdministrator != 0 {
			continue
		}
		if roleAllows[id] || (perms&view != 0 && !everyoneDenied && !roleDenies[id]) {
			return domain.ExposedRole(id)
		}
	}
	if byName {
		return domain.ExposedMember
	}
	return ""
}

// checkLogChannel reads again whether a server's log channel is private,
// under the server's settings lock, and records the answer: notes and
// crisis alerts stop while others can read it and resume once they cannot.
func (b *Bot) checkLogChannel(ctx context.Context, guildID string) error {
	return b.checkLogChannelWith(ctx, guildID, false)
}

// checkLogChannelWith is checkLogChannel; fresh: see logExposure.
func (b *Bot) checkLogChannelWith(ctx context.Context, guildID string, fresh bool) error {
	unlock, err := b.groups.LockSettings(ctx, guildID)
	if err != nil {
		return err
	}
	defer unlock()
	settings, err := b.store.Settings(ctx, guildID)
	if err != nil || settings.LogChannelID == "" {
		return err
	}
	exp, err := b.logExposure(ctx, guildID, settings.LogChannelID, settings.ModeratorRoleID, fresh)
	if isNotFound(err) {
		return nil // deleted: notes to it fail, and nobody reads them
	}
	if err != nil {
		return err
	}
	return b.groups.LogChannelChecked(ctx, settings, exp)
}

// onRoleChange checks the server's log channel again after a role was
// made, changed or deleted (@everyone given View Channel, say). The role
// is recorded first: the cache's own handler may not have run yet. The
// check itself reads the roles over REST: role events are handled each on
// its own goroutine, so two changes in quick succession may be applied to
// the cache in the wrong order, and a stale "not readable" would let notes
// go where others read them.
func (b *Bot) onRoleChange(guildID string, update func()) {
	if guildID == "" || !b.enter() {
		return
	}
	defer b.wg.Done()
	update()
	ctx, cancel := context.WithTimeout(b.ctx, reconcileGroupTimeout)
	defer cancel()
	if err := b.checkLogChannelWith(ctx, guildID, true); err != nil {
		b.log.Warn("checking the log channel is private failed", "guild", guildID, "err", err)
	}
}

// onRuleDelete makes Hearth's crisis-alert rule again when it is deleted
// on Discord while crisis alerts are on (/setup crisis_alerts:false is the
// way to turn them off).
func (b *Bot) onRuleDelete(_ *discordgo.Session, e *discordgo.AutoModerationRuleDelete) {
	if e == nil || e.AutoModerationRule == nil || e.GuildID == "" || !b.enter() {
		return
	}
	defer b.wg.Done()
	ctx, cancel := context.WithTimeout(b.ctx, reconcileGroupTimeout)
	defer cancel()
	if err := b.groups.KeepCrisisRule(ctx, e.GuildID, e.ID); err != nil {
		b.log.Warn("making the crisis-alert rule again failed; start-up will retry", "guild", e.GuildID, "err", err)
	}
}

// checkSafety, at start-up, checks every log channel is still private and
// every crisis-alert rule still exists.
func (b *Bot) checkSafety(ctx context.Context) {
	guilds, err := b.store.LogChannelGuilds(ctx)
	if err != nil {
		b.log.Error("listing log channels failed", "err", err)
	}
	for _, id := range guilds {
		if !b.Serves(id) {
			continue // another process's shard
		}
		if err := b.checkLogChannel(ctx, id); err != nil {
			b.log.Warn("checking the log channel is private failed", "guild", id, "err", err)
		}
	}
	guilds, err = b.store.CrisisGuilds(ctx)
	if err != nil {
		b.log.Error("listing servers with crisis alerts failed", "err", err)
	}
	for _, id := range guilds {
		if !b.Serves(id) {
			continue
		}
		if err := b.groups.KeepCrisisRule(ctx, id, ""); err != nil {
			b.log.Warn("checking the crisis-alert rule failed", "guild", id, "err", err)
		}
	}
}
