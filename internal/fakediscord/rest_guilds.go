package fakediscord

import (
	"encoding/json"
	"time"
)

func init() {
	routes["GET /guilds/{guild_id}"] = getGuild
	routes["GET /guilds/{guild_id}/roles"] = listRoles
	routes["POST /guilds/{guild_id}/roles"] = createRole
	routes["PATCH /guilds/{guild_id}/roles/{role_id}"] = modifyRole
	routes["DELETE /guilds/{guild_id}/roles/{role_id}"] = deleteRole
	routes["GET /guilds/{guild_id}/members/{user_id}"] = getMember
	routes["PUT /guilds/{guild_id}/members/{user_id}/roles/{role_id}"] = addMemberRole
	routes["DELETE /guilds/{guild_id}/members/{user_id}/roles/{role_id}"] = removeMemberRole
	routes["GET /guilds/{guild_id}/scheduled-events"] = listEvents
	routes["POST /guilds/{guild_id}/scheduled-events"] = createEvent
	routes["GET /guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}"] = getEvent
	routes["PATCH /guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}"] = modifyEvent
	routes["DELETE /guilds/{guild_id}/scheduled-events/{guild_scheduled_event_id}"] = deleteEvent
}

// Scheduled event entity types and statuses.
const (
	EventEntityStage    = 1
	EventEntityVoice    = 2
	EventEntityExternal = 3

	EventScheduled = 1
	EventActive    = 2
	EventCompleted = 3
	EventCanceled  = 4
)

type roleReq struct {
	Name         *string  `json:"name"`
	Permissions  *permVal `json:"permissions"`
	Color        *int     `json:"color"`
	Hoist        *bool    `json:"hoist"`
	Mentionable  *bool    `json:"mentionable"`
	UnicodeEmoji *string  `json:"unicode_emoji"`
}

func (req *roleReq) apply(r *role) {
	if req.Name != nil {
		r.name = *req.Name
	}
	if req.Permissions != nil {
		r.perms = int64(*req.Permissions)
	}
	if req.Color != nil {
		r.color = *req.Color
	}
	if req.Hoist != nil {
		r.hoist = *req.Hoist
	}
	if req.Mentionable != nil {
		r.mentionable = *req.Mentionable
	}
	if req.UnicodeEmoji != nil {
		r.unicodeEmoji = *req.UnicodeEmoji
	}
}

// manageableRole checks MANAGE_ROLES and the role hierarchy.
func (s *Server) manageableRole(g *guild, roleID string) (*role, *apiError) {
	r := g.roles[roleID]
	if r == nil {
		return nil, errUnknownRole
	}
	if g.basePermissions(s.BotUserID)&PermManageRoles == 0 {
		return nil, errMissingPerms
	}
	if r.id != g.id && r.position >= g.highestRole(s.BotUserID) {
		return nil, errMissingPerms
	}
	return r, nil
}

// getGuild answers the guild object; with_counts=true adds the
// approximate member and presence counts.
func getGuild(rq *request) (int, any, *apiError) {
	s := rq.s
	g, err := s.guildOf(rq.p("guild_id"))
	if err != nil {
		return 0, nil, err
	}
	out := s.guildJSON(g)
	if rq.query.Get("with_counts") == "true" {
		out["approximate_member_count"] = len(g.members)
		out["approximate_presence_count"] = 0
	}
	return 200, out, nil
}

func listRoles(rq *request) (int, any, *apiError) {
	g, err := rq.s.guildOf(rq.p("guild_id"))
	if err != nil {
		return 0, nil, err
	}
	out := []map[string]any{}
	for _, r := range g.sortedRoles() {
		out = append(out, roleJSON(r))
	}
	return 200, out, nil
}

func createRole(rq *request) (int, any, *apiError) {
	s := rq.s
	g, err := s.guildOf(rq.p("guild_id"))
	if err != nil {
		return 0, nil, err
	}
	if g.basePermissions(s.BotUserID)&PermManageRoles == 0 {
		return 0, nil, errMissingPerms
	}
	var req roleReq
	if err := rq.decode(&req); err != nil {
		return 0, nil, err
	}
	if req.Permissions != nil && int64(*req.Permissions)&^g.basePermissions(s.BotUserID) != 0 {
		return 0, nil, errMissingPerms
	}
	if len(g.roles) >= 250 {
		return 0, nil, &apiError{status: 400, code: 30005, msg: "Maximum number of guild roles reached (250)"}
	}
	r := &role{id: s.nextID(), name: "new role"}
	req.apply(r)
	g.insertRole(r)
	s.dispatch("GUILD_ROLE_CREATE", intentGuilds, map[string]any{"guild_id": g.id, "role": roleJSON(r)})
	return 200, roleJSON(r), nil
}

