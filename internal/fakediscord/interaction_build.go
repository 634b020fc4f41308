package fakediscord

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"sort"
	"time"
)

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (s *Server) defaultChannel(guildID, userID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.defaultChannelLocked(guildID, userID)
}

// defaultChannelLocked is the guild's first text channel, or the user's DM.
func (s *Server) defaultChannelLocked(guildID, userID string) string {
	if guildID == "" {
		if s.users[userID] == nil {
			return ""
		}
		return s.dmChannelLocked(userID).id
	}
	g := s.guilds[guildID]
	if g == nil {
		return ""
	}
	for _, id := range g.channelOrder {
		if c := s.channels[id]; c.typ == ChannelTypeGuildText {
			return id
		}
	}
	return ""
}

// invoke builds command / autocomplete data and dispatches it.
func (s *Server) invoke(typ int, channelID, userID, name string, opts []Opt) *Interaction {
	s.mu.Lock()
	c := s.channels[channelID]
	data := map[string]any{"name": name, "type": 1}
	resolved := map[string]map[string]any{}
	var g *guild
	if c != nil {
		g = s.guilds[c.guildID]
	}
	data["options"] = s.optionsJSON(g, c, opts, resolved)
	if len(resolved) > 0 {
		data["resolved"] = resolved
	}
	data["id"] = s.nextID()
	scopes := []string{""}
	if g != nil {
		scopes = []string{g.id, ""}
	}
	found := false
	for _, sc := range scopes {
		for _, cmd := range s.commands[sc] {
			if cmd["name"] == name && !found {
				found = true
				data["id"], data["type"] = cmd["id"], cmd["type"]
				if sc != "" {
					data["guild_id"] = sc
				}
			}
		}
	}
	s.mu.Unlock()
	if !found {
		s.t.Logf("fakediscord: invoking /%s, which the bot has not registered", name)
	}
	return s.dispatchInteraction(typ, channelID, userID, data, nil)
}

func (s *Server) optionsJSON(g *guild, c *channel, opts []Opt, resolved map[string]map[string]any) []any {
	out := []any{}
	for _, o := range opts {
		j := map[string]any{"name": o.Name, "type": o.Type}
		if o.Type == 1 || o.Type == 2 {
			j["options"] = s.optionsJSON(g, c, o.Options, resolved)
		} else {
			j["value"] = o.Value
		}
		if o.Focused {
			j["focused"] = true
		}
		if id, ok := o.Value.(string); ok && o.Type >= 6 && o.Type <= 9 {
			s.resolve(g, c, o.Type, id, resolved)
		}
		out = append(out, j)
	}
	return out
}

// resolve fills data.resolved for a user/channel/role/mentionable id.
func (s *Server) resolve(g *guild, c *channel, typ int, id string, resolved map[string]map[string]any) {
	add := func(kind string, v any) {
		if resolved[kind] == nil {
			resolved[kind] = map[string]any{}
		}
		resolved[kind][id] = v
	}
	if (typ == 6 || typ == 9) && s.users[id] != nil {
		add("users", s.userJSON(id))
		if g != nil && g.members[id] != nil {
			m := s.memberJSON(g, g.members[id], false)
			m["permissions"] = itoa(g.channelPermissions(c, id))
			add("members", m)
		}
	}
	if (typ == 8 || typ == 9) && g != nil && g.roles[id] != nil {
		add("roles", roleJSON(g.roles[id]))
	}
	if typ == 7 {
		if ch := s.channels[id]; ch != nil {
			j := map[string]any{"id": ch.id, "type": ch.typ, "name": ch.name, "permissions": "0"}
			if ch.parentID != "" {
				j["parent_id"] = ch.parentID
			}
			if g != nil {
				j["guild_id"] = g.id
				// the invoking user's permissions are filled in by dispatchInteraction
			}
			add("channels", j)
		}
	}
}

// invokeComponent finds the message holding customID and dispatches.
func (s *Server) invokeComponent(typ int, guildID, userID, customID string, data map[string]any) *Interaction {
	s.mu.Lock()
	var found *message
	for _, c := range s.channels {
		if c.guildID != guildID || guildID == "" && !contains(c.recipients, userID) {
			continue
		}
		for _, m := range s.messages[c.id] {
			if hasCustomID(m.components, customID) && (found == nil || idLess(found.id, m.id)) {
				found = m
			}
		}
	}
	channelID := s.defaultChannelLocked(guildID, userID)
	if found == nil && channelID != "" {
		comps := mustJSON([]any{map[string]any{"type": 1, "components": []any{
			map[string]any{"type": 2, "style": 1, "label": customID, "custom_id": customID}}}})
		content := ""
		found = s.newMessageLocked(s.channels[channelID], &messageReq{Content: &content, Components: comps}, "", 0)
	}
	if found != nil {
		channelID = found.channelID
	}
	if vals, ok := data["values"].([]string); ok && data["component_type"] != 3 {
		kinds := map[any]int{5: 6, 6: 8, 7: 9, 8: 7} // select type -> option type
		resolved := map[string]map[string]any{}
		c := s.channels[channelID]
		var g *guild
		if c != nil {
			g = s.guilds[c.guildID]
		}
		for _, v := range vals {
			s.resolve(g, c, kinds[data["component_type"]], v, resolved)
		}
		if len(resolved) > 0 {
			data["resolved"] = resolved
		}
	}
	s.mu.Unlock()
	return s.dispatchInteraction(typ, channelID, userID, data, found)
}

