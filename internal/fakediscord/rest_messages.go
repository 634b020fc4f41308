package fakediscord

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"time"
)

func init() {
	routes["GET /channels/{channel_id}/messages"] = listMessages
	routes["POST /channels/{channel_id}/messages"] = createMessage
	routes["GET /channels/{channel_id}/messages/{message_id}"] = getMessage
	routes["PATCH /channels/{channel_id}/messages/{message_id}"] = editMessage
	routes["DELETE /channels/{channel_id}/messages/{message_id}"] = deleteMessage
	routes["POST /users/@me/channels"] = createDM
}

// nonceWindow is how long enforce_nonce deduplicates ("a few minutes").
const nonceWindow = 5 * time.Minute

type nonceEntry struct {
	msg *message
	at  time.Time
}

// AllowedMentions is a message's allowed_mentions.
type AllowedMentions struct {
	Parse       []string `json:"parse"`
	Users       []string `json:"users,omitempty"`
	Roles       []string `json:"roles,omitempty"`
	RepliedUser bool     `json:"replied_user,omitempty"`
}

type message struct {
	id, channelID, guildID, authorID string
	content                          string
	flags                            int
	allowed                          *AllowedMentions
	mentions, mentionRoles           []string
	mentionEveryone                  bool
	nonce                            string
	embeds, components               json.RawMessage
	interactionID                    string
	attachments                      []Attachment
	msgType                          int
	createdAt                        time.Time
	editedAt                         time.Time
}

// messageReq holds the message fields of create/edit/callback bodies.
type messageReq struct {
	Content         *string          `json:"content"`
	Embeds          json.RawMessage  `json:"embeds"`
	Components      json.RawMessage  `json:"components"`
	AllowedMentions *AllowedMentions `json:"allowed_mentions"`
	Flags           *int             `json:"flags"`
	Nonce           json.RawMessage  `json:"nonce"`
	EnforceNonce    bool             `json:"enforce_nonce"`
	StickerIDs      []string         `json:"sticker_ids"`
	Poll            json.RawMessage  `json:"poll"`
	Attachments     json.RawMessage  `json:"attachments"`
}

func isEmptyJSON(b json.RawMessage) bool {
	s := strings.TrimSpace(string(b))
	return s == "" || s == "null" || s == "[]"
}

// empty reports whether the payload has nothing to show (docs: content,
// embeds, sticker_ids, components, files or poll is required).
func (m *messageReq) empty(hasFiles bool) bool {
	return (m.Content == nil || *m.Content == "") && isEmptyJSON(m.Embeds) && isEmptyJSON(m.Components) &&
		len(m.StickerIDs) == 0 && isEmptyJSON(m.Poll) && !hasFiles
}

var (
	userMentionRe = regexp.MustCompile(`<@!?([0-9]+)>`)
	roleMentionRe = regexp.MustCompile(`<@&([0-9]+)>`)
)

// computeMentions applies Discord's allowed_mentions rules to content: with
// no allowed_mentions everything in the content pings; otherwise users
// (roles) ping if parse has "users" ("roles") or they are listed.
func computeMentions(content string, am *AllowedMentions) (users, roles []string, everyone bool) {
	parse := map[string]bool{"users": true, "roles": true, "everyone": true}
	if am != nil {
		parse = map[string]bool{}
		for _, p := range am.Parse {
			parse[p] = true
		}
	}
	for _, m := range userMentionRe.FindAllStringSubmatch(content, -1) {
		if (parse["users"] || am != nil && contains(am.Users, m[1])) && !contains(users, m[1]) {
			users = append(users, m[1])
		}
	}
	for _, m := range roleMentionRe.FindAllStringSubmatch(content, -1) {
		if (parse["roles"] || am != nil && contains(am.Roles, m[1])) && !contains(roles, m[1]) {
			roles = append(roles, m[1])
		}
	}
	everyone = parse["everyone"] && (strings.Contains(content, "@everyone") || strings.Contains(content, "@here"))
	return users, roles, everyone
}

// checkAllowedMentions rejects what Discord rejects: parse "users" together
// with a users list (same for roles).
func (rq *request) checkAllowedMentions(am *AllowedMentions) *apiError {
	if am == nil {
		return nil
	}
	if contains(am.Parse, "users") && len(am.Users) > 0 {
		return rq.docsViolation("allowed_mentions", `parse "users" and users are mutually exclusive`)
	}
	if contains(am.Parse, "roles") && len(am.Roles) > 0 {
		return rq.docsViolation("allowed_mentions", `parse "roles" and roles are mutually exclusive`)
	}
	return nil
}

