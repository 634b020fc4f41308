package fakediscord

import (
	"encoding/json"
	"sort"
	"strconv"
	"time"
)

// Permission bits (Discord docs, "Permissions").
const (
	PermCreateInstantInvite    int64 = 1 << 0
	PermAdministrator          int64 = 1 << 3
	PermManageChannels         int64 = 1 << 4
	PermAddReactions           int64 = 1 << 6
	PermViewChannel            int64 = 1 << 10
	PermSendMessages           int64 = 1 << 11
	PermSendTTSMessages        int64 = 1 << 12
	PermEmbedLinks             int64 = 1 << 14
	PermAttachFiles            int64 = 1 << 15
	PermReadMessageHistory     int64 = 1 << 16
	PermMentionEveryone        int64 = 1 << 17
	PermConnect                int64 = 1 << 20
	PermSpeak                  int64 = 1 << 21
	PermChangeNickname         int64 = 1 << 26
	PermManageRoles            int64 = 1 << 28
	PermUseApplicationCommands int64 = 1 << 31
	PermManageEvents           int64 = 1 << 33
	PermSendMessagesInThreads  int64 = 1 << 38
	PermCreateEvents           int64 = 1 << 44

	permAll int64 = 1<<52 - 1
)

// DefaultEveryonePermissions are the @everyone permissions of guilds made by
// the fake (a subset of Discord's defaults for a new server).
const DefaultEveryonePermissions = PermCreateInstantInvite | PermAddReactions | PermViewChannel |
	PermSendMessages | PermEmbedLinks | PermAttachFiles | PermReadMessageHistory | PermConnect |
	PermSpeak | PermChangeNickname | PermUseApplicationCommands | PermSendMessagesInThreads

// DefaultBotPermissions are the permissions of the bot's role in guilds made
// by the fake.
const DefaultBotPermissions = PermManageChannels | PermManageRoles | PermViewChannel |
	PermSendMessages | PermReadMessageHistory | PermManageEvents | PermCreateEvents | PermConnect | PermSpeak

// Channel types used by the fake.
const (
	ChannelTypeGuildText     = 0
	ChannelTypeDM            = 1
	ChannelTypeGuildVoice    = 2
	ChannelTypeGuildCategory = 4
)

// discordEpoch is the first second of 2015 in milliseconds.
const discordEpoch = 1420070400000

// defaultLocale is the locale of users and guilds until a test sets one
// (Discord's default preferred_locale).
const defaultLocale = "en-US"

type user struct {
	id, username string
	bot          bool
	locale       string // client language, sent as an interaction's locale; "" = en-US
}

func (u *user) localeOrDefault() string {
	if u == nil || u.locale == "" {
		return defaultLocale
	}
	return u.locale
}

type role struct {
	id, name     string
	perms        int64
	position     int
	color        int
	hoist        bool
	mentionable  bool
	managed      bool
	unicodeEmoji string
}

type member struct {
	userID   string
	roles    []string
	nick     string
	joinedAt time.Time
}

type guild struct {
	id, name, ownerID string
	roles             map[string]*role
	members           map[string]*member
	memberOrder       []string
	channelOrder      []string
	events            map[string]*schedEvent
	eventOrder        []string
	botRoleID         string
	locale            string            // preferred_locale; "" = en-US
	voice             map[string]string // user id → the voice channel they are in (rest_voice.go)
}

func (g *guild) preferredLocale() string {
	if g.locale == "" {
		return defaultLocale
	}
	return g.locale
}

type channel struct {
	id, guildID   string
	typ           int
	name, topic   string
	parentID      string
	position      int
	nsfw          bool
	rateLimit     int
	overwrites    []Overwrite
	recipients    []string // DM channels
	lastMessageID string
	extra         map[string]any // other fields given on create/modify (bitrate, ...)
}

type schedEvent struct {
	id, guildID string
	fields      map[string]any // as last written by the client
	status      int
	creatorID   string
}

// nextID returns a new snowflake, strictly increasing. Callers hold s.mu.
func (s *Server) nextID() string {
	id := (time.Now().UnixMilli() - discordEpoch) << 22
	if id <= s.lastID {
		id = s.lastID + 1
	}
	s.lastID = id
	return strconv.FormatInt(id, 10)
}

// basePermissions is the guild-level permission set of a member.
func (g *guild) basePermissions(userID string) int64 {
	if userID == g.ownerID {
		return permAll
	}
	perms := g.roles[g.id].perms
	if m := g.members[userID]; m != nil {
		for _, rid := range m.roles {
			if r := g.roles[rid]; r != nil {
				perms |= r.perms
			}
		}
	}
	if perms&PermAdministrator != 0 {
		return permAll
	}
	return perms
}

