package fakediscord

import (
	"encoding/json"
	"regexp"
	"strings"
	"time"
)

func init() {
	routes["GET /gateway"] = getGateway
	routes["GET /gateway/bot"] = getGatewayBot
	routes["GET /users/@me"] = getMe
	routes["GET /applications/@me"] = getMyApplication
	for _, base := range []string{"/applications/{application_id}/commands", "/applications/{application_id}/guilds/{guild_id}/commands"} {
		routes["GET "+base] = listCommands
		routes["PUT "+base] = bulkCommands
		routes["POST "+base] = createCommand
		routes["DELETE "+base+"/{command_id}"] = deleteCommand
	}
	routes["POST /interactions/{interaction_id}/{interaction_token}/callback"] = interactionCallback
	wh := "/webhooks/{webhook_id}/{webhook_token}"
	routes["POST "+wh] = followup
	routes["GET "+wh+"/messages/@original"] = getOriginal
	routes["PATCH "+wh+"/messages/@original"] = editOriginal
	routes["DELETE "+wh+"/messages/@original"] = deleteOriginal
	routes["GET "+wh+"/messages/{message_id}"] = getWebhookMessage
	routes["PATCH "+wh+"/messages/{message_id}"] = editWebhookMessage
	routes["DELETE "+wh+"/messages/{message_id}"] = deleteWebhookMessage
}

// Message flags.
const (
	flagEphemeral = 1 << 6
	flagLoading   = 1 << 7
)

// interactionTokenTTL is how long followups and edits are accepted.
const interactionTokenTTL = 15 * time.Minute

func getGateway(rq *request) (int, any, *apiError) {
	return 200, map[string]any{"url": rq.s.GatewayURL()}, nil
}

