package fakediscord

import (
	"encoding/json"
	"time"
)

// Channel is a snapshot of a channel.
type Channel struct {
	ID, GuildID, Name, ParentID, Topic string
	Type                               int
	Position                           int
	Overwrites                         []Overwrite
	Recipients                         []string // DM channels
}

// Overwrite is a permission overwrite (Type 0 role, 1 member).
type Overwrite struct {
	ID          string
	Type        int
	Allow, Deny int64
}

// Message is a snapshot of a message.
type Message struct {
	ID, ChannelID, GuildID, AuthorID string
	Content                          string
	Flags                            int
	Ephemeral                        bool
	AllowedMentions                  *AllowedMentions
	// Mentions are the user ids actually pinged under Discord's rules:
	// <@id> in the content, filtered by allowed_mentions (parse "users" or
	// listed in users); without allowed_mentions every <@id> pings.
	Mentions        []string
	MentionRoles    []string
	MentionEveryone bool
	Nonce           string
	Embeds          json.RawMessage
	Components      json.RawMessage
	InteractionID   string // set for interaction responses and followups
	Attachments     []Attachment
	Edited          bool
	CreatedAt       time.Time
}

// Role is a snapshot of a role.
type Role struct {
	ID, Name    string
	Permissions int64
	Position    int
	Managed     bool
}

// Member is a snapshot of a guild member.
type Member struct {
	UserID, Username string
	Roles            []string
	Permissions      int64 // guild-level, derived from roles
}

// ScheduledEvent is a snapshot of a guild scheduled event.
type ScheduledEvent struct {
	ID, GuildID, Name, Description string
	Start, End                     time.Time // End is zero if unset
	Status, EntityType             int
	ChannelID, Location            string
	Raw                            json.RawMessage // as the API returns it
}

// AddGuild adds a guild like the one New makes (owner, bot with its role,
// "general") and sends GUILD_CREATE to live gateway sessions.
func (s *Server) AddGuild(name string) string { return s.AddGuildOnShard(name, 0, 1) }

func (s *Server) mustGuild(id string) *guild {
	g := s.guilds[id]
	if g == nil {
		s.t.Errorf("fakediscord: unknown guild %q", id)
	}
	return g
}

// AddRole adds a role (placed just above @everyone, so below the bot's
// role) and dispatches GUILD_ROLE_CREATE. It returns the role id.
func (s *Server) AddRole(guildID, name string, perms int64) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.mustGuild(guildID)
	if g == nil {
		return ""
	}
	r := &role{id: s.nextID(), name: name, perms: perms}
	g.insertRole(r)
	s.dispatch("GUILD_ROLE_CREATE", intentGuilds, map[string]any{"guild_id": g.id, "role": roleJSON(r)})
	return r.id
}

// AddMember makes a user and adds them to the guild with the given roles
// (GUILD_MEMBER_ADD). It returns the user id. With guildID "" the user is
// made but joins no guild (useful for DMs).
func (s *Server) AddMember(guildID, username string, roleIDs ...string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := &user{id: s.nextID(), username: username}
	s.users[u.id] = u
	if guildID == "" {
		return u.id
	}
	g := s.mustGuild(guildID)
	if g == nil {
		return u.id
	}
	for _, rid := range roleIDs {
		if g.roles[rid] == nil {
			s.t.Errorf("fakediscord: AddMember: unknown role %q", rid)
		}
	}
	m := &member{userID: u.id, roles: append([]string{}, roleIDs...), joinedAt: time.Now()}
	g.members[u.id] = m
	g.memberOrder = append(g.memberOrder, u.id)
	s.dispatch("GUILD_MEMBER_ADD", intentGuildMembers, s.memberUpdateJSON(g, m))
	return u.id
}

// SetMemberRoles replaces a member's roles out of band (as a moderator
// would), dispatching GUILD_MEMBER_UPDATE.
func (s *Server) SetMemberRoles(guildID, userID string, roleIDs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.mustGuild(guildID)
	if g == nil || g.members[userID] == nil {
		s.t.Errorf("fakediscord: SetMemberRoles: unknown member %q", userID)
		return
	}
	g.members[userID].roles = append([]string{}, roleIDs...)
	s.dispatch("GUILD_MEMBER_UPDATE", intentGuildMembers, s.memberUpdateJSON(g, g.members[userID]))
}

