package bot

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/bwmarrin/discordgo"

	"hearth/domain"
	"hearth/groups"
)

// Reconcile makes the channel of every group that was live at start-up match
// the database: a missing channel is made anew, members without their
// overwrite (or with the read-only one of a failed archive) get it, and the
// overwrites Hearth granted to people who are no longer members are removed
// (in archived groups too). The moderator role's access follows the
// server's settings: a role Hearth gave access to before (a former
// moderator role) loses it, the current one gets it. A user overwrite letting anyone else see a group's channel (text
// or voice) is removed, and @everyone's denial put back, with a note in the
// log channel; another role's overwrite granting View Channel is reported
// there, never removed. Each group is handled under its lock, so commands
// in flight never interleave with it.
//
// Channels are read with one request per server, not per group, so that
// start-up costs a handful of requests under the global rate limit however
// many groups there are; only the repairs cost one each.
func (b *Bot) Reconcile(ctx context.Context) error {
	var errs []error
	guilds := map[string]*guildState{}
	for _, g := range b.atStart {
		gs, ok := guilds[g.GuildID]
		if !ok {
			var err error
			if gs, err = b.readGuild(ctx, g.GuildID); err != nil {
				b.log.Error("reading a server's channels or settings failed", "guild", g.GuildID, "err", err)
				errs = append(errs, err)
			}
			guilds[g.GuildID] = gs // nil after an error: its groups are skipped
		}
		if gs == nil {
			continue
		}
		err := b.reconcileGroup(ctx, g.ID, gs)
		if err == nil {
			err = b.reconcileRoles(ctx, g.ID, gs)
		}
		if err != nil {
			b.log.Error("reconciling group failed", "group", g.ID, "err", err)
			errs = append(errs, err)
			gs.failed = true
		}
	}
	for guildID, gs := range guilds {
		if gs == nil || gs.failed {
			continue
		}
		for _, role := range gs.roleGrants {
			if role != gs.settings.ModeratorRoleID {
				// Gone from every live group's channel (read-only archives
				// keep theirs until the next /setup moves it).
				errs = append(errs, b.store.DropRoleGrant(ctx, guildID, role))
			}
		}
	}
	// Archives a dead process left half done: archived in the database,
	// the channel not yet changed.
	if err := b.groups.ResumeArchives(ctx); err != nil {
		b.log.Error("finishing archives left half done failed", "err", err)
		errs = append(errs, err)
	}
	// Erasures (/forget) a dead process or a Discord outage left unfinished.
	if err := b.groups.ResumeErasures(ctx); err != nil {
		b.log.Error("finishing erasures left pending failed", "err", err)
		errs = append(errs, err)
	}
	// Overwrites left to former members (a leave or an undo cut short),
	// archived groups' included: reconciliation above reaches live groups
	// only, and start-up is not done while someone no longer in a group
	// can read it. The sweep keeps retrying what Discord refuses here.
	if err := b.groups.SweepGrants(ctx); err != nil {
		b.log.Error("removing stray overwrites failed", "err", err)
		errs = append(errs, err)
	}
	b.log.Info("reconciled group channels", "groups", len(b.atStart), "failed", len(errs))
	return errors.Join(errs...)
}

// guildState is what reconciliation reads of a server once for all its groups.
type guildState struct {
	channels   map[string]*discordgo.Channel // by id
	claimed    map[string]bool               // channels some group (archived ones too) has
	settings   domain.Settings
	roleGrants []string
	failed     bool
}

func (b *Bot) readGuild(ctx context.Context, guildID string) (*guildState, error) {
	channels, err := b.guildChannels(ctx, guildID)
	if err != nil {
		return nil, err
	}
	settings, err := b.store.Settings(ctx, guildID)
	if err != nil {
		return nil, err
	}
	roles, err := b.store.RoleGrants(ctx, guildID)
	if err != nil {
		return nil, err
	}
	ids, err := b.store.ChannelIDs(ctx, guildID)
	if err != nil {
		return nil, err
	}
	claimed := make(map[string]bool, len(ids))
	for _, id := range ids {
		claimed[id] = true
	}
	return &guildState{channels: channels, claimed: claimed, settings: settings, roleGrants: roles}, nil
}

func (b *Bot) guildChannels(ctx context.Context, guildID string) (map[string]*discordgo.Channel, error) {
	var list []*discordgo.Channel
	err := b.retry(ctx, true, func(opts ...discordgo.RequestOption) (err error) {
		list, err = b.session.GuildChannels(guildID, opts...)
		return err
	})
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*discordgo.Channel, len(list))
	for _, ch := range list {
		byID[ch.ID] = ch
	}
	return byID, nil
}