func getGatewayBot(rq *request) (int, any, *apiError) {
	o := rq.s.opts
	return 200, map[string]any{"url": rq.s.GatewayURL(), "shards": o.Shards, "session_start_limit": map[string]any{
		"total": o.SessionStarts, "remaining": max(o.SessionStarts-rq.s.gw.identifies(), 0),
		"reset_after": rq.s.sessionResetAfter().Milliseconds(), "max_concurrency": o.MaxConcurrency}}, nil
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func getMe(rq *request) (int, any, *apiError) { return 200, rq.s.userJSON(rq.s.BotUserID), nil }

func getMyApplication(rq *request) (int, any, *apiError) {
	return 200, map[string]any{"id": rq.s.AppID, "name": BotName, "icon": nil, "description": "", "bot_public": false,
		"bot_require_code_grant": false, "flags": 0, "verify_key": rq.s.publicKeyLocked(),
		"interactions_endpoint_url": nilIfEmpty(rq.s.http.url), "bot": rq.s.userJSON(rq.s.BotUserID)}, nil
}

// commandScope checks the application id and returns the scope key.
func (s *Server) commandScope(rq *request) (string, *apiError) {
	if rq.p("application_id") != s.AppID {
		return "", &apiError{status: 403, code: 50001, msg: "Missing Access"}
	}
	gid := rq.p("guild_id")
	if gid != "" && s.guilds[gid] == nil {
		return "", errUnknownGuild
	}
	return gid, nil
}

func listCommands(rq *request) (int, any, *apiError) {
	scope, err := rq.s.commandScope(rq)
	if err != nil {
		return 0, nil, err
	}
	out := []any{}
	for _, c := range rq.s.commands[scope] {
		if rq.query.Get("with_localizations") == "true" {
			out = append(out, c)
		} else {
			out = append(out, withoutLocalizations(c))
		}
	}
	return 200, out, nil
}

var commandNameRe = regexp.MustCompile(`^[-_'\p{L}\p{N}\p{Devanagari}\p{Thai}]{1,32}$`)

// normaliseCommand checks the docs' rules and fills server-side fields.
func (s *Server) normaliseCommand(rq *request, scope string, c map[string]any, field string, old []map[string]any) (map[string]any, *apiError) {
	typ := 1
	if t, ok := c["type"].(float64); ok {
		typ = int(t)
	}
	name, _ := c["name"].(string)
	desc, _ := c["description"].(string)
	if typ == 1 {
		if !commandNameRe.MatchString(name) || strings.ToLower(name) != name {
			return nil, rq.docsViolation(field+".name", "invalid CHAT_INPUT command name "+name)
		}
		if n := len([]rune(desc)); n < 1 || n > 100 {
			return nil, rq.docsViolation(field+".description", "CHAT_INPUT commands need a description of 1-100 characters")
		}
	}
	if err := rq.checkLocalizations(field, c, typ == 1); err != nil {
		return nil, err
	}
	out := map[string]any{}
	for k, v := range c {
		out[k] = v
	}
	out["type"] = typ
	out["application_id"] = s.AppID
	out["version"] = s.nextID()
	out["description"] = desc
	if dmp, ok := c["default_member_permissions"]; ok && dmp != nil {
		switch v := dmp.(type) {
		case float64:
			out["default_member_permissions"] = itoa(int64(v))
		default:
			out["default_member_permissions"] = v
		}
	} else {
		out["default_member_permissions"] = nil
	}
	if scope != "" {
		out["guild_id"] = scope
	}
	out["id"] = s.nextID()
	for _, o := range old {
		if o["name"] == name && o["type"] == typ {
			out["id"] = o["id"]
		}
	}
	return out, nil
}

// checkLocalizations applies the docs' rules to the localization
// dictionaries of a command, its options and their choices, which the spec
// types as any string map: keys must be Discord locales, and localized
// names of CHAT_INPUT commands and of options follow the rules of names.
func (rq *request) checkLocalizations(field string, obj map[string]any, nameRule bool) *apiError {
	at := func(k string) string {
		if field == "" {
			return k
		}
		return field + "." + k
	}
	for _, key := range []string{"name_localizations", "description_localizations"} {
		m, _ := obj[key].(map[string]any)
		for _, loc := range sortedKeys(m) {
			if !rq.s.spec.locales[loc] {
				return rq.docsViolation(at(key+"."+loc), "Invalid locale "+loc)
			}
			v, _ := m[loc].(string)
			if key == "name_localizations" && nameRule && (!commandNameRe.MatchString(v) || strings.ToLower(v) != v) {
				return rq.docsViolation(at(key+"."+loc), "invalid localized name "+v)
			}
		}
	}
	opts, _ := obj["options"].([]any)
	for i, o := range opts {
		if om, ok := o.(map[string]any); ok {
			if err := rq.checkLocalizations(at("options."+jsonIndex(i)), om, true); err != nil {
				return err
			}
		}
	}
	choices, _ := obj["choices"].([]any)
	for i, c := range choices {
		if cm, ok := c.(map[string]any); ok {
			if err := rq.checkLocalizations(at("choices."+jsonIndex(i)), cm, false); err != nil {
				return err
			}
		}
	}
	return nil
}

// withoutLocalizations is a command as GET lists it without
// with_localizations=true: the localization dictionaries are left out (a
// bot token has no user locale, so there is no name_localized either).
func withoutLocalizations(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if k != "name_localizations" && k != "description_localizations" {
				out[k] = withoutLocalizations(e)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = withoutLocalizations(e)
		}
		return out
	}
	return v
}

func bulkCommands(rq *request) (int, any, *apiError) {
	s := rq.s
	scope, err := s.commandScope(rq)
	if err != nil {
		return 0, nil, err
	}
	var list []map[string]any
	if err := rq.decode(&list); err != nil {
		return 0, nil, err
	}
	out := []map[string]any{}
	seen := map[string]bool{}
	for i, c := range list {
		n, err := s.normaliseCommand(rq, scope, c, jsonIndex(i), s.commands[scope])
		if err != nil {
			return 0, nil, err
		}
		key := n["name"].(string) + "/" + itoa(int64(n["type"].(int)))
		if seen[key] {
			return 0, nil, rq.docsViolation(jsonIndex(i)+".name", "Application command names must be unique")
		}
		seen[key] = true
		out = append(out, n)
	}
	s.commands[scope] = out
	return 200, out, nil
}

func jsonIndex(i int) string { return itoa(int64(i)) }