// SetBotPermissions sets the permissions of the bot's role. The bot also
// has whatever @everyone has (see SetRolePermissions).
func (s *Server) SetBotPermissions(guildID string, perms int64) {
	s.mu.Lock()
	g := s.mustGuild(guildID)
	s.mu.Unlock()
	if g != nil {
		s.SetRolePermissions(guildID, g.botRoleID, perms)
	}
}

// SetRolePermissions sets a role's permissions (the @everyone role's id is
// the guild id) and dispatches GUILD_ROLE_UPDATE.
func (s *Server) SetRolePermissions(guildID, roleID string, perms int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.mustGuild(guildID)
	if g == nil || g.roles[roleID] == nil {
		s.t.Errorf("fakediscord: unknown role %q", roleID)
		return
	}
	g.roles[roleID].perms = perms
	s.dispatch("GUILD_ROLE_UPDATE", intentGuilds, map[string]any{"guild_id": g.id, "role": roleJSON(g.roles[roleID])})
}

// SetDMsClosed makes messages to the user's DM fail with 50007.
func (s *Server) SetDMsClosed(userID string, closed bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dmClosed[userID] = closed
}

// RegisteredCommand is an application command as the bot registered it.
type RegisteredCommand struct {
	ID, Name, Description string
	Type                  int    // 1 CHAT_INPUT, 2 USER, 3 MESSAGE
	GuildID               string // "" for global commands
	// NameLocalizations and DescriptionLocalizations are exactly as sent
	// (nil if the bot sent none), keyed by Discord locale ("es-ES", ...).
	NameLocalizations        map[string]string
	DescriptionLocalizations map[string]string
	DefaultMemberPermissions string // "" if unset
	Options                  []CommandOption
	Raw                      json.RawMessage // as the API returned it
}

// CommandOption is an option of a registered command; sub-commands and
// groups (Type 1, 2) hold their own Options.
type CommandOption struct {
	Type                     int
	Name, Description        string
	NameLocalizations        map[string]string
	DescriptionLocalizations map[string]string
	Required, Autocomplete   bool
	Choices                  []CommandChoice
	Options                  []CommandOption
}

// CommandChoice is a fixed choice of a string, integer or number option.
type CommandChoice struct {
	Name              string
	NameLocalizations map[string]string
	Value             any // string or float64
}

// RegisteredCommands returns the commands registered for a guild ("" for
// global ones), in registration order.
func (s *Server) RegisteredCommands(guildID string) []RegisteredCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []RegisteredCommand
	for _, c := range s.commands[guildID] {
		raw := mustJSON(c)
		var w struct {
			ID                       string            `json:"id"`
			Name                     string            `json:"name"`
			Description              string            `json:"description"`
			Type                     int               `json:"type"`
			GuildID                  string            `json:"guild_id"`
			NameLocalizations        map[string]string `json:"name_localizations"`
			DescriptionLocalizations map[string]string `json:"description_localizations"`
			DefaultMemberPermissions *string           `json:"default_member_permissions"`
			Options                  []optionWire      `json:"options"`
		}
		if err := json.Unmarshal(raw, &w); err != nil {
			s.t.Errorf("fakediscord: RegisteredCommands: stored command %s: %v", raw, err)
			continue
		}
		rc := RegisteredCommand{ID: w.ID, Name: w.Name, Description: w.Description, Type: w.Type, GuildID: w.GuildID,
			NameLocalizations: w.NameLocalizations, DescriptionLocalizations: w.DescriptionLocalizations,
			Options: convertOptions(w.Options), Raw: raw}
		if w.DefaultMemberPermissions != nil {
			rc.DefaultMemberPermissions = *w.DefaultMemberPermissions
		}
		out = append(out, rc)
	}
	return out
}

// optionWire is a command option as JSON.
type optionWire struct {
	Type                     int               `json:"type"`
	Name                     string            `json:"name"`
	Description              string            `json:"description"`
	NameLocalizations        map[string]string `json:"name_localizations"`
	DescriptionLocalizations map[string]string `json:"description_localizations"`
	Required                 bool              `json:"required"`
	Autocomplete             bool              `json:"autocomplete"`
	Choices                  []struct {
		Name              string            `json:"name"`
		NameLocalizations map[string]string `json:"name_localizations"`
		Value             any               `json:"value"`
	} `json:"choices"`
	Options []optionWire `json:"options"`
}