func modifyRole(rq *request) (int, any, *apiError) {
	s := rq.s
	g, err := s.guildOf(rq.p("guild_id"))
	if err != nil {
		return 0, nil, err
	}
	r, err := s.manageableRole(g, rq.p("role_id"))
	if err != nil {
		return 0, nil, err
	}
	var req roleReq
	if err := rq.decode(&req); err != nil {
		return 0, nil, err
	}
	if req.Permissions != nil && (int64(*req.Permissions)&^r.perms)&^g.basePermissions(s.BotUserID) != 0 {
		return 0, nil, errMissingPerms
	}
	req.apply(r)
	s.dispatch("GUILD_ROLE_UPDATE", intentGuilds, map[string]any{"guild_id": g.id, "role": roleJSON(r)})
	return 200, roleJSON(r), nil
}

func deleteRole(rq *request) (int, any, *apiError) {
	s := rq.s
	g, err := s.guildOf(rq.p("guild_id"))
	if err != nil {
		return 0, nil, err
	}
	r, err := s.manageableRole(g, rq.p("role_id"))
	if err != nil {
		return 0, nil, err
	}
	if r.id == g.id || r.managed {
		return 0, nil, &apiError{status: 400, code: 50028, msg: "Invalid role"}
	}
	s.deleteRoleLocked(g, r)
	return 204, nil, nil
}

func (s *Server) deleteRoleLocked(g *guild, r *role) {
	delete(g.roles, r.id)
	for _, o := range g.roles {
		if o.position > r.position {
			o.position--
		}
	}
	for _, uid := range g.memberOrder {
		m := g.members[uid]
		if contains(m.roles, r.id) {
			m.roles = remove(m.roles, r.id)
			s.dispatch("GUILD_MEMBER_UPDATE", intentGuildMembers, s.memberUpdateJSON(g, m))
		}
	}
	s.dispatch("GUILD_ROLE_DELETE", intentGuilds, map[string]any{"guild_id": g.id, "role_id": r.id})
}

func (s *Server) memberUpdateJSON(g *guild, m *member) map[string]any {
	d := s.memberJSON(g, m, true)
	d["guild_id"] = g.id
	return d
}

func getMember(rq *request) (int, any, *apiError) {
	g, err := rq.s.guildOf(rq.p("guild_id"))
	if err != nil {
		return 0, nil, err
	}
	m := g.members[rq.p("user_id")]
	if m == nil {
		return 0, nil, errUnknownMember
	}
	return 200, rq.s.memberJSON(g, m, true), nil
}

func memberRoleChange(rq *request, add bool) (int, any, *apiError) {
	s := rq.s
	g, err := s.guildOf(rq.p("guild_id"))
	if err != nil {
		return 0, nil, err
	}
	m := g.members[rq.p("user_id")]
	if m == nil {
		return 0, nil, errUnknownMember
	}
	r, err := s.manageableRole(g, rq.p("role_id"))
	if err != nil {
		return 0, nil, err
	}
	if r.id == g.id || r.managed {
		return 0, nil, &apiError{status: 400, code: 50028, msg: "Invalid role"}
	}
	if add == contains(m.roles, r.id) {
		return 204, nil, nil
	}
	if add {
		m.roles = append(m.roles, r.id)
	} else {
		m.roles = remove(m.roles, r.id)
	}
	s.dispatch("GUILD_MEMBER_UPDATE", intentGuildMembers, s.memberUpdateJSON(g, m))
	return 204, nil, nil
}

func addMemberRole(rq *request) (int, any, *apiError)    { return memberRoleChange(rq, true) }
func removeMemberRole(rq *request) (int, any, *apiError) { return memberRoleChange(rq, false) }

func listEvents(rq *request) (int, any, *apiError) {
	g, err := rq.s.guildOf(rq.p("guild_id"))
	if err != nil {
		return 0, nil, err
	}
	out := []map[string]any{}
	for _, id := range g.eventOrder {
		out = append(out, rq.s.eventJSON(g.events[id]))
	}
	return 200, out, nil
}

func (s *Server) eventOf(rq *request) (*guild, *schedEvent, *apiError) {
	g, err := s.guildOf(rq.p("guild_id"))
	if err != nil {
		return nil, nil, err
	}
	e := g.events[rq.p("guild_scheduled_event_id")]
	if e == nil {
		return nil, nil, errUnknownEvent
	}
	return g, e, nil
}

func getEvent(rq *request) (int, any, *apiError) {
	_, e, err := rq.s.eventOf(rq)
	if err != nil {
		return 0, nil, err
	}
	return 200, rq.s.eventJSON(e), nil
}

