package fakediscord

import (
	"fmt"
	"slices"
)

// AutoMod rules (docs: resources/auto-moderation). Every route needs
// MANAGE_GUILD; a server holds at most 6 KEYWORD rules and one of each
// other trigger type; changes are dispatched to sessions with the
// AUTO_MODERATION_CONFIGURATION intent.
func init() {
	routes["GET /guilds/{guild_id}/auto-moderation/rules"] = listAutoModRules
	routes["POST /guilds/{guild_id}/auto-moderation/rules"] = createAutoModRule
	routes["GET /guilds/{guild_id}/auto-moderation/rules/{rule_id}"] = getAutoModRule
	routes["PATCH /guilds/{guild_id}/auto-moderation/rules/{rule_id}"] = modifyAutoModRule
	routes["DELETE /guilds/{guild_id}/auto-moderation/rules/{rule_id}"] = deleteAutoModRule
}

const (
	intentAutoModConfig = 1 << 20

	PermManageGuild int64 = 1 << 5

	// AutoMod trigger, event and action types.
	TriggerKeyword     = 1
	TriggerSpam        = 3
	TriggerPreset      = 4
	TriggerMentionSpam = 5
	TriggerProfile     = 6
	EventMessageSend   = 1
	ActionBlock        = 1
	ActionSendAlert    = 2
	ActionTimeout      = 3
	ActionBlockMember  = 4

	maxKeywordRules = 6
	maxTimeout      = 2419200 // seconds: four weeks
)

var errUnknownAutoModRule = &apiError{status: 404, code: 10066, msg: "Unknown auto moderation rule"}

// AutoModRule is a snapshot of an AutoMod rule.
type AutoModRule struct {
	ID, GuildID, Name, CreatorID string
	EventType, TriggerType       int
	Keywords, Regexes, AllowList []string
	Actions                      []AutoModAction
	Enabled                      bool
	ExemptRoles, ExemptChannels  []string
}

// AutoModAction is one action of a rule; ChannelID for SEND_ALERT_MESSAGE,
// Duration (seconds) for TIMEOUT.
type AutoModAction struct {
	Type          int
	ChannelID     string
	Duration      int
	CustomMessage string
}

type autoModRule struct {
	AutoModRule
	metadata map[string]any // other trigger metadata, as written
}

type autoModWire struct {
	Name            *string `json:"name"`
	EventType       *int    `json:"event_type"`
	TriggerType     *int    `json:"trigger_type"`
	TriggerMetadata *struct {
		KeywordFilter []string `json:"keyword_filter"`
		RegexPatterns []string `json:"regex_patterns"`
		AllowList     []string `json:"allow_list"`
	} `json:"trigger_metadata"`
	Actions *[]struct {
		Type     int `json:"type"`
		Metadata *struct {
			ChannelID     string `json:"channel_id"`
			Duration      int    `json:"duration_seconds"`
			CustomMessage string `json:"custom_message"`
		} `json:"metadata"`
	} `json:"actions"`
	Enabled        *bool     `json:"enabled"`
	ExemptRoles    *[]string `json:"exempt_roles"`
	ExemptChannels *[]string `json:"exempt_channels"`
}

func (r *autoModRule) json() map[string]any {
	actions := []map[string]any{}
	for _, a := range r.Actions {
		md := map[string]any{}
		switch a.Type {
		case ActionSendAlert:
			md["channel_id"] = a.ChannelID
		case ActionTimeout:
			md["duration_seconds"] = a.Duration
		case ActionBlock:
			if a.CustomMessage != "" {
				md["custom_message"] = a.CustomMessage
			}
		}
		actions = append(actions, map[string]any{"type": a.Type, "metadata": md})
	}
	meta := map[string]any{}
	for k, v := range r.metadata {
		meta[k] = v
	}
	if r.TriggerType == TriggerKeyword || r.TriggerType == TriggerProfile {
		meta["keyword_filter"] = orEmpty(r.Keywords)
		meta["regex_patterns"] = orEmpty(r.Regexes)
		meta["allow_list"] = orEmpty(r.AllowList)
	}
	return map[string]any{"id": r.ID, "guild_id": r.GuildID, "name": r.Name, "creator_id": r.CreatorID,
		"event_type": r.EventType, "trigger_type": r.TriggerType, "trigger_metadata": meta, "actions": actions,
		"enabled": r.Enabled, "exempt_roles": orEmpty(r.ExemptRoles), "exempt_channels": orEmpty(r.ExemptChannels)}
}

