package bot

import (
	"context"
	"errors"
	"slices"

	"github.com/bwmarrin/discordgo"

	"hearth/domain"
	"hearth/messages"
)

// onChannelUpdate watches what Discord reports changed on a channel: a
// group's channel must stay readable by its members, facilitator, the
// moderator role and the bot only, and the log channel by moderators only.
func (b *Bot) onChannelUpdate(_ *discordgo.Session, e *discordgo.ChannelUpdate) {
	if e == nil || e.Channel == nil || e.GuildID == "" || !b.enter() {
		return
	}
	defer b.wg.Done()
	ctx, cancel := context.WithTimeout(b.ctx, reconcileGroupTimeout)
	defer cancel()
	if settings, err := b.store.Settings(ctx, e.GuildID); err == nil && settings.LogChannelID == e.ID {
		if err := b.checkLogChannel(ctx, e.GuildID); err != nil {
			b.log.Warn("checking the log channel is private failed", "guild", e.GuildID, "err", err)
		}
	}
	groupID, ok, err := b.store.GroupOfChannel(ctx, e.ID)
	if err != nil || !ok {
		return
	}
	if err := b.guardGroup(ctx, groupID, e.Channel); err != nil {
		b.log.Warn("keeping a group channel's access exact failed; start-up will retry", "group", groupID, "err", err)
	}
}

// guardGroup keeps a group's channel access exact, under the group's lock:
// a join, leave or edit in flight finishes first, so what it wrote is
// already in the database when the channel is judged.
func (b *Bot) guardGroup(ctx context.Context, groupID int64, seen *discordgo.Channel) error {
	unlock, err := b.locks.Lock(ctx, groupID)
	if err != nil {
		return err
	}
	defer unlock()
	g, err := b.store.Group(ctx, groupID)
	if errors.Is(err, domain.ErrNoGroup) || (err == nil && g.State == domain.StateArchived) {
		return nil
	}
	if err != nil {
		return err
	}
	return b.guardChannel(ctx, g, seen)
}

// accessFindings is what lets others than a group's people see its channel.
type accessFindings struct {
	strangers []string // users given View Channel by name
	strays    bool     // overwrites Hearth granted to former members (the sweep's)
	roles     []string // other roles given View Channel
	everyone  *discordgo.PermissionOverwrite
	open      bool // @everyone is not denied View Channel
}

func (f accessFindings) any() bool { return len(f.strangers) > 0 || len(f.roles) > 0 || f.open }

// guardChannel judges one of g's channels (text or voice) under g's lock:
// a user overwrite granting View Channel to anyone but its members, its
// facilitator and the bot is removed; @everyone's denial is put back; a
// role overwrite of another role granting View Channel is reported in the
// log channel once, and left to moderators. seen is the channel as an
// event or a listing showed it, maybe before this lock: when it shows
// anything amiss, the channel is read again to act on what is there now.
func (b *Bot) guardChannel(ctx context.Context, g domain.Group, seen *discordgo.Channel) error {
	judge, err := b.accessJudge(ctx, g)
	if err != nil {
		return err
	}
	found := judge(seen)
	if found.any() {
		var fresh *discordgo.Channel
		err := b.retry(ctx, true, func(opts ...discordgo.RequestOption) (err error) {
			fresh, err = b.session.Channel(seen.ID, opts...)
			return err
		})
		if isNotFound(err) {
			return nil // deleted: reconciliation makes it again
		}
		if err != nil {
			return err
		}
		found = judge(fresh)
	}
	if found.strays {
		b.pokeSweep() // Hearth's own, left by a failed undo
	}
	var errs []error
	for _, id := range found.strangers {
		if err := b.RemoveMember(ctx, seen.ID, id); err != nil {
			errs = append(errs, err)
			continue
		}
		b.log.Warn("removed an overwrite letting someone outside a group see its channel", "group", g.ID)
		b.groups.Note(ctx, g.GuildID, func(p *messages.Printer) string { return p.NoteAccessRemoved(g.Name) })
	}
	if found.open {
		hide := permView
		if seen.Type == discordgo.ChannelTypeGuildVoice {
			hide = everyoneVoiceDeny // as the channel was made: nor may they connect
		}
		allow, deny := int64(0), hide
		if ow := found.everyone; ow != nil {
			allow, deny = ow.Allow&^hide, ow.Deny|hide
		}
		err := b.retry(ctx, true, func(opts ...discordgo.RequestOption) error {
			return b.session.ChannelPermissionSet(seen.ID, g.GuildID, discordgo.PermissionOverwriteTypeRole, allow, deny, opts...)
		})
		if err != nil {
			errs = append(errs, err)
		} else {
			b.log.Warn("hid a group channel from @everyone again", "group", g.ID)
			b.groups.Note(ctx, g.GuildID, func(p *messages.Printer) string { return p.NoteAccessEveryone(g.Name) })
		}
	}
	for _, role := range found.roles {
		fresh, err := b.store.ReportAccess(ctx, seen.ID, role)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if fresh {
			b.log.Warn("another role can see a group channel; reported", "group", g.ID)
			b.groups.Note(ctx, g.GuildID, func(p *messages.Printer) string { return p.NoteAccessRole(g.Name, role) })
		}
	}
	errs = append(errs, b.store.KeepAccessReports(ctx, seen.ID, found.roles))
	return errors.Join(errs...)
}