// channelPermissions applies c's overwrites (docs, "Permission Overwrites").
func (g *guild) channelPermissions(c *channel, userID string) int64 {
	perms := g.basePermissions(userID)
	if perms == permAll || c == nil {
		return perms
	}
	m := g.members[userID]
	var roleAllow, roleDeny int64
	var memberOw *Overwrite
	for i := range c.overwrites {
		ow := &c.overwrites[i]
		switch {
		case ow.ID == g.id:
			perms &^= ow.Deny
			perms |= ow.Allow
		case ow.Type == 0 && m != nil && contains(m.roles, ow.ID):
			roleAllow |= ow.Allow
			roleDeny |= ow.Deny
		case ow.Type == 1 && ow.ID == userID:
			memberOw = ow
		}
	}
	perms &^= roleDeny
	perms |= roleAllow
	if memberOw != nil {
		perms &^= memberOw.Deny
		perms |= memberOw.Allow
	}
	if perms&PermViewChannel == 0 {
		return 0
	}
	if perms&PermSendMessages == 0 {
		perms &^= PermMentionEveryone | PermSendTTSMessages | PermAttachFiles | PermEmbedLinks
	}
	return perms
}

// highestRole is the position of the member's highest role (0 = @everyone).
func (g *guild) highestRole(userID string) int {
	if userID == g.ownerID {
		return 1 << 30
	}
	best := 0
	if m := g.members[userID]; m != nil {
		for _, rid := range m.roles {
			if r := g.roles[rid]; r != nil && r.position > best {
				best = r.position
			}
		}
	}
	return best
}

// insertRole places r at position 1, shifting other roles up, as Discord
// does for a new role.
func (g *guild) insertRole(r *role) {
	for _, o := range g.roles {
		if o.id != g.id {
			o.position++
		}
	}
	r.position = 1
	g.roles[r.id] = r
}

func (g *guild) sortedRoles() []*role {
	rs := make([]*role, 0, len(g.roles))
	for _, r := range g.roles {
		rs = append(rs, r)
	}
	sort.Slice(rs, func(i, j int) bool {
		if rs[i].position != rs[j].position {
			return rs[i].position < rs[j].position
		}
		return rs[i].id < rs[j].id
	})
	return rs
}

func contains(list []string, v string) bool {
	for _, e := range list {
		if e == v {
			return true
		}
	}
	return false
}