// checkEventFields applies the docs' rules on the merged fields of an event.
func (s *Server) checkEventFields(rq *request, g *guild, f map[string]any) *apiError {
	et, _ := f["entity_type"].(float64)
	ch, _ := f["channel_id"].(string)
	switch int(et) {
	case EventEntityExternal:
		if ch != "" {
			return rq.docsViolation("channel_id", "must be null for EXTERNAL events")
		}
		loc, _ := f["entity_metadata"].(map[string]any)
		if l, _ := loc["location"].(string); l == "" {
			return rq.docsViolation("entity_metadata.location", "required for EXTERNAL events")
		}
		if end, _ := f["scheduled_end_time"].(string); end == "" {
			return rq.docsViolation("scheduled_end_time", "required for EXTERNAL events")
		}
	case EventEntityStage, EventEntityVoice:
		if c := s.channels[ch]; c == nil || c.guildID != g.id {
			return rq.docsViolation("channel_id", "a channel of the guild is required for STAGE_INSTANCE/VOICE events")
		}
		if err := s.checkChannelEvent(rq, g, f, int(et)); err != nil {
			return err
		}
	}
	if pl, ok := f["privacy_level"].(float64); ok && pl != 2 {
		return rq.docsViolation("privacy_level", "the only privacy level is 2 (GUILD_ONLY)")
	}
	start, err := time.Parse(time.RFC3339, asString(f["scheduled_start_time"]))
	if err != nil {
		return errInvalidForm("scheduled_start_time", "Invalid ISO8601 timestamp")
	}
	if end := asString(f["scheduled_end_time"]); end != "" {
		e, err := time.Parse(time.RFC3339, end)
		if err != nil || !e.After(start) {
			return errInvalidForm("scheduled_end_time", "End time must be after start time")
		}
	}
	return nil
}

func asString(v any) string { s, _ := v.(string); return s }

func createEvent(rq *request) (int, any, *apiError) {
	s := rq.s
	g, err := s.guildOf(rq.p("guild_id"))
	if err != nil {
		return 0, nil, err
	}
	if g.basePermissions(s.BotUserID)&(PermCreateEvents|PermManageEvents) == 0 {
		return 0, nil, errMissingPerms
	}
	var f map[string]any
	if err := rq.decode(&f); err != nil {
		return 0, nil, err
	}
	if err := s.checkEventFields(rq, g, f); err != nil {
		return 0, nil, err
	}
	if start, _ := time.Parse(time.RFC3339, asString(f["scheduled_start_time"])); start.Before(s.now()) {
		return 0, nil, errInvalidForm("scheduled_start_time", "Cannot schedule event in the past.")
	}
	active := 0
	for _, e := range g.events {
		if e.status == EventScheduled || e.status == EventActive {
			active++
		}
	}
	if active >= 100 {
		return 0, nil, &apiError{status: 400, code: 30038, msg: "Maximum number of uncompleted guild scheduled events reached (100)"}
	}
	e := &schedEvent{id: s.nextID(), guildID: g.id, fields: f, status: EventScheduled, creatorID: s.BotUserID}
	delete(f, "status")
	g.events[e.id] = e
	g.eventOrder = append(g.eventOrder, e.id)
	s.dispatch("GUILD_SCHEDULED_EVENT_CREATE", intentScheduledEvents, s.eventJSON(e))
	return 200, s.eventJSON(e), nil
}

func modifyEvent(rq *request) (int, any, *apiError) {
	s := rq.s
	g, e, err := s.eventOf(rq)
	if err != nil {
		return 0, nil, err
	}
	if g.basePermissions(s.BotUserID)&PermManageEvents == 0 && (e.creatorID != s.BotUserID || g.basePermissions(s.BotUserID)&PermCreateEvents == 0) {
		return 0, nil, errMissingPerms
	}
	var f map[string]json.RawMessage
	if err := rq.decode(&f); err != nil {
		return 0, nil, err
	}
	merged := map[string]any{}
	for k, v := range e.fields {
		merged[k] = v
	}
	status := e.status
	for k, raw := range f {
		var v any
		_ = json.Unmarshal(raw, &v)
		if k == "status" {
			n, _ := v.(float64)
			status = int(n)
			continue
		}
		merged[k] = v
	}
	if err := s.checkEventFields(rq, g, merged); err != nil {
		return 0, nil, err
	}
	if status != e.status && !validEventMove(e.status, status) {
		return 0, nil, errInvalidForm("status", "Invalid Guild Scheduled Event Status Transition")
	}
	e.fields, e.status = merged, status
	s.dispatch("GUILD_SCHEDULED_EVENT_UPDATE", intentScheduledEvents, s.eventJSON(e))
	return 200, s.eventJSON(e), nil
}

func validEventMove(from, to int) bool {
	return from == EventScheduled && (to == EventActive || to == EventCanceled) || from == EventActive && to == EventCompleted
}

func deleteEvent(rq *request) (int, any, *apiError) {
	s := rq.s
	g, e, err := s.eventOf(rq)
	if err != nil {
		return 0, nil, err
	}
	if g.basePermissions(s.BotUserID)&PermManageEvents == 0 && e.creatorID != s.BotUserID {
		return 0, nil, errMissingPerms
	}
	delete(g.events, e.id)
	g.eventOrder = remove(g.eventOrder, e.id)
	s.dispatch("GUILD_SCHEDULED_EVENT_DELETE", intentScheduledEvents, s.eventJSON(e))
	return 204, nil, nil
}