func convertOptions(in []optionWire) []CommandOption {
	var out []CommandOption
	for _, o := range in {
		co := CommandOption{Type: o.Type, Name: o.Name, Description: o.Description,
			NameLocalizations: o.NameLocalizations, DescriptionLocalizations: o.DescriptionLocalizations,
			Required: o.Required, Autocomplete: o.Autocomplete, Options: convertOptions(o.Options)}
		for _, c := range o.Choices {
			co.Choices = append(co.Choices, CommandChoice{Name: c.Name, NameLocalizations: c.NameLocalizations, Value: c.Value})
		}
		out = append(out, co)
	}
	return out
}

// SetUserLocale sets the language of a user's Discord client: every
// interaction the user makes from now on (in a guild or a DM) carries it as
// "locale". The default is "en-US". locale must be one of Discord's locales.
func (s *Server) SetUserLocale(userID, locale string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[userID]
	if u == nil {
		s.t.Errorf("fakediscord: SetUserLocale: unknown user %q", userID)
		return
	}
	if !s.spec.locales[locale] {
		s.t.Errorf("fakediscord: SetUserLocale: %q is not a Discord locale", locale)
		return
	}
	u.locale = locale
}

// SetGuildLocale sets a guild's preferred_locale, as an admin does in the
// server settings: it is the guild_locale (and guild.locale) of later
// interactions in the guild, shows in GUILD_CREATE and GET /guilds/{id},
// and GUILD_UPDATE is dispatched to live gateway sessions. The default is
// "en-US". locale must be one of Discord's locales.
func (s *Server) SetGuildLocale(guildID, locale string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.mustGuild(guildID)
	if g == nil {
		return
	}
	if !s.spec.locales[locale] {
		s.t.Errorf("fakediscord: SetGuildLocale: %q is not a Discord locale", locale)
		return
	}
	g.locale = locale
	s.dispatch("GUILD_UPDATE", intentGuilds, s.guildJSON(g))
}

func snapshotChannel(c *channel) Channel {
	return Channel{ID: c.id, GuildID: c.guildID, Name: c.name, ParentID: c.parentID, Topic: c.topic, Type: c.typ,
		Position: c.position, Overwrites: append([]Overwrite{}, c.overwrites...), Recipients: append([]string(nil), c.recipients...)}
}

// Channels returns the guild's channels in creation order.
func (s *Server) Channels(guildID string) []Channel {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.guilds[guildID]
	if g == nil {
		return nil
	}
	var out []Channel
	for _, id := range g.channelOrder {
		out = append(out, snapshotChannel(s.channels[id]))
	}
	return out
}

// Channel returns a channel (guild or DM) by id.
func (s *Server) Channel(id string) (Channel, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.channels[id]
	if c == nil {
		return Channel{}, false
	}
	return snapshotChannel(c), true
}

// DMChannel returns the id of the DM channel with a user, "" if none.
func (s *Server) DMChannel(userID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dms[userID]
}

// Messages returns the channel's messages, oldest first, including
// ephemeral interaction responses (Ephemeral set) which Discord's REST API
// does not list.
func (s *Server) Messages(channelID string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, m := range s.messages[channelID] {
		out = append(out, Message{ID: m.id, ChannelID: m.channelID, GuildID: m.guildID, AuthorID: m.authorID,
			Content: m.content, Flags: m.flags, Ephemeral: m.flags&flagEphemeral != 0, AllowedMentions: m.allowed,
			Mentions: append([]string(nil), m.mentions...), MentionRoles: append([]string(nil), m.mentionRoles...),
			MentionEveryone: m.mentionEveryone, Nonce: m.nonce, Embeds: m.embeds, Components: m.components,
			InteractionID: m.interactionID, Attachments: copyAttachments(m.attachments), Edited: !m.editedAt.IsZero(), CreatedAt: m.createdAt})
	}
	return out
}

// PostMessage posts a message by a user (MESSAGE_CREATE), out of band.
func (s *Server) PostMessage(channelID, userID, content string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.channels[channelID]
	if c == nil {
		s.t.Errorf("fakediscord: PostMessage: unknown channel %q", channelID)
		return ""
	}
	m := &message{id: s.nextID(), channelID: c.id, guildID: c.guildID, authorID: userID, content: content, createdAt: time.Now()}
	m.mentions, m.mentionRoles, m.mentionEveryone = computeMentions(content, nil)
	s.messages[c.id] = append(s.messages[c.id], m)
	c.lastMessageID = m.id
	s.dispatchMessage("MESSAGE_CREATE", m)
	return m.id
}