// newMessageLocked stores a message written by the bot and dispatches
// MESSAGE_CREATE.
func (s *Server) newMessageLocked(c *channel, req *messageReq, interactionID string, msgType int) *message {
	m := &message{id: s.nextID(), channelID: c.id, guildID: c.guildID, authorID: s.BotUserID,
		allowed: req.AllowedMentions, embeds: req.Embeds, components: req.Components,
		interactionID: interactionID, msgType: msgType, createdAt: time.Now()}
	if req.Content != nil {
		m.content = *req.Content
	}
	if req.Flags != nil {
		m.flags = *req.Flags
	}
	m.nonce = nonceString(req.Nonce)
	m.mentions, m.mentionRoles, m.mentionEveryone = computeMentions(m.content, m.allowed)
	s.messages[c.id] = append(s.messages[c.id], m)
	if m.flags&flagEphemeral == 0 {
		c.lastMessageID = m.id
		s.dispatchMessage("MESSAGE_CREATE", m)
	}
	return m
}

// editMessageLocked applies an edit body to m and dispatches MESSAGE_UPDATE.
func (s *Server) editMessageLocked(m *message, req *messageReq) {
	if req.Content != nil {
		m.content = *req.Content
	}
	if req.Embeds != nil {
		m.embeds = req.Embeds
	}
	if req.Components != nil {
		m.components = req.Components
	}
	if req.AllowedMentions != nil {
		m.allowed = req.AllowedMentions
	}
	if req.Flags != nil {
		m.flags = *req.Flags | m.flags&flagEphemeral
	}
	m.flags &^= flagLoading
	m.mentions, m.mentionRoles, m.mentionEveryone = computeMentions(m.content, m.allowed)
	m.editedAt = time.Now()
	if m.flags&flagEphemeral == 0 {
		s.dispatchMessage("MESSAGE_UPDATE", m)
	}
}