// accessJudge reads who may see g's channels and returns what judges a
// channel's overwrites against that.
func (b *Bot) accessJudge(ctx context.Context, g domain.Group) (func(*discordgo.Channel) accessFindings, error) {
	members, err := b.store.Members(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	grants, err := b.store.Grants(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	settings, err := b.store.Settings(ctx, g.GuildID)
	if err != nil {
		return nil, err
	}
	// Roles Hearth gave access before (a former moderator role) are being
	// moved by /setup or reconciliation: not someone else's doing.
	formerRoles, err := b.store.RoleGrants(ctx, g.GuildID)
	if err != nil {
		return nil, err
	}
	allowed := map[string]bool{g.FacilitatorID: true, b.userID(): true}
	for _, id := range members {
		allowed[id] = true
	}
	return func(ch *discordgo.Channel) accessFindings {
		f := accessFindings{open: true}
		for _, ow := range ch.PermissionOverwrites {
			switch {
			case ow.Type == discordgo.PermissionOverwriteTypeMember:
				if ow.Allow&permView == 0 || allowed[ow.ID] {
					continue
				}
				if slices.Contains(grants, ow.ID) {
					f.strays = true
					continue
				}
				f.strangers = append(f.strangers, ow.ID)
			case ow.ID == g.GuildID:
				f.everyone, f.open = ow, ow.Deny&permView == 0
			case ow.Allow&permView != 0 && ow.ID != settings.ModeratorRoleID && !slices.Contains(formerRoles, ow.ID):
				f.roles = append(f.roles, ow.ID)
			}
		}
		return f
	}, nil
}

// watchAccess follows the gateway events that can open a group's channel
// or the log channel to others, or delete the crisis-alert rule.
func (b *Bot) watchAccess(s *discordgo.Session) {
	handle(s, b.log, "ChannelUpdate", b.onChannelUpdate)
	handle(s, b.log, "GuildRoleCreate+", func(_ *discordgo.Session, r *discordgo.GuildRoleCreate) {
		if r != nil && r.GuildRole != nil {
			b.onRoleChange(r.GuildID, func() { b.guilds.setRole(r.GuildID, r.Role) })
		}
	})
	handle(s, b.log, "GuildRoleUpdate+", func(_ *discordgo.Session, r *discordgo.GuildRoleUpdate) {
		if r != nil && r.GuildRole != nil {
			b.onRoleChange(r.GuildID, func() { b.guilds.setRole(r.GuildID, r.Role) })
		}
	})
	handle(s, b.log, "GuildRoleDelete+", func(_ *discordgo.Session, r *discordgo.GuildRoleDelete) {
		if r != nil {
			b.onRoleChange(r.GuildID, func() { b.guilds.dropRole(r.GuildID, r.RoleID) })
		}
	})
	handle(s, b.log, "AutoModerationRuleDelete", b.onRuleDelete)
	handle(s, b.log, "AutoModerationRuleUpdate", b.onRuleUpdate)
}