// reconcileGroup repairs one group; channels is its server's channels, as
// listed before.
func (b *Bot) reconcileGroup(ctx context.Context, groupID int64, gs *guildState) error {
	channels := gs.channels
	// Bounded: a group's lock is not held through rate-limit waits for
	// ever; what is left undone is repaired at the next start.
	ctx, cancel := context.WithTimeout(ctx, reconcileGroupTimeout)
	defer cancel()
	unlock, err := b.locks.Lock(ctx, groupID)
	if err != nil {
		return err
	}
	defer unlock()
	g, err := b.store.Group(ctx, groupID)
	if errors.Is(err, domain.ErrNoGroup) || (err == nil && g.State == domain.StateArchived) {
		return nil // deleted or archived since start-up
	}
	if err != nil {
		return err
	}
	ch := channels[g.ChannelID]
	if ch == nil && g.ChannelID == "" {
		if ch, err = b.adoptOrphan(ctx, g, gs); err != nil {
			return err
		}
	}
	remade := ch == nil // made just now, with Hearth's overwrites only
	if remade {
		if ch, err = b.remakeChannel(ctx, g); err != nil {
			return err
		}
	}
	members, err := b.store.Members(ctx, g.ID)
	if err != nil {
		return err
	}
	grants, err := b.store.Grants(ctx, g.ID)
	if err != nil {
		return err
	}
	current := map[string]*discordgo.PermissionOverwrite{}
	for _, ow := range ch.PermissionOverwrites {
		if ow.Type == discordgo.PermissionOverwriteTypeMember {
			current[ow.ID] = ow
		}
	}
	isMember := make(map[string]bool, len(members))
	var errs []error
	for _, id := range members {
		isMember[id] = true
		ow := current[id]
		if ow != nil && (ow.Allow != archivedAllow || ow.Deny != archivedDeny) {
			continue // present, and not left read-only by a failed archive
		}
		errs = append(errs, b.restoreMember(ctx, g, ch.ID, id))
	}
	for _, id := range grants {
		if isMember[id] || id == g.FacilitatorID || id == b.userID() {
			continue
		}
		// Deleted whatever the listing said: it was read before this group's
		// lock, and an overwrite may have been written since.
		if err := b.RemoveMember(ctx, ch.ID, id); err != nil {
			errs = append(errs, err)
			continue
		}
		if current[id] != nil {
			b.log.Info("removed the overwrite of a former member", "group", g.ID)
		}
		errs = append(errs, b.store.DropGrant(ctx, g.ID, id))
	}
	errs = append(errs, b.reconcileVoice(ctx, g, gs, members))
	// Then nobody else: overwrites letting others see it, made by hand
	// while Hearth was down, go; other roles' are reported.
	if !remade {
		errs = append(errs, b.guardChannel(ctx, g, ch))
	}
	voice, err := b.store.VoiceChannel(ctx, g.ID)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	if vc := channels[voice]; vc != nil {
		errs = append(errs, b.guardChannel(ctx, g, vc))
	}
	return errors.Join(errs...)
}

// reconcileRoles makes the moderator role's access on a group's channel
// follow the server's settings, read afresh under the server's settings
// lock: the current role has it, roles Hearth gave it to before do not.
func (b *Bot) reconcileRoles(ctx context.Context, groupID int64, gs *guildState) error {
	ctx, cancel := context.WithTimeout(ctx, reconcileGroupTimeout)
	defer cancel()
	g, err := b.store.Group(ctx, groupID)
	if err != nil || g.State == domain.StateArchived || g.ChannelID == "" {
		return nil // gone, archived or unmade since: nothing to do here
	}
	unlock, err := b.groups.LockSettings(ctx, g.GuildID)
	if err != nil {
		return err
	}
	defer unlock()
	settings, err := b.store.Settings(ctx, g.GuildID)
	if err != nil {
		return err
	}
	roles, err := b.store.RoleGrants(ctx, g.GuildID)
	if err != nil {
		return err
	}
	has := map[string]bool{}
	if ch := gs.channels[g.ChannelID]; ch != nil {
		for _, ow := range ch.PermissionOverwrites {
			if ow.Type == discordgo.PermissionOverwriteTypeRole {
				has[ow.ID] = true
			}
		}
	}
	var errs []error
	for _, role := range roles {
		if role != settings.ModeratorRoleID && has[role] {
			errs = append(errs, b.SetRoleAccess(ctx, g.ChannelID, role, false))
			b.log.Info("removed a former moderator role's access", "group", g.ID)
		}
	}
	if mod := settings.ModeratorRoleID; mod != "" && !has[mod] {
		errs = append(errs, b.SetRoleAccess(ctx, g.ChannelID, mod, true))
	}
	gs.settings, gs.roleGrants = settings, roles
	return errors.Join(errs...)
}

