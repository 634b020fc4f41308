package fakediscord

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Gateway intents used by the fake.
const (
	intentGuilds          = 1 << 0
	intentGuildMembers    = 1 << 1
	intentGuildPresences  = 1 << 8
	intentGuildMessages   = 1 << 9
	intentDirectMessages  = 1 << 12
	intentMessageContent  = 1 << 15
	intentScheduledEvents = 1 << 16

	privilegedIntents = intentGuildMembers | intentGuildPresences | intentMessageContent
	knownIntents      = 1<<17 - 1 | 1<<20 | 1<<21 | 1<<24 | 1<<25
)

func intentForChannel(guildID string) int {
	if guildID == "" {
		return intentDirectMessages
	}
	return intentGuildMessages
}

// gatewayState holds sessions and connections. Lock order: s.mu, then
// gw.mu, then a gwConn's mu.
type gatewayState struct {
	mu         sync.Mutex
	sessions   map[string]*gwSession
	order      int // identifies so far, numbering sessions oldest first
	conns      map[*gwConn]bool
	identified int
	resumed    int
	noAcks     bool
	ackDelay   time.Duration
	resumeLag  time.Duration // see SetResumeDelay
	heartbeat  time.Duration // heartbeat_interval sent in HELLO
	closeCodes []int         // close codes sent, in order
	changed    chan struct{} // closed and replaced on session changes
}

type gwSession struct {
	id      string
	intents int
	shard   shard // [shard_id, num_shards] of its IDENTIFY; [0, 1] without
	order   int   // newer sessions have higher numbers
	seq     int
	buf     []gwFrame // every dispatch, for RESUME replay
	conn    *gwConn
	invalid bool
}

type gwFrame struct {
	seq  int
	data []byte
}

func (gw *gatewayState) init(heartbeat time.Duration) {
	gw.heartbeat = heartbeat
	gw.sessions = map[string]*gwSession{}
	gw.conns = map[*gwConn]bool{}
	gw.changed = make(chan struct{})
}

// notify wakes WaitGateway callers (gw.mu held).
func (gw *gatewayState) notify() {
	close(gw.changed)
	gw.changed = make(chan struct{})
}

func (gw *gatewayState) identifies() int {
	gw.mu.Lock()
	defer gw.mu.Unlock()
	return gw.identified
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

type gwPayload struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
}

// serveGateway runs one gateway connection (reader side).
func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := newGWConn(s, ws)
	q := r.URL.Query()
	version := q.Get("v")
	s.recordGatewayVersion(version)
	switch {
	case version != "" && version != "9" && version != "10":
		c.closeWith(4012)
	case q.Get("encoding") != "" && q.Get("encoding") != "json":
		s.errorf("gateway: encoding %q is not supported by the fake (json only)", q.Get("encoding"))
		c.closeWith(4002)
	case q.Get("compress") != "":
		s.errorf("gateway: compress=%q is not supported by the fake", q.Get("compress"))
		c.closeWith(4000)
	default:
		interval := s.gw.heartbeatInterval()
		c.send(mustJSON(map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": interval.Milliseconds()}, "s": nil, "t": nil}))
		c.watchHeartbeats(interval)
	}
	if version == "" {
		version = "10"
	}
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			normal := errors.As(err, &ce) && (ce.Code == websocket.CloseNormalClosure || ce.Code == websocket.CloseGoingAway) &&
				!c.closedByServer()
			c.stopHeartbeatWatch()
			s.gw.detach(c, normal)
			c.drop()
			return
		}
		if len(data) > 4096 {
			c.closeWith(4002)
			continue
		}
		var p gwPayload
		if err := json.Unmarshal(data, &p); err != nil {
			c.closeWith(4002)
			continue
		}
		if p.Op != 1 && c.overSendLimit(time.Now()) {
			c.closeWith(4008)
			continue
		}
		switch p.Op {
		case 1:
			c.heartbeatReceived()
			s.gw.mu.Lock()
			ack, delay := !s.gw.noAcks, s.gw.ackDelay
			s.gw.mu.Unlock()
			switch {
			case ack && delay > 0:
				time.AfterFunc(delay, func() { c.send([]byte(`{"op":11,"d":null,"s":null,"t":null}`)) })
			case ack:
				c.send([]byte(`{"op":11,"d":null,"s":null,"t":null}`))
			}
		case 2:
			s.identify(c, p.D, version)
		case 6:
			s.gw.mu.Lock()
			lag := s.gw.resumeLag
			s.gw.mu.Unlock()
			if lag > 0 {
				d := p.D
				time.AfterFunc(lag, func() { s.resume(c, d) })
				continue
			}
			s.resume(c, p.D)
		case 3, 4, 8, 31, 43:
			if !c.hasSession() {
				c.closeWith(4003)
			}
		default:
			c.closeWith(4001)
		}
	}
}