func createCommand(rq *request) (int, any, *apiError) {
	s := rq.s
	scope, err := s.commandScope(rq)
	if err != nil {
		return 0, nil, err
	}
	var c map[string]any
	if err := rq.decode(&c); err != nil {
		return 0, nil, err
	}
	n, err := s.normaliseCommand(rq, scope, c, "", s.commands[scope])
	if err != nil {
		return 0, nil, err
	}
	for i, o := range s.commands[scope] {
		if o["id"] == n["id"] {
			s.commands[scope][i] = n
			return 200, n, nil
		}
	}
	s.commands[scope] = append(s.commands[scope], n)
	return 201, n, nil
}

func deleteCommand(rq *request) (int, any, *apiError) {
	s := rq.s
	scope, err := s.commandScope(rq)
	if err != nil {
		return 0, nil, err
	}
	for i, o := range s.commands[scope] {
		if o["id"] == rq.p("command_id") {
			s.commands[scope] = append(s.commands[scope][:i:i], s.commands[scope][i+1:]...)
			return 204, nil, nil
		}
	}
	return 0, nil, errUnknown(10063, "application command")
}

// allowedCallbacks lists the callback types valid per interaction type.
var allowedCallbacks = map[int][]int{
	InteractionApplicationCommand: {4, 5, 9},
	InteractionMessageComponent:   {4, 5, 6, 7, 9},
	InteractionAutocomplete:       {8},
	InteractionModalSubmit:        {4, 5, 6, 7},
}