func orEmpty(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// autoModGuild is the guild of an AutoMod route, when the bot may manage
// its rules.
func (s *Server) autoModGuild(rq *request) (*guild, *apiError) {
	g, err := s.guildOf(rq.p("guild_id"))
	if err != nil {
		return nil, err
	}
	if g.basePermissions(s.BotUserID)&PermManageGuild == 0 {
		return nil, errMissingPerms
	}
	return g, nil
}

func (s *Server) autoModRule(g *guild, id string) (*autoModRule, *apiError) {
	for _, r := range s.automod[g.id] {
		if r.ID == id {
			return r, nil
		}
	}
	return nil, errUnknownAutoModRule
}

func listAutoModRules(rq *request) (int, any, *apiError) {
	g, err := rq.s.autoModGuild(rq)
	if err != nil {
		return 0, nil, err
	}
	out := []map[string]any{}
	for _, r := range rq.s.automod[g.id] {
		out = append(out, r.json())
	}
	return 200, out, nil
}

func getAutoModRule(rq *request) (int, any, *apiError) {
	g, err := rq.s.autoModGuild(rq)
	if err != nil {
		return 0, nil, err
	}
	r, err := rq.s.autoModRule(g, rq.p("rule_id"))
	if err != nil {
		return 0, nil, err
	}
	return 200, r.json(), nil
}

func createAutoModRule(rq *request) (int, any, *apiError) {
	s := rq.s
	g, err := s.autoModGuild(rq)
	if err != nil {
		return 0, nil, err
	}
	var w autoModWire
	if err := rq.decode(&w); err != nil {
		return 0, nil, err
	}
	r := &autoModRule{AutoModRule: AutoModRule{GuildID: g.id, CreatorID: s.BotUserID, Enabled: false}}
	if err := s.applyAutoMod(rq, g, r, &w, true); err != nil {
		return 0, nil, err
	}
	limit := 1
	if r.TriggerType == TriggerKeyword {
		limit = maxKeywordRules
	}
	n := 0
	for _, have := range s.automod[g.id] {
		if have.TriggerType == r.TriggerType {
			n++
		}
	}
	if n >= limit {
		return 0, nil, &apiError{status: 400, code: 50035, msg: "Invalid Form Body", errs: map[string]any{
			"trigger_type": map[string]any{"_errors": []map[string]any{{"code": "AUTO_MODERATION_MAX_RULES_OF_TYPE_EXCEEDED",
				"message": fmt.Sprintf("Maximum number of rules of this type reached (%d)", limit)}}}}}
	}
	r.ID = s.nextID()
	if s.automod == nil {
		s.automod = map[string][]*autoModRule{}
	}
	s.automod[g.id] = append(s.automod[g.id], r)
	s.dispatch("AUTO_MODERATION_RULE_CREATE", intentAutoModConfig, r.json())
	return 200, r.json(), nil
}

func modifyAutoModRule(rq *request) (int, any, *apiError) {
	s := rq.s
	g, err := s.autoModGuild(rq)
	if err != nil {
		return 0, nil, err
	}
	r, err := s.autoModRule(g, rq.p("rule_id"))
	if err != nil {
		return 0, nil, err
	}
	var w autoModWire
	if err := rq.decode(&w); err != nil {
		return 0, nil, err
	}
	next := *r
	if err := s.applyAutoMod(rq, g, &next, &w, false); err != nil {
		return 0, nil, err
	}
	*r = next
	s.dispatch("AUTO_MODERATION_RULE_UPDATE", intentAutoModConfig, r.json())
	return 200, r.json(), nil
}

func deleteAutoModRule(rq *request) (int, any, *apiError) {
	s := rq.s
	g, err := s.autoModGuild(rq)
	if err != nil {
		return 0, nil, err
	}
	r, err := s.autoModRule(g, rq.p("rule_id"))
	if err != nil {
		return 0, nil, err
	}
	s.deleteAutoModLocked(g.id, r)
	return 204, nil, nil
}

func (s *Server) deleteAutoModLocked(guildID string, r *autoModRule) {
	s.automod[guildID] = slices.DeleteFunc(s.automod[guildID], func(o *autoModRule) bool { return o == r })
	s.dispatch("AUTO_MODERATION_RULE_DELETE", intentAutoModConfig, r.json())
}

// applyAutoMod writes the fields given to r, with the docs' rules the spec
// does not carry: the trigger type is set at creation only; keyword rules
// check messages sent; an alert goes to a channel of the guild; a timeout
// lasts at most four weeks and only keyword and mention-spam rules take it.
func (s *Server) applyAutoMod(rq *request, g *guild, r *autoModRule, w *autoModWire, create bool) *apiError {
	if w.TriggerType != nil {
		if !create && *w.TriggerType != r.TriggerType {
			return rq.docsViolation("trigger_type", "cannot be changed")
		}
		r.TriggerType = *w.TriggerType
	}
	if w.Name != nil {
		if *w.Name == "" {
			return errInvalidForm("name", "This field is required")
		}
		r.Name = *w.Name
	}
	if w.EventType != nil {
		r.EventType = *w.EventType
	}
	if r.TriggerType == TriggerKeyword && r.EventType != EventMessageSend {
		return rq.docsViolation("event_type", "keyword rules check MESSAGE_SEND")
	}
	if m := w.TriggerMetadata; m != nil {
		if r.TriggerType != TriggerKeyword && r.TriggerType != TriggerProfile && (m.KeywordFilter != nil || m.RegexPatterns != nil) {
			return rq.docsViolation("trigger_metadata", "keyword_filter and regex_patterns are for KEYWORD and MEMBER_PROFILE rules")
		}
		r.Keywords, r.Regexes, r.AllowList = m.KeywordFilter, m.RegexPatterns, m.AllowList
	}
	if w.Actions != nil {
		if len(*w.Actions) == 0 {
			return errInvalidForm("actions", "Must be between 1 and 5 in length.")
		}
		var actions []AutoModAction
		for i, a := range *w.Actions {
			field := fmt.Sprintf("actions.%d.metadata", i)
			act := AutoModAction{Type: a.Type}
			if a.Metadata != nil {
				act.ChannelID, act.Duration, act.CustomMessage = a.Metadata.ChannelID, a.Metadata.Duration, a.Metadata.CustomMessage
			}
			switch a.Type {
			case ActionSendAlert:
				if c := s.channels[act.ChannelID]; c == nil || c.guildID != g.id || c.typ != ChannelTypeGuildText {
					return errInvalidForm(field+".channel_id", "Unknown channel")
				}
			case ActionTimeout:
				if r.TriggerType != TriggerKeyword && r.TriggerType != TriggerMentionSpam {
					return rq.docsViolation(field, "TIMEOUT is for KEYWORD and MENTION_SPAM rules")
				}
				if act.Duration <= 0 || act.Duration > maxTimeout {
					return errInvalidForm(field+".duration_seconds", "Must be between 1 and 2419200.")
				}
			}
			actions = append(actions, act)
		}
		r.Actions = actions
	} else if create {
		return errInvalidForm("actions", "This field is required")
	}
	if w.Enabled != nil {
		r.Enabled = *w.Enabled
	}
	if w.ExemptRoles != nil {
		r.ExemptRoles = *w.ExemptRoles
	}
	if w.ExemptChannels != nil {
		r.ExemptChannels = *w.ExemptChannels
	}
	return nil
}

// AutoModRules returns a guild's AutoMod rules in creation order.
func (s *Server) AutoModRules(guildID string) []AutoModRule {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []AutoModRule
	for _, r := range s.automod[guildID] {
		c := r.AutoModRule
		c.Keywords, c.Actions = slices.Clone(c.Keywords), slices.Clone(c.Actions)
		out = append(out, c)
	}
	return out
}

// AddAutoModRule makes a rule as a server's moderator would in Discord's
// client (its creator is the owner), without limits, and returns its id.
func (s *Server) AddAutoModRule(guildID, name string, triggerType int, keywords ...string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.mustGuild(guildID)
	if g == nil {
		return ""
	}
	r := &autoModRule{AutoModRule: AutoModRule{ID: s.nextID(), GuildID: guildID, Name: name, CreatorID: g.ownerID,
		EventType: EventMessageSend, TriggerType: triggerType, Keywords: keywords, Enabled: true,
		Actions: []AutoModAction{{Type: ActionBlock}}}}
	if s.automod == nil {
		s.automod = map[string][]*autoModRule{}
	}
	s.automod[guildID] = append(s.automod[guildID], r)
	s.dispatch("AUTO_MODERATION_RULE_CREATE", intentAutoModConfig, r.json())
	return r.ID
}

// DeleteAutoModRule deletes a rule out of band, as a moderator would in
// Discord's client (AUTO_MODERATION_RULE_DELETE; no journal entry).
func (s *Server) DeleteAutoModRule(guildID, ruleID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.automod[guildID] {
		if r.ID == ruleID {
			s.deleteAutoModLocked(guildID, r)
			return
		}
	}
}