func tokenOK(s *Server, tok string) bool {
	return strings.TrimPrefix(tok, "Bot ") == s.Token
}

func (s *Server) identify(c *gwConn, raw json.RawMessage, version string) {
	var d struct {
		Token   string `json:"token"`
		Intents *int   `json:"intents"`
		Shard   []int  `json:"shard"`
	}
	if err := json.Unmarshal(raw, &d); err != nil || d.Intents == nil {
		c.closeWith(4002)
		return
	}
	sh, code := s.checkShard(d.Shard)
	if code != 0 {
		c.closeWith(code)
		return
	}
	if c.hasSession() {
		c.closeWith(4005)
		return
	}
	// discordgo sends "Bot <token>"; Discord accepts it (and the bare token).
	if !tokenOK(s, d.Token) {
		c.closeWith(4004)
		return
	}
	if *d.Intents&^knownIntents != 0 || *d.Intents < 0 {
		c.closeWith(4013)
		return
	}
	if *d.Intents&privilegedIntents&^s.opts.PrivilegedIntents != 0 {
		c.closeWith(4014)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	gw := &s.gw
	gw.mu.Lock()
	defer gw.mu.Unlock()
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	gw.order++
	sess := &gwSession{id: hex.EncodeToString(b), intents: *d.Intents, conn: c, shard: sh, order: gw.order}
	v, _ := strconv.Atoi(version)
	guilds := []any{}
	for _, gid := range s.guildOrder {
		if sess.serves(gid) {
			guilds = append(guilds, map[string]any{"id": gid, "unavailable": true})
		}
	}
	ready := map[string]any{
		"v": v, "user": s.userJSON(s.BotUserID), "guilds": guilds, "session_id": sess.id,
		"resume_gateway_url": s.GatewayURL(), "application": map[string]any{"id": s.AppID, "flags": 0},
		"private_channels": []any{}, "relationships": []any{}, "presences": []any{},
		"session_type": "normal", "geo_ordered_rtc_regions": []any{"fake"}, "guild_join_requests": []any{},
		"user_settings": map[string]any{}, "auth": map[string]any{},
	}
	if len(d.Shard) == 2 {
		ready["shard"] = d.Shard
	}
	c.sess = sess
	gw.sessions[sess.id] = sess
	gw.identified++
	s.recordIdentify(sh)
	sess.dispatch("READY", 0, mustJSON(ready))
	for _, gid := range s.guildOrder {
		g := s.guilds[gid]
		if !sess.serves(gid) {
			continue
		}
		sess.dispatch("GUILD_CREATE", intentGuilds, mustJSON(s.guildCreateJSON(g, sess.intents&intentGuildPresences != 0)))
	}
	gw.notify()
}

func (s *Server) resume(c *gwConn, raw json.RawMessage) {
	var d struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int    `json:"seq"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		c.closeWith(4002)
		return
	}
	if !tokenOK(s, d.Token) {
		c.closeWith(4004)
		return
	}
	gw := &s.gw
	gw.mu.Lock()
	defer gw.mu.Unlock()
	sess := gw.sessions[d.SessionID]
	if sess == nil || sess.invalid || c.sess != nil {
		c.send([]byte(`{"op":9,"d":false,"s":null,"t":null}`))
		return
	}
	if d.Seq > sess.seq {
		c.closeWith(4007)
		sess.invalid = true
		return
	}
	if old := sess.conn; old != nil && old != c {
		old.sess = nil
		old.drop()
	}
	sess.conn, c.sess = c, sess
	for _, f := range sess.buf {
		if f.seq > d.Seq {
			c.send(f.data)
		}
	}
	gw.resumed++
	sess.dispatch("RESUMED", 0, []byte("null"))
	gw.notify()
}

// dispatch numbers and records a dispatch and sends it if connected
// (gw.mu held).
func (sess *gwSession) dispatch(event string, intent int, d []byte) {
	if sess.invalid || intent != 0 && sess.intents&intent == 0 {
		return
	}
	sess.seq++
	frame := make([]byte, 0, len(d)+64)
	frame = append(frame, `{"op":0,"s":`...)
	frame = strconv.AppendInt(frame, int64(sess.seq), 10)
	frame = append(frame, `,"t":"`...)
	frame = append(frame, event...)
	frame = append(frame, `","d":`...)
	frame = append(frame, d...)
	frame = append(frame, '}')
	sess.buf = append(sess.buf, gwFrame{seq: sess.seq, data: frame})
	if sess.conn != nil {
		sess.conn.send(frame)
	}
}

// dispatch sends an event to every live session of the shard of the
// event's guild (s.mu held).
func (s *Server) dispatch(event string, intent int, d any) {
	data := mustJSON(d)
	guildID := eventGuild(event, d)
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	for _, sess := range s.gw.sessions {
		if sess.serves(guildID) {
			sess.dispatch(event, intent, data)
		}
	}
}

// dispatchMessage sends MESSAGE_CREATE/UPDATE; content fields are empty for
// sessions without MESSAGE_CONTENT unless the bot wrote the message, is
// mentioned, or it is a DM (as on Discord). s.mu held.
func (s *Server) dispatchMessage(event string, m *message) {
	full := s.messageJSON(m)
	visible := m.authorID == s.BotUserID || m.guildID == "" || contains(m.mentions, s.BotUserID)
	stripped := map[string]any{}
	for k, v := range full {
		stripped[k] = v
	}
	stripped["content"], stripped["embeds"], stripped["components"], stripped["attachments"] = "", []any{}, []any{}, []any{}
	fullJSON, strippedJSON := mustJSON(full), mustJSON(stripped)
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	for _, sess := range s.gw.sessions {
		if !sess.serves(m.guildID) {
			continue
		}
		d := strippedJSON
		if visible || sess.intents&intentMessageContent != 0 {
			d = fullJSON
		}
		sess.dispatch(event, intentForChannel(m.guildID), d)
	}
}

// dispatchInteraction sends INTERACTION_CREATE to the newest session of
// the guild's shard (shard 0 for direct messages) only, as Discord
// delivers each interaction once (gw.mu taken here). A session that is
// between connections gets it on RESUME.
func (gw *gatewayState) dispatchInteraction(guildID string, payload []byte) bool {
	gw.mu.Lock()
	defer gw.mu.Unlock()
	var newest *gwSession
	for _, sess := range gw.sessions {
		if sess.serves(guildID) && (newest == nil || sess.order > newest.order) {
			newest = sess
		}
	}
	if newest == nil || newest.invalid {
		return false
	}
	newest.dispatch("INTERACTION_CREATE", 0, payload)
	return true
}

// detach unbinds a closed connection. A client close with 1000/1001 ends
// its session (no resume), any other end keeps it resumable.
func (gw *gatewayState) detach(c *gwConn, normalClose bool) {
	gw.mu.Lock()
	defer gw.mu.Unlock()
	delete(gw.conns, c)
	if sess := c.sess; sess != nil && sess.conn == c {
		sess.conn = nil
		if normalClose {
			sess.invalid = true
		}
	}
	gw.notify()
}

func (gw *gatewayState) closeAll() {
	gw.mu.Lock()
	conns := make([]*gwConn, 0, len(gw.conns))
	for c := range gw.conns {
		conns = append(conns, c)
	}
	gw.mu.Unlock()
	for _, c := range conns {
		c.drop()
	}
}