func nonceString(raw json.RawMessage) string {
	if isEmptyJSON(raw) {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return strings.TrimSpace(string(raw))
}

func (s *Server) messageJSON(m *message) map[string]any {
	mentions := []map[string]any{}
	for _, uid := range m.mentions {
		mentions = append(mentions, s.userJSON(uid))
	}
	var edited any
	if !m.editedAt.IsZero() {
		edited = m.editedAt.UTC().Format(time.RFC3339Nano)
	}
	embeds, components := json.RawMessage("[]"), json.RawMessage("[]")
	if !isEmptyJSON(m.embeds) {
		embeds = m.embeds
	}
	if !isEmptyJSON(m.components) {
		components = m.components
	}
	out := map[string]any{
		"id": m.id, "channel_id": m.channelID, "author": s.userJSON(m.authorID), "content": m.content,
		"timestamp": m.createdAt.UTC().Format(time.RFC3339Nano), "edited_timestamp": edited, "tts": false,
		"mention_everyone": m.mentionEveryone, "mentions": mentions, "mention_roles": append([]string{}, m.mentionRoles...),
		"attachments": s.attachmentsJSON(m), "embeds": embeds, "components": components, "pinned": false, "type": m.msgType,
		"flags": m.flags,
	}
	if m.nonce != "" {
		out["nonce"] = m.nonce
	}
	if m.guildID != "" {
		out["guild_id"] = m.guildID
	}
	if m.interactionID != "" {
		out["application_id"] = s.AppID
		out["webhook_id"] = s.AppID
		if in := s.interactions[m.interactionID]; in != nil {
			out["interaction_metadata"] = map[string]any{"id": in.ID, "type": in.Type, "user": s.userJSON(in.UserID),
				"authorizing_integration_owners": map[string]any{"0": in.GuildID}}
		}
	}
	return out
}

func listMessages(rq *request) (int, any, *apiError) {
	s := rq.s
	c, g, err := s.visibleChannel(rq.p("channel_id"))
	if err != nil {
		return 0, nil, err
	}
	out := []map[string]any{}
	if g != nil && g.channelPermissions(c, s.BotUserID)&PermReadMessageHistory == 0 {
		return 200, out, nil
	}
	limit := 50
	if l, err := strconv.Atoi(rq.query.Get("limit")); err == nil {
		limit = min(max(l, 1), 100)
	}
	before, after := rq.query.Get("before"), rq.query.Get("after")
	msgs := s.messages[c.id]
	for i := len(msgs) - 1; i >= 0 && len(out) < limit; i-- {
		m := msgs[i]
		if m.flags&flagEphemeral != 0 || before != "" && !idLess(m.id, before) || after != "" && !idLess(after, m.id) {
			continue
		}
		out = append(out, s.messageJSON(m))
	}
	return 200, out, nil
}

func idLess(a, b string) bool {
	x, _ := strconv.ParseUint(a, 10, 64)
	y, _ := strconv.ParseUint(b, 10, 64)
	return x < y
}

func createMessage(rq *request) (int, any, *apiError) {
	s := rq.s
	c, g, err := s.visibleChannel(rq.p("channel_id"))
	if err != nil {
		return 0, nil, err
	}
	if g != nil && g.channelPermissions(c, s.BotUserID)&PermSendMessages == 0 {
		return 0, nil, errMissingPerms
	}
	if g == nil {
		for _, uid := range c.recipients {
			if s.dmClosed[uid] {
				return 0, nil, errCannotDM
			}
		}
	}
	var req messageReq
	if err := rq.decode(&req); err != nil {
		return 0, nil, err
	}
	if req.empty(strings.HasPrefix(rq.r.Header.Get("Content-Type"), "multipart/")) {
		rq.s.errorf("POST %s: empty message", rq.r.URL.Path)
		return 0, nil, &apiError{status: 400, code: 50006, msg: "Cannot send an empty message"}
	}
	if err := rq.checkAllowedMentions(req.AllowedMentions); err != nil {
		return 0, nil, err
	}
	if req.Content != nil && len([]rune(*req.Content)) > 2000 {
		return 0, nil, rq.docsViolation("content", "Must be 2000 or fewer in length.")
	}
	nonce := nonceString(req.Nonce)
	key := c.id + "\x00" + nonce
	if nonce != "" && req.EnforceNonce {
		if e, ok := s.nonces[key]; ok && time.Since(e.at) < nonceWindow {
			return 200, s.messageJSON(e.msg), nil
		}
	}
	m := s.newMessageLocked(c, &req, "", 0)
	if nonce != "" {
		s.nonces[key] = nonceEntry{msg: m, at: time.Now()}
	}
	return 200, s.messageJSON(m), nil
}

func (s *Server) findMessage(channelID, id string) *message {
	for _, m := range s.messages[channelID] {
		if m.id == id {
			return m
		}
	}
	return nil
}

func getMessage(rq *request) (int, any, *apiError) {
	c, _, err := rq.s.visibleChannel(rq.p("channel_id"))
	if err != nil {
		return 0, nil, err
	}
	m := rq.s.findMessage(c.id, rq.p("message_id"))
	if m == nil || m.flags&flagEphemeral != 0 {
		return 0, nil, errUnknownMessage
	}
	return 200, rq.s.messageJSON(m), nil
}

func editMessage(rq *request) (int, any, *apiError) {
	c, _, err := rq.s.visibleChannel(rq.p("channel_id"))
	if err != nil {
		return 0, nil, err
	}
	m := rq.s.findMessage(c.id, rq.p("message_id"))
	if m == nil || m.flags&flagEphemeral != 0 {
		return 0, nil, errUnknownMessage
	}
	if m.authorID != rq.s.BotUserID {
		return 0, nil, &apiError{status: 403, code: 50005, msg: "Cannot edit a message authored by another user"}
	}
	var req messageReq
	if err := rq.decode(&req); err != nil {
		return 0, nil, err
	}
	if err := rq.checkAllowedMentions(req.AllowedMentions); err != nil {
		return 0, nil, err
	}
	rq.s.editMessageLocked(m, &req)
	return 200, rq.s.messageJSON(m), nil
}

func deleteMessage(rq *request) (int, any, *apiError) {
	s := rq.s
	c, g, err := s.visibleChannel(rq.p("channel_id"))
	if err != nil {
		return 0, nil, err
	}
	m := s.findMessage(c.id, rq.p("message_id"))
	if m == nil {
		return 0, nil, errUnknownMessage
	}
	if m.authorID != s.BotUserID && (g == nil || g.channelPermissions(c, s.BotUserID)&(1<<13) == 0) {
		return 0, nil, errMissingPerms
	}
	s.deleteMessageLocked(m)
	return 204, nil, nil
}

func (s *Server) deleteMessageLocked(m *message) {
	msgs := s.messages[m.channelID]
	for i, o := range msgs {
		if o == m {
			s.messages[m.channelID] = append(msgs[:i:i], msgs[i+1:]...)
			break
		}
	}
	d := map[string]any{"id": m.id, "channel_id": m.channelID}
	if m.guildID != "" {
		d["guild_id"] = m.guildID
	}
	if m.flags&flagEphemeral == 0 {
		s.dispatch("MESSAGE_DELETE", intentForChannel(m.guildID), d)
	}
}

func createDM(rq *request) (int, any, *apiError) {
	s := rq.s
	var req struct {
		RecipientID string `json:"recipient_id"`
	}
	if err := rq.decode(&req); err != nil {
		return 0, nil, err
	}
	if req.RecipientID == "" {
		return 0, nil, rq.docsViolation("recipient_id", "This field is required")
	}
	if s.users[req.RecipientID] == nil {
		return 0, nil, errInvalidForm("recipient_id", "Invalid Recipient(s)")
	}
	return 200, s.channelJSON(s.dmChannelLocked(req.RecipientID)), nil
}

// dmChannelLocked returns (making it if needed) the DM with a user.
func (s *Server) dmChannelLocked(userID string) *channel {
	if id, ok := s.dms[userID]; ok {
		return s.channels[id]
	}
	c := &channel{id: s.nextID(), typ: ChannelTypeDM, recipients: []string{userID}}
	s.channels[c.id] = c
	s.dms[userID] = c.id
	return c
}
