package fakediscord

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// routes maps "METHOD /template" (spec templates) to handlers.
var routes = map[string]handler{}

func init() {
	routes["GET /guilds/{guild_id}/channels"] = listGuildChannels
	routes["POST /guilds/{guild_id}/channels"] = createGuildChannel
	routes["GET /channels/{channel_id}"] = getChannel
	routes["PATCH /channels/{channel_id}"] = modifyChannel
	routes["DELETE /channels/{channel_id}"] = deleteChannel
	routes["PUT /channels/{channel_id}/permissions/{overwrite_id}"] = putOverwrite
	routes["DELETE /channels/{channel_id}/permissions/{overwrite_id}"] = deleteOverwrite
}

// permVal is a permission bit set given as a decimal string or a number.
type permVal int64

func (p *permVal) UnmarshalJSON(b []byte) error {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	switch x := v.(type) {
	case nil:
		*p = 0
	case float64:
		*p = permVal(x)
	case string:
		n, err := strconv.ParseInt(x, 10, 64)
		if err != nil {
			return err
		}
		*p = permVal(n)
	default:
		return fmt.Errorf("bad permission value %s", b)
	}
	return nil
}

type overwriteReq struct {
	ID    string  `json:"id"`
	Type  *int    `json:"type"`
	Allow permVal `json:"allow"`
	Deny  permVal `json:"deny"`
}

// guildOf returns the guild or a 10004.
func (s *Server) guildOf(id string) (*guild, *apiError) {
	g := s.guilds[id]
	if g == nil {
		return nil, errUnknownGuild
	}
	return g, nil
}

// visibleChannel returns a channel the bot can see, or 10003 / 50001.
func (s *Server) visibleChannel(id string) (*channel, *guild, *apiError) {
	c := s.channels[id]
	if c == nil {
		return nil, nil, errUnknownChannel
	}
	if c.typ == ChannelTypeDM {
		return c, nil, nil
	}
	g := s.guilds[c.guildID]
	if g.channelPermissions(c, s.BotUserID)&PermViewChannel == 0 {
		return nil, nil, errMissingAccess
	}
	return c, g, nil
}

// checkOverwriteBits enforces "only permissions your bot has can be
// allowed/denied".
func (s *Server) checkOverwriteBits(g *guild, allow, deny int64) *apiError {
	have := g.basePermissions(s.BotUserID)
	if have == permAll {
		return nil
	}
	// Docs: only permissions the bot has can be allowed/denied, and
	// MANAGE_ROLES in channels only by administrators.
	if (allow|deny)&^have != 0 || (allow|deny)&PermManageRoles != 0 {
		return errMissingPerms
	}
	return nil
}

// overwritesFrom converts request overwrites, checking ids and types.
func (s *Server) overwritesFrom(rq *request, g *guild, reqs []overwriteReq) ([]Overwrite, *apiError) {
	out := []Overwrite{}
	for i, o := range reqs {
		field := fmt.Sprintf("permission_overwrites.%d", i)
		if o.Type == nil {
			return nil, rq.docsViolation(field+".type", "overwrite type is required")
		}
		if *o.Type == 0 && g.roles[o.ID] == nil || *o.Type == 1 && g.members[o.ID] == nil {
			return nil, errInvalidForm(field+".id", "Role or member not found")
		}
		if err := s.checkOverwriteBits(g, int64(o.Allow), int64(o.Deny)); err != nil {
			return nil, err
		}
		out = append(out, Overwrite{ID: o.ID, Type: *o.Type, Allow: int64(o.Allow), Deny: int64(o.Deny)})
	}
	return out, nil
}

// docsViolation is a request the spec allows but Discord's docs (and so
// Discord) reject: it fails the test and answers 50035.
func (rq *request) docsViolation(field, msg string) *apiError {
	rq.s.errorf("%s %s: %s: %s (Discord answers 400 Invalid Form Body)", rq.r.Method, rq.r.URL.Path, field, msg)
	return errInvalidForm(field, msg)
}