func interactionCallback(rq *request) (int, any, *apiError) {
	s := rq.s
	in := s.interactions[rq.p("interaction_id")]
	if in == nil || in.Token != rq.p("interaction_token") {
		return 0, nil, errUnknownInter
	}
	if in.acked {
		return 0, nil, errAcked
	}
	if time.Since(in.DispatchedAt) > s.opts.CallbackDeadline {
		return 0, nil, errUnknownInter
	}
	var body struct {
		Type int             `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	if err := rq.decode(&body); err != nil {
		return 0, nil, err
	}
	if !containsInt(allowedCallbacks[in.Type], body.Type) {
		return 0, nil, rq.docsViolation("type", "callback type "+itoa(int64(body.Type))+" is not valid for interaction type "+itoa(int64(in.Type)))
	}
	var req messageReq
	if !isEmptyJSON(body.Data) {
		if err := json.Unmarshal(body.Data, &req); err != nil {
			return 0, nil, errInvalidForm("data", err.Error())
		}
	}
	if err := rq.checkAllowedMentions(req.AllowedMentions); err != nil {
		return 0, nil, err
	}
	files, aerr := rq.uploads(req.Attachments)
	if aerr != nil {
		return 0, nil, aerr
	}
	if len(files) > 0 && body.Type != 4 && body.Type != 7 {
		return 0, nil, rq.docsViolation("files", "only callback types 4 and 7 carry files")
	}
	c := s.channels[in.ChannelID]
	switch body.Type {
	case 4, 5:
		if body.Type == 4 && req.empty(len(files) > 0) {
			return 0, nil, rq.docsViolation("data", "Cannot send an empty message")
		}
		if body.Type == 5 {
			flags := flagLoading
			if req.Flags != nil {
				flags |= *req.Flags & flagEphemeral
			}
			req = messageReq{Flags: &flags}
		}
		msgType := 0
		if in.Type == InteractionApplicationCommand {
			msgType = 20
		}
		in.original = s.newMessageLocked(c, &req, in.ID, msgType)
		in.original.attachments = files
	case 6:
		in.original = s.findMessage(in.ChannelID, in.MessageID)
	case 7:
		in.original = s.findMessage(in.ChannelID, in.MessageID)
		if in.original == nil {
			return 0, nil, errUnknownMessage
		}
		s.editMessageLocked(in.original, &req)
		in.original.attachments = append(keptAttachments(in.original.attachments, req.Attachments), files...)
	}
	in.acked = true
	in.record(Reply{Type: body.Type, Deferred: body.Type == 5 || body.Type == 6, Files: copyAttachments(files)}, &req, body.Data, "callback")
	if rq.query.Get("with_response") != "true" {
		return 204, nil, nil
	}
	resp := map[string]any{"interaction": map[string]any{"id": in.ID, "type": in.Type}}
	if in.original != nil {
		ia := resp["interaction"].(map[string]any)
		ia["response_message_id"] = in.original.id
		ia["response_message_loading"] = in.original.flags&flagLoading != 0
		ia["response_message_ephemeral"] = in.original.flags&flagEphemeral != 0
		resp["resource"] = map[string]any{"type": body.Type, "message": s.messageJSON(in.original)}
	}
	return 200, resp, nil
}

func containsInt(list []int, v int) bool {
	for _, e := range list {
		if e == v {
			return true
		}
	}
	return false
}

// webhookInteraction resolves /webhooks/{app}/{token} to an acknowledged
// interaction.
func (s *Server) webhookInteraction(rq *request) (*Interaction, *apiError) {
	in := s.byToken[rq.p("webhook_token")]
	if rq.p("webhook_id") != s.AppID || in == nil || !in.acked {
		return nil, errUnknownWebhook
	}
	if time.Since(in.DispatchedAt) > interactionTokenTTL {
		return nil, &apiError{status: 401, code: 50027, msg: "Invalid Webhook Token"}
	}
	return in, nil
}

func followup(rq *request) (int, any, *apiError) {
	s := rq.s
	in, err := s.webhookInteraction(rq)
	if err != nil {
		return 0, nil, err
	}
	var req messageReq
	if err := rq.decode(&req); err != nil {
		return 0, nil, err
	}
	files, aerr := rq.uploads(req.Attachments)
	if aerr != nil {
		return 0, nil, aerr
	}
	if req.empty(len(files) > 0) {
		return 0, nil, rq.docsViolation("content", "Cannot send an empty message")
	}
	if err := rq.checkAllowedMentions(req.AllowedMentions); err != nil {
		return 0, nil, err
	}
	m := s.newMessageLocked(s.channels[in.ChannelID], &req, in.ID, 0)
	m.attachments = files
	in.followups = append(in.followups, m)
	in.record(Reply{Files: copyAttachments(files)}, &req, rq.payload(), "followup")
	return 200, s.messageJSON(m), nil
}

// webhookMessage finds a message of the interaction (original or followup).
func (s *Server) webhookMessage(rq *request) (*Interaction, *message, *apiError) {
	in, err := s.webhookInteraction(rq)
	if err != nil {
		return nil, nil, err
	}
	id := rq.p("message_id")
	if id == "" || id == "@original" {
		if in.original == nil || s.findMessage(in.ChannelID, in.original.id) == nil {
			return nil, nil, errUnknownMessage
		}
		return in, in.original, nil
	}
	m := s.findMessage(in.ChannelID, id)
	if m == nil || m.interactionID != in.ID && (in.original == nil || in.original.id != id) {
		return nil, nil, errUnknownMessage
	}
	return in, m, nil
}

func getOriginal(rq *request) (int, any, *apiError) { return getWebhookMessage(rq) }
func editOriginal(rq *request) (int, any, *apiError) {
	return editWebhookMessage(rq)
}
func deleteOriginal(rq *request) (int, any, *apiError) { return deleteWebhookMessage(rq) }

func getWebhookMessage(rq *request) (int, any, *apiError) {
	_, m, err := rq.s.webhookMessage(rq)
	if err != nil {
		return 0, nil, err
	}
	return 200, rq.s.messageJSON(m), nil
}

func editWebhookMessage(rq *request) (int, any, *apiError) {
	s := rq.s
	in, m, err := s.webhookMessage(rq)
	if err != nil {
		return 0, nil, err
	}
	var req messageReq
	if err := rq.decode(&req); err != nil {
		return 0, nil, err
	}
	if err := rq.checkAllowedMentions(req.AllowedMentions); err != nil {
		return 0, nil, err
	}
	files, aerr := rq.uploads(req.Attachments)
	if aerr != nil {
		return 0, nil, aerr
	}
	s.editMessageLocked(m, &req)
	m.attachments = append(keptAttachments(m.attachments, req.Attachments), files...)
	kind := "edit"
	if m == in.original {
		kind = "edit-original"
	}
	in.record(Reply{Files: copyAttachments(files)}, &req, rq.payload(), kind)
	return 200, s.messageJSON(m), nil
}

func deleteWebhookMessage(rq *request) (int, any, *apiError) {
	s := rq.s
	_, m, err := s.webhookMessage(rq)
	if err != nil {
		return 0, nil, err
	}
	s.deleteMessageLocked(m)
	return 204, nil, nil
}
