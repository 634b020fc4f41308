package bot

import (
	"log/slog"
	"maps"
	"runtime/debug"
	"sync"

	"github.com/bwmarrin/discordgo"
)

// guildCache keeps what the gateway says of each server's roles and owner,
// to compute a member's server-wide permissions.
type guildCache struct {
	mu     sync.Mutex
	guilds map[string]*guildInfo
}

type guildInfo struct {
	ownerID string
	roles   map[string]int64 // role id → permissions; the guild id is @everyone
}

// register follows the gateway's guild and role events; locale is told
// each server's preferred locale as Discord sends it.
func (c *guildCache) register(s *discordgo.Session, log *slog.Logger, locale func(guildID, locale string)) {
	handle(s, log, "GuildCreate", func(_ *discordgo.Session, g *discordgo.GuildCreate) {
		if g != nil && g.Guild != nil {
			c.setGuild(g.Guild)
			locale(g.ID, g.PreferredLocale)
		}
	})
	handle(s, log, "GuildUpdate", func(_ *discordgo.Session, g *discordgo.GuildUpdate) {
		if g != nil && g.Guild != nil {
			c.setGuild(g.Guild)
			locale(g.ID, g.PreferredLocale)
		}
	})
	handle(s, log, "GuildDelete", func(_ *discordgo.Session, g *discordgo.GuildDelete) {
		if g != nil && g.Guild != nil && !g.Unavailable { // an outage keeps what we know; removal forgets it
			c.drop(g.ID)
		}
	})
	handle(s, log, "GuildRoleCreate", func(_ *discordgo.Session, r *discordgo.GuildRoleCreate) {
		if r != nil && r.GuildRole != nil {
			c.setRole(r.GuildID, r.Role)
		}
	})
	handle(s, log, "GuildRoleUpdate", func(_ *discordgo.Session, r *discordgo.GuildRoleUpdate) {
		if r != nil && r.GuildRole != nil {
			c.setRole(r.GuildID, r.Role)
		}
	})
	handle(s, log, "GuildRoleDelete", func(_ *discordgo.Session, r *discordgo.GuildRoleDelete) {
		if r != nil {
			c.dropRole(r.GuildID, r.RoleID)
		}
	})
}

func (c *guildCache) setGuild(g *discordgo.Guild) {
	if g == nil || g.Unavailable {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.guilds == nil {
		c.guilds = map[string]*guildInfo{}
	}
	info := &guildInfo{ownerID: g.OwnerID, roles: map[string]int64{}}
	if old := c.guilds[g.ID]; old != nil && len(g.Roles) == 0 {
		info.roles = old.roles // a GUILD_UPDATE without roles
	}
	for _, r := range g.Roles {
		info.roles[r.ID] = r.Permissions
	}
	c.guilds[g.ID] = info
}

// setRoles records a server's roles as read over REST.
func (c *guildCache) setRoles(guildID string, roles []*discordgo.Role) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.guilds == nil {
		c.guilds = map[string]*guildInfo{}
	}
	info := c.guilds[guildID]
	if info == nil {
		info = &guildInfo{roles: map[string]int64{}} // owner unknown until GUILD_CREATE
		c.guilds[guildID] = info
	}
	for _, r := range roles {
		info.roles[r.ID] = r.Permissions
	}
}

func (c *guildCache) drop(guildID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.guilds, guildID)
}

func (c *guildCache) setRole(guildID string, r *discordgo.Role) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if g := c.guilds[guildID]; g != nil && r != nil {
		g.roles[r.ID] = r.Permissions
	}
}

func (c *guildCache) dropRole(guildID, roleID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if g := c.guilds[guildID]; g != nil {
		delete(g.roles, roleID)
	}
}

// permissions returns a member's server-wide permissions (@everyone's and
// their roles', everything for the owner or an administrator), and false
// when the server or one of the roles is not known yet (its gateway event
// may still be on its way).
func (c *guildCache) permissions(guildID, userID string, roleIDs []string) (int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	g := c.guilds[guildID]
	if g == nil {
		return 0, false
	}
	if userID != "" && userID == g.ownerID { // an unknown owner is nobody
		return discordgo.PermissionAll, true
	}
	perms, ok := g.roles[guildID]
	if !ok {
		return 0, false
	}
	for _, id := range roleIDs {
		p, ok := g.roles[id]
		if !ok {
			return 0, false
		}
		perms |= p
	}
	if perms&discordgo.PermissionAdministrator != 0 {
		return discordgo.PermissionAll, true
	}
	return perms, true
}

// recovered wraps a gateway event handler so that a panic in it (a payload
// Discord never sends, or a bug) is logged instead of ending the process:
// discordgo runs handlers in goroutines of their own, outside any recover.
func recovered[E any](log *slog.Logger, event string, h func(*discordgo.Session, E)) func(*discordgo.Session, E) {
	return func(s *discordgo.Session, e E) {
		defer func() {
			if p := recover(); p != nil {
				log.Error("gateway event handler panicked", "event", event, "panic", p, "stack", string(debug.Stack()))
			}
		}()
		h(s, e)
	}
}

// rolePermissions is a copy of a server's roles' permissions, by role id
// (the server's id is @everyone); false when the server is not known yet.
func (c *guildCache) rolePermissions(guildID string) (map[string]int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	g := c.guilds[guildID]
	if g == nil {
		return nil, false
	}
	if _, ok := g.roles[guildID]; !ok {
		return nil, false
	}
	return maps.Clone(g.roles), true
}