func listGuildChannels(rq *request) (int, any, *apiError) {
	s := rq.s
	g, err := s.guildOf(rq.p("guild_id"))
	if err != nil {
		return 0, nil, err
	}
	out := []map[string]any{}
	for _, id := range g.channelOrder {
		out = append(out, s.channelJSON(s.channels[id]))
	}
	return 200, out, nil
}

func createGuildChannel(rq *request) (int, any, *apiError) {
	s := rq.s
	g, err := s.guildOf(rq.p("guild_id"))
	if err != nil {
		return 0, nil, err
	}
	if g.basePermissions(s.BotUserID)&PermManageChannels == 0 {
		return 0, nil, errMissingPerms
	}
	var f map[string]json.RawMessage
	if err := rq.decode(&f); err != nil {
		return 0, nil, err
	}
	c := &channel{guildID: g.id, typ: ChannelTypeGuildText, extra: map[string]any{}}
	if err := s.applyChannelFields(rq, g, c, f, true); err != nil {
		return 0, nil, err
	}
	c.id = s.nextID()
	c.position = len(g.channelOrder)
	s.channels[c.id] = c
	g.channelOrder = append(g.channelOrder, c.id)
	s.dispatch("CHANNEL_CREATE", intentGuilds, s.channelJSON(c))
	return 201, s.channelJSON(c), nil
}

// applyChannelFields applies create/modify fields to c (validated first,
// then written, so a failing request changes nothing).
func (s *Server) applyChannelFields(rq *request, g *guild, c *channel, f map[string]json.RawMessage, create bool) *apiError {
	next := *c
	next.extra = map[string]any{}
	for k, v := range c.extra {
		next.extra[k] = v
	}
	owsGiven := false
	for k, raw := range f {
		null := string(raw) == "null"
		var err error
		switch k {
		case "name":
			err = json.Unmarshal(raw, &next.name)
		case "type":
			if !null {
				err = json.Unmarshal(raw, &next.typ)
			}
		case "topic":
			next.topic = ""
			if !null {
				err = json.Unmarshal(raw, &next.topic)
			}
		case "nsfw":
			next.nsfw = false
			if !null {
				err = json.Unmarshal(raw, &next.nsfw)
			}
		case "rate_limit_per_user":
			next.rateLimit = 0
			if !null {
				err = json.Unmarshal(raw, &next.rateLimit)
			}
		case "position":
			if !null {
				err = json.Unmarshal(raw, &next.position)
			}
		case "parent_id":
			next.parentID = ""
			if !null {
				err = json.Unmarshal(raw, &next.parentID)
			}
			if p := s.channels[next.parentID]; next.parentID != "" && (p == nil || p.guildID != g.id || p.typ != ChannelTypeGuildCategory) {
				return errInvalidForm("parent_id", "Category does not exist")
			}
		case "permission_overwrites":
			owsGiven = true
			var reqs []overwriteReq
			if !null {
				if err := json.Unmarshal(raw, &reqs); err != nil {
					return errInvalidForm(k, err.Error())
				}
			}
			// Docs: modifying overwrites needs MANAGE_ROLES; creating does not.
			if !create && g.channelPermissions(c, s.BotUserID)&PermManageRoles == 0 {
				return errMissingPerms
			}
			ows, aerr := s.overwritesFrom(rq, g, reqs)
			if aerr != nil {
				return aerr
			}
			next.overwrites = ows
		default:
			var v any
			_ = json.Unmarshal(raw, &v)
			next.extra[k] = v
		}
		if err != nil {
			return errInvalidForm(k, err.Error())
		}
	}
	if create {
		if next.name == "" {
			return errInvalidForm("name", "This field is required")
		}
		if !owsGiven && next.parentID != "" {
			next.overwrites = append([]Overwrite(nil), s.channels[next.parentID].overwrites...)
		}
	}
	if next.overwrites == nil {
		next.overwrites = []Overwrite{}
	}
	*c = next
	return nil
}