// DeleteOverwrite removes an overwrite out of band (as a human would, e.g.
// while the bot was down): no journal entry; CHANNEL_UPDATE is dispatched
// to live sessions (and replayed on resume).
func (s *Server) DeleteOverwrite(channelID, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.channels[channelID]; c != nil {
		s.removeOverwriteLocked(c, id)
	}
}

// DeleteChannel deletes a guild channel out of band (CHANNEL_DELETE).
func (s *Server) DeleteChannel(channelID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.channels[channelID]; c != nil && c.guildID != "" {
		s.deleteChannelLocked(c)
	}
}

// Roles returns the guild's roles by position (@everyone first).
func (s *Server) Roles(guildID string) []Role {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.guilds[guildID]
	if g == nil {
		return nil
	}
	var out []Role
	for _, r := range g.sortedRoles() {
		out = append(out, Role{ID: r.id, Name: r.name, Permissions: r.perms, Position: r.position, Managed: r.managed})
	}
	return out
}

// Member returns a guild member.
func (s *Server) Member(guildID, userID string) (Member, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.guilds[guildID]
	if g == nil || g.members[userID] == nil {
		return Member{}, false
	}
	m := g.members[userID]
	return Member{UserID: userID, Username: s.users[userID].username, Roles: append([]string{}, m.roles...),
		Permissions: g.basePermissions(userID)}, true
}

// ChannelPermissions returns a member's computed permissions in a channel.
func (s *Server) ChannelPermissions(channelID, userID string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.channels[channelID]
	if c == nil || c.guildID == "" {
		return 0
	}
	return s.guilds[c.guildID].channelPermissions(c, userID)
}

// ScheduledEvents returns the guild's scheduled events in creation order.
func (s *Server) ScheduledEvents(guildID string) []ScheduledEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.guilds[guildID]
	if g == nil {
		return nil
	}
	var out []ScheduledEvent
	for _, id := range g.eventOrder {
		out = append(out, s.eventSnapshot(g.events[id]))
	}
	return out
}

// Journal returns every REST call so far, in arrival order.
func (s *Server) Journal() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Call, len(s.journal))
	for i, c := range s.journal {
		out[i] = *c
	}
	return out
}

// Interaction returns a dispatched interaction by id (nil if unknown).
func (s *Server) Interaction(id string) *Interaction {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.interactions[id]
}

// SetOverwrite puts an overwrite on a channel out of band, as a person
// editing the channel by hand would (CHANNEL_UPDATE; no journal entry).
func (s *Server) SetOverwrite(channelID string, ow Overwrite) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.channels[channelID]
	if c == nil {
		return
	}
	for i := range c.overwrites {
		if c.overwrites[i].ID == ow.ID {
			c.overwrites[i] = ow
			s.dispatch("CHANNEL_UPDATE", intentGuilds, s.channelJSON(c))
			return
		}
	}
	c.overwrites = append(c.overwrites, ow)
	s.dispatch("CHANNEL_UPDATE", intentGuilds, s.channelJSON(c))
}

// RemoveMember takes a member out of a guild, as when they leave the server.
// Their overwrites stay, as on Discord.
func (s *Server) RemoveMember(guildID, userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g := s.guilds[guildID]; g != nil {
		delete(g.members, userID)
	}
}

// ClearFaults drops every fault that FailNext and HangNext queued and that
// has not fired yet.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// AddChannel makes a text channel in a guild, as someone in Discord's
// client would, with the overwrites given, and returns its id.
func (s *Server) AddChannel(guildID, name string, overwrites ...Overwrite) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.guilds[guildID]
	if g == nil {
		s.t.Errorf("fakediscord: AddChannel: no guild %s", guildID)
		return ""
	}
	c := &channel{id: s.nextID(), guildID: guildID, typ: ChannelTypeGuildText, name: name,
		position: len(g.channelOrder), overwrites: append([]Overwrite(nil), overwrites...), extra: map[string]any{}}
	s.channels[c.id] = c
	g.channelOrder = append(g.channelOrder, c.id)
	s.dispatch("CHANNEL_CREATE", intentGuilds, s.channelJSON(c))
	return c.id
}