// reconcileGroupTimeout bounds the repair of one group.
const reconcileGroupTimeout = time.Minute

// adoptOrphan finds the channel a process that died mid-create made for g
// and never recorded, and records it, so that restarting never leaves a
// second channel behind. Only a channel no group has, named as g's and
// with exactly the overwrites Hearth makes, is taken; none when there is
// no such channel or more than one.
func (b *Bot) adoptOrphan(ctx context.Context, g domain.Group, gs *guildState) (*discordgo.Channel, error) {
	settings, err := b.store.Settings(ctx, g.GuildID)
	if err != nil {
		return nil, err
	}
	made := groupOverwrites(groups.ChannelSpec{GuildID: g.GuildID, ModeratorRoleID: settings.ModeratorRoleID,
		FacilitatorID: g.FacilitatorID}, b.userID())
	var found []*discordgo.Channel
	for _, ch := range gs.channels {
		if ch.Type != discordgo.ChannelTypeGuildText || gs.claimed[ch.ID] || !sameOverwrites(ch.PermissionOverwrites, made) {
			continue
		}
		ok, err := b.groups.Orphan(ctx, g, ch.Name, ch.Topic, ch.ParentID)
		if err != nil {
			return nil, err
		}
		if ok {
			found = append(found, ch)
		}
	}
	if len(found) != 1 {
		return nil, nil // none, or more than one that could be it: make a new one
	}
	ch := found[0]
	if err := b.store.SetGroupChannel(ctx, g.ID, ch.ID); err != nil {
		return nil, err
	}
	gs.claimed[ch.ID] = true
	b.log.Warn("group channel was made but not recorded; adopted it", "group", g.ID, "channel", ch.ID)
	return ch, nil
}

// sameOverwrites reports whether a channel has exactly the overwrites
// Hearth makes a group's channel with, and nobody else: a channel anyone
// else was let into is never taken for a group.
func sameOverwrites(have, made []*discordgo.PermissionOverwrite) bool {
	if len(have) != len(made) {
		return false
	}
	want := make(map[string]*discordgo.PermissionOverwrite, len(made))
	for _, ow := range made {
		want[ow.ID] = ow
	}
	for _, ow := range have {
		w := want[ow.ID]
		if w == nil || w.Type != ow.Type || w.Allow != ow.Allow || w.Deny != ow.Deny {
			return false
		}
	}
	return true
}

// remakeChannel makes g's channel anew: it was never made (a crash
// mid-create) or was deleted by hand.
func (b *Bot) remakeChannel(ctx context.Context, g domain.Group) (*discordgo.Channel, error) {
	id, err := b.groups.RemakeChannel(ctx, g)
	if err != nil {
		return nil, err
	}
	b.log.Warn("group channel was missing; made a new one", "group", g.ID, "channel", id)
	return &discordgo.Channel{ID: id}, nil
}

// restoreMember puts back a member's overwrite. Someone who has left the
// server can have none: their membership ends.
func (b *Bot) restoreMember(ctx context.Context, g domain.Group, channelID, userID string) error {
	err := b.AllowMember(ctx, channelID, userID)
	if isUnknownUser(err) {
		b.log.Info("a member has left the server; ending their membership", "group", g.ID)
		if _, err := b.store.Leave(ctx, g.ID, userID); err != nil && !errors.Is(err, domain.ErrNotMember) {
			return err
		}
		if err := b.store.DropGrant(ctx, g.ID, userID); err != nil {
			return err
		}
		return b.groups.SeatsFreed(ctx, g.ID) // their seat is free

	}
	if err == nil {
		b.log.Info("restored a member overwrite", "group", g.ID)
	}
	return err
}

// Discord's codes for a user or member it does not know. An overwrite for
// someone no longer in the server is refused as an invalid form body
// ("Role or member not found"); Hearth's member overwrite has fixed bits, so
// that is the only way this request's form can be invalid.
const (
	codeUnknownMember   = 10007
	codeUnknownUser     = 10013
	codeInvalidFormBody = 50035
)

func isUnknownUser(err error) bool {
	var rest *discordgo.RESTError
	if !errors.As(err, &rest) || rest.Message == nil || rest.Response == nil {
		return false
	}
	switch rest.Message.Code {
	case codeUnknownMember, codeUnknownUser:
		return rest.Response.StatusCode == http.StatusNotFound
	case codeInvalidFormBody:
		return rest.Response.StatusCode == http.StatusBadRequest
	}
	return false
}