func remove(list []string, v string) []string {
	out := list[:0:0]
	for _, e := range list {
		if e != v {
			out = append(out, e)
		}
	}
	return out
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// ---- JSON shapes (Discord objects) ----

func (s *Server) userJSON(id string) map[string]any {
	u := s.users[id]
	if u == nil {
		u = &user{id: id, username: "unknown-" + id}
	}
	m := map[string]any{
		"id": u.id, "username": u.username, "discriminator": "0", "global_name": nil,
		"avatar": nil, "public_flags": 0, "flags": 0,
	}
	if u.bot {
		m["bot"] = true
	} else {
		m["global_name"] = u.username
	}
	return m
}

func roleJSON(r *role) map[string]any {
	var emoji any
	if r.unicodeEmoji != "" {
		emoji = r.unicodeEmoji
	}
	return map[string]any{
		"id": r.id, "name": r.name, "permissions": itoa(r.perms), "position": r.position,
		"color": r.color, "colors": map[string]any{"primary_color": r.color, "secondary_color": nil, "tertiary_color": nil},
		"hoist": r.hoist, "managed": r.managed, "mentionable": r.mentionable, "icon": nil,
		"unicode_emoji": emoji, "flags": 0, "description": nil,
	}
}

func (s *Server) memberJSON(g *guild, m *member, withUser bool) map[string]any {
	var nick any
	if m.nick != "" {
		nick = m.nick
	}
	roles := append([]string{}, m.roles...)
	out := map[string]any{
		"roles": roles, "nick": nick, "avatar": nil, "banner": nil, "joined_at": m.joinedAt.UTC().Format(time.RFC3339Nano),
		"premium_since": nil, "deaf": false, "mute": false, "flags": 0, "pending": false,
		"communication_disabled_until": nil,
	}
	if withUser {
		out["user"] = s.userJSON(m.userID)
	}
	return out
}

func overwritesJSON(ows []Overwrite) []map[string]any {
	out := make([]map[string]any, 0, len(ows))
	for _, o := range ows {
		out = append(out, map[string]any{"id": o.ID, "type": o.Type, "allow": itoa(o.Allow), "deny": itoa(o.Deny)})
	}
	return out
}

func (s *Server) channelJSON(c *channel) map[string]any {
	var last, parent any
	if c.lastMessageID != "" {
		last = c.lastMessageID
	}
	if c.typ == ChannelTypeDM {
		rec := []map[string]any{}
		for _, uid := range c.recipients {
			rec = append(rec, s.userJSON(uid))
		}
		return map[string]any{"id": c.id, "type": c.typ, "last_message_id": last, "flags": 0, "recipients": rec}
	}
	if c.parentID != "" {
		parent = c.parentID
	}
	out := map[string]any{
		"id": c.id, "type": c.typ, "guild_id": c.guildID, "name": c.name, "position": c.position,
		"permission_overwrites": overwritesJSON(c.overwrites), "parent_id": parent, "flags": 0,
	}
	for k, v := range c.extra {
		out[k] = v
	}
	if c.typ == ChannelTypeGuildVoice {
		voiceChannelFields(out)
	}
	if c.typ != ChannelTypeGuildCategory && c.typ != ChannelTypeGuildVoice {
		var topic any
		if c.topic != "" {
			topic = c.topic
		}
		out["topic"] = topic
		out["nsfw"] = c.nsfw
		out["rate_limit_per_user"] = c.rateLimit
		out["last_message_id"] = last
	}
	return out
}

// guildJSON is the guild object (GET /guilds/{id}, GUILD_UPDATE).
func (s *Server) guildJSON(g *guild) map[string]any {
	roles := []map[string]any{}
	for _, r := range g.sortedRoles() {
		roles = append(roles, roleJSON(r))
	}
	return map[string]any{
		"id": g.id, "name": g.name, "icon": nil, "splash": nil, "discovery_splash": nil, "owner_id": g.ownerID,
		"afk_channel_id": nil, "afk_timeout": 300, "verification_level": 0, "default_message_notifications": 0,
		"explicit_content_filter": 0, "roles": roles, "emojis": []any{}, "stickers": []any{}, "features": []any{},
		"mfa_level": 0, "application_id": nil, "system_channel_id": nil, "system_channel_flags": 0,
		"rules_channel_id": nil, "vanity_url_code": nil, "description": nil, "banner": nil, "premium_tier": 0,
		"preferred_locale": g.preferredLocale(), "public_updates_channel_id": nil, "nsfw_level": 0, "nsfw": false,
		"premium_progress_bar_enabled": false, "region": "deprecated", "home_header": nil,
		"widget_enabled": false, "widget_channel_id": nil, "max_presences": nil, "max_members": 25000000,
		"max_video_channel_users": 25, "max_stage_video_channel_users": 50, "premium_subscription_count": 0,
		"safety_alerts_channel_id": nil, "incidents_data": nil,
	}
}

// guildCreateJSON is the GUILD_CREATE payload: the guild object plus the
// extra fields of the gateway event.
func (s *Server) guildCreateJSON(g *guild, withAllMembers bool) map[string]any {
	chans := []map[string]any{}
	for _, cid := range g.channelOrder {
		chans = append(chans, s.channelJSON(s.channels[cid]))
	}
	members := []map[string]any{}
	for _, uid := range g.memberOrder {
		if withAllMembers || uid == s.BotUserID {
			members = append(members, s.memberJSON(g, g.members[uid], true))
		}
	}
	events := []map[string]any{}
	for _, eid := range g.eventOrder {
		events = append(events, s.eventJSON(g.events[eid]))
	}
	joined := time.Now().UTC().Format(time.RFC3339Nano)
	if bm := g.members[s.BotUserID]; bm != nil {
		joined = bm.joinedAt.UTC().Format(time.RFC3339Nano)
	}
	out := s.guildJSON(g)
	for k, v := range map[string]any{
		"joined_at": joined, "large": false, "unavailable": false, "member_count": len(g.members),
		"voice_states": s.voiceStatesJSON(g), "members": members, "channels": chans, "threads": []any{}, "presences": []any{},
		"stage_instances": []any{}, "guild_scheduled_events": events, "soundboard_sounds": []any{},
	} {
		out[k] = v
	}
	return out
}

func (s *Server) eventJSON(e *schedEvent) map[string]any {
	out := map[string]any{}
	for k, v := range e.fields {
		out[k] = v
	}
	for _, k := range []string{"description", "scheduled_end_time", "channel_id", "entity_metadata", "image", "recurrence_rule"} {
		if _, ok := out[k]; !ok {
			out[k] = nil
		}
	}
	out["id"] = e.id
	out["guild_id"] = e.guildID
	out["status"] = e.status
	out["creator_id"] = e.creatorID
	out["creator"] = s.userJSON(e.creatorID)
	out["entity_id"] = nil
	out["user_count"] = 0
	return out
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