func getChannel(rq *request) (int, any, *apiError) {
	c, _, err := rq.s.visibleChannel(rq.p("channel_id"))
	if err != nil {
		return 0, nil, err
	}
	return 200, rq.s.channelJSON(c), nil
}

func modifyChannel(rq *request) (int, any, *apiError) {
	s := rq.s
	c, g, err := s.visibleChannel(rq.p("channel_id"))
	if err != nil {
		return 0, nil, err
	}
	if g == nil {
		return 0, nil, errMissingPerms // DM channels cannot be modified by bots
	}
	if g.channelPermissions(c, s.BotUserID)&PermManageChannels == 0 {
		return 0, nil, errMissingPerms
	}
	var f map[string]json.RawMessage
	if err := rq.decode(&f); err != nil {
		return 0, nil, err
	}
	if err := s.applyChannelFields(rq, g, c, f, false); err != nil {
		return 0, nil, err
	}
	s.dispatch("CHANNEL_UPDATE", intentGuilds, s.channelJSON(c))
	return 200, s.channelJSON(c), nil
}

func deleteChannel(rq *request) (int, any, *apiError) {
	s := rq.s
	c, g, err := s.visibleChannel(rq.p("channel_id"))
	if err != nil {
		return 0, nil, err
	}
	if g == nil || g.channelPermissions(c, s.BotUserID)&PermManageChannels == 0 {
		return 0, nil, errMissingPerms
	}
	out := s.channelJSON(c)
	s.deleteChannelLocked(c)
	return 200, out, nil
}

func (s *Server) deleteChannelLocked(c *channel) {
	g := s.guilds[c.guildID]
	out := s.channelJSON(c)
	delete(s.channels, c.id)
	g.channelOrder = remove(g.channelOrder, c.id)
	s.voiceChannelGoneLocked(g, c)
	for _, o := range s.channels {
		if o.parentID == c.id {
			o.parentID = ""
		}
	}
	s.dispatch("CHANNEL_DELETE", intentGuilds, out)
}

func putOverwrite(rq *request) (int, any, *apiError) {
	s := rq.s
	c, g, err := s.visibleChannel(rq.p("channel_id"))
	if err != nil {
		return 0, nil, err
	}
	if g == nil || g.channelPermissions(c, s.BotUserID)&PermManageRoles == 0 {
		return 0, nil, errMissingPerms
	}
	var o overwriteReq
	if err := rq.decode(&o); err != nil {
		return 0, nil, err
	}
	o.ID = rq.p("overwrite_id")
	ows, aerr := s.overwritesFrom(rq, g, []overwriteReq{o})
	if aerr != nil {
		return 0, nil, aerr
	}
	replaced := false
	for i := range c.overwrites {
		if c.overwrites[i].ID == o.ID {
			c.overwrites[i] = ows[0]
			replaced = true
		}
	}
	if !replaced {
		c.overwrites = append(c.overwrites, ows[0])
	}
	s.dispatch("CHANNEL_UPDATE", intentGuilds, s.channelJSON(c))
	return 204, nil, nil
}

func deleteOverwrite(rq *request) (int, any, *apiError) {
	s := rq.s
	c, g, err := s.visibleChannel(rq.p("channel_id"))
	if err != nil {
		return 0, nil, err
	}
	if g == nil || g.channelPermissions(c, s.BotUserID)&PermManageRoles == 0 {
		return 0, nil, errMissingPerms
	}
	s.removeOverwriteLocked(c, rq.p("overwrite_id"))
	return 204, nil, nil
}

// removeOverwriteLocked deletes an overwrite (no-op if absent, as Discord
// answers 204 either way) and dispatches CHANNEL_UPDATE if it existed.
func (s *Server) removeOverwriteLocked(c *channel, id string) {
	kept := c.overwrites[:0:0]
	for _, o := range c.overwrites {
		if o.ID != id {
			kept = append(kept, o)
		}
	}
	if len(kept) != len(c.overwrites) {
		c.overwrites = kept
		s.dispatch("CHANNEL_UPDATE", intentGuilds, s.channelJSON(c))
	}
}