func hasCustomID(raw json.RawMessage, id string) bool {
	if isEmptyJSON(raw) {
		return false
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return false
	}
	var walk func(any) bool
	walk = func(x any) bool {
		switch t := x.(type) {
		case map[string]any:
			if t["custom_id"] == id {
				return true
			}
			for _, e := range t {
				if walk(e) {
					return true
				}
			}
		case []any:
			for _, e := range t {
				if walk(e) {
					return true
				}
			}
		}
		return false
	}
	return walk(v)
}

func randomToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return "aW50ZXJhY3Rpb246" + hex.EncodeToString(b)
}

// dispatchInteraction builds the interaction object, records it and sends
// INTERACTION_CREATE to the newest gateway session.
func (s *Server) dispatchInteraction(typ int, channelID, userID string, data map[string]any, msg *message) *Interaction {
	s.mu.Lock()
	defer s.mu.Unlock()
	in := &Interaction{ID: s.nextID(), Token: randomToken(), Type: typ, ChannelID: channelID, UserID: userID,
		s: s, changed: make(chan struct{})}
	c := s.channels[channelID]
	if c == nil || s.users[userID] == nil {
		s.t.Errorf("fakediscord: interaction by unknown user %q or in unknown channel %q", userID, channelID)
		in.DispatchedAt = time.Now()
		return in
	}
	p := map[string]any{
		"id": in.ID, "application_id": s.AppID, "type": typ, "data": data, "channel_id": c.id,
		"token": in.Token, "version": 1, "locale": s.users[userID].localeOrDefault(), "entitlements": []any{},
		"attachment_size_limit": 10485760,
	}
	chJSON := map[string]any{"id": c.id, "type": c.typ}
	if c.typ == ChannelTypeDM {
		p["user"] = s.userJSON(userID)
		p["context"] = 1
		p["authorizing_integration_owners"] = map[string]any{"0": "0"}
		p["app_permissions"] = itoa(PermViewChannel | PermSendMessages | PermReadMessageHistory | PermEmbedLinks | PermAttachFiles)
		chJSON["recipients"] = []any{s.userJSON(userID)}
		chJSON["flags"] = 0
	} else {
		g := s.guilds[c.guildID]
		m := g.members[userID]
		if m == nil {
			s.t.Errorf("fakediscord: user %s is not a member of guild %s", userID, g.id)
			in.DispatchedAt = time.Now()
			return in
		}
		in.GuildID = g.id
		mj := s.memberJSON(g, m, true)
		mj["permissions"] = itoa(g.channelPermissions(c, userID))
		p["member"] = mj
		p["guild_id"] = g.id
		p["guild"] = map[string]any{"id": g.id, "locale": g.preferredLocale(), "features": []any{}}
		p["guild_locale"] = g.preferredLocale()
		p["context"] = 0
		p["authorizing_integration_owners"] = map[string]any{"0": g.id}
		p["app_permissions"] = itoa(g.channelPermissions(c, s.BotUserID))
		chJSON["guild_id"] = g.id
		chJSON["name"] = c.name
		chJSON["permissions"] = mj["permissions"]
		if c.parentID != "" {
			chJSON["parent_id"] = c.parentID
		}
		if res, ok := data["resolved"].(map[string]map[string]any); ok {
			for id, v := range res["channels"] {
				v.(map[string]any)["permissions"] = itoa(g.channelPermissions(s.channels[id], userID))
			}
		}
	}
	p["channel"] = chJSON
	if msg != nil {
		in.MessageID = msg.id
		p["message"] = s.messageJSON(msg)
	}
	in.Payload = mustJSON(p)
	s.interactions[in.ID] = in
	s.byToken[in.Token] = in
	in.DispatchedAt = time.Now()
	if s.http.url != "" && s.enter() {
		in.httpPending = make(chan struct{})
		go s.deliverHTTP(in, s.http.url, s.http.tamper)
		return in
	}
	in.delivered = s.gw.dispatchInteraction(in.GuildID, in.Payload)
	return in
}
