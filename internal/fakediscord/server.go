package fakediscord

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Options configure a Server. Zero fields take defaults.
type Options struct {
	// HeartbeatInterval sent in HELLO (default 500ms). discordgo v0.29.0
	// sends its first heartbeat at once and then one per interval, and
	// reconnects if no ACK arrived for 5 intervals. SetHeartbeatInterval
	// changes it later. A connection silent for longer than the interval
	// plus a grace is closed with 4009.
	HeartbeatInterval time.Duration
	// CallbackDeadline is how long after dispatch an interaction may be
	// answered (default 3s, as on Discord).
	CallbackDeadline time.Duration
	// PrivilegedIntents lists the privileged intents (GUILD_MEMBERS 1<<1,
	// GUILD_PRESENCES 1<<8, MESSAGE_CONTENT 1<<15) enabled for the app;
	// an IDENTIFY asking for others is closed with 4014.
	PrivilegedIntents int
	// RetryAfter is the retry_after of 429s made by FailNext (default 50ms).
	RetryAfter time.Duration
	// RouteRateLimit is the per-bucket limit per second reported in the
	// X-RateLimit-* headers and enforced (default 50).
	RouteRateLimit int
	// Shards is the shard count GET /gateway/bot recommends (default 1).
	Shards int
	// RequireSharding closes an IDENTIFY with fewer than Shards shards
	// with 4011, as Discord does for a bot in too many servers.
	RequireSharding bool
	// MaxConcurrency is session_start_limit.max_concurrency of GET
	// /gateway/bot (default 1): how many shards may identify per 5 s.
	MaxConcurrency int
	// SessionStarts is session_start_limit.total (default 1000); each
	// IDENTIFY spends one of the remaining.
	SessionStarts int
	// GuildName names the guild made at start (default "Test Server").
	GuildName string
	// NoJournal keeps no record of REST calls (Journal returns none): for
	// a long-running fake, such as hearth try's, whose journal nobody reads.
	NoJournal bool
}

// Reporter hears what the fake finds wrong with the bot's requests (a
// route the spec lacks, a body breaking its schema, a rule of Discord's
// docs) and what it notes. A test's testing.TB is one; hearth try passes
// a logger.
type Reporter interface {
	Errorf(format string, args ...any)
	Logf(format string, args ...any)
}

// TB is the part of testing.TB that New uses; taking it rather than
// testing.TB keeps the testing package out of binaries that embed the fake.
type TB interface {
	Reporter
	Helper()
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// Fixed identities of the fake.
const (
	Token     = "fake-bot-token"
	AppID     = "1100000000000000001"
	BotUserID = "1100000000000000001"
	BotName   = "Hearth"
)

// Server is a fake Discord. All methods are safe for concurrent use.
type Server struct {
	Token     string // bot token (without "Bot ")
	AppID     string // application id
	BotUserID string // bot user id (equal to AppID, as for modern apps)
	GuildID   string // the guild made by New ("Test Server")
	// GeneralChannelID is the text channel "general" made by New in GuildID;
	// interactions are invoked there unless stated otherwise.
	GeneralChannelID string
	// OwnerID is the owner of the guild made by New.
	OwnerID string

	t       Reporter
	opts    Options
	spec    *apiSpec
	ln      net.Listener
	httpSrv *http.Server
	baseURL string
	closed  chan struct{}
	once    sync.Once
	wg      sync.WaitGroup
	lifeMu  sync.Mutex
	closing bool

	mu           sync.Mutex       // guards everything below
	clock        func() time.Time // see SetClock; nil: the real clock
	lastID       int64
	users        map[string]*user
	guilds       map[string]*guild
	guildOrder   []string
	channels     map[string]*channel
	messages     map[string][]*message // by channel, oldest first
	dms          map[string]string     // user id -> DM channel id
	dmClosed     map[string]bool
	commands     map[string][]map[string]any // scope ("" global, else guild id)
	interactions map[string]*Interaction     // by id
	byToken      map[string]*Interaction
	nonces       map[string]nonceEntry
	journal      []*Call
	faults       []*fault
	buckets      map[string]*bucket
	automod      map[string][]*autoModRule // by guild, in creation order (rest_automod.go)
	global       struct {
		limit int
		start time.Time
		count int
	}
	gw gatewayState
	// identifyLog is every accepted IDENTIFY, oldest first.
	identifyLog []Identify
	// http holds the interactions endpoint and its signing key.
	http endpointState
}

// New starts a fake Discord on 127.0.0.1 with one guild ("Test Server")
// holding the bot (via a "Hearth" role with DefaultBotPermissions), the
// owner, and a text channel "general". t.Cleanup closes it.
func New(t TB, opts ...Options) *Server {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	s, err := Start(t, o)
	if err != nil {
		t.Fatalf("%v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// Start is New for use outside tests (hearth try): it reports to rep and
// returns an error instead of failing a test; the caller closes it. It
// listens on 127.0.0.1 only, so nothing outside the machine reaches it.
func Start(rep Reporter, o Options) (*Server, error) {
	if o.HeartbeatInterval <= 0 {
		o.HeartbeatInterval = 500 * time.Millisecond
	}
	o.HeartbeatInterval = max(o.HeartbeatInterval, time.Millisecond)
	if o.CallbackDeadline <= 0 {
		o.CallbackDeadline = 3 * time.Second
	}
	if o.RetryAfter <= 0 {
		o.RetryAfter = 50 * time.Millisecond
	}
	if o.RouteRateLimit <= 0 {
		o.RouteRateLimit = 50
	}
	o.Shards, o.MaxConcurrency = max(o.Shards, 1), max(o.MaxConcurrency, 1)
	if o.SessionStarts <= 0 {
		o.SessionStarts = 1000
	}
	if o.GuildName == "" {
		o.GuildName = "Test Server"
	}
	spec, err := loadSpec()
	if err != nil {
		return nil, fmt.Errorf("fakediscord: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("fakediscord: listen: %w", err)
	}
	s := &Server{
		Token: Token, AppID: AppID, BotUserID: BotUserID,
		t: rep, opts: o, spec: spec, ln: ln, closed: make(chan struct{}),
		baseURL:      "http://" + ln.Addr().String(),
		users:        map[string]*user{BotUserID: {id: BotUserID, username: BotName, bot: true}},
		guilds:       map[string]*guild{},
		channels:     map[string]*channel{},
		messages:     map[string][]*message{},
		dms:          map[string]string{},
		dmClosed:     map[string]bool{},
		commands:     map[string][]map[string]any{},
		interactions: map[string]*Interaction{},
		byToken:      map[string]*Interaction{},
		nonces:       map[string]nonceEntry{},
		buckets:      map[string]*bucket{},
	}
	s.lastID = 1200000000000000000
	s.http.key = newSigningKey()
	s.gw.init(o.HeartbeatInterval)
	s.mu.Lock()
	g := s.addGuildLocked(o.GuildName)
	s.GuildID = g.id
	s.OwnerID = g.ownerID
	s.GeneralChannelID = g.channelOrder[0]
	s.mu.Unlock()
	s.httpSrv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := s.httpSrv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			rep.Errorf("fakediscord: serve: %v", err)
		}
	}()
	return s, nil
}

// APIURL is the REST base, "http://127.0.0.1:PORT/api/v10" (v9 is served
// too, under /api/v9).
func (s *Server) APIURL() string { return s.baseURL + "/api/v10" }

// GatewayURL is the WebSocket URL handed out by GET /gateway(/bot).
func (s *Server) GatewayURL() string { return "ws://" + s.ln.Addr().String() + "/" }

// Close stops the server, closes gateway connections and waits for its
// goroutines. It is idempotent and called by t.Cleanup.
func (s *Server) Close() {
	s.once.Do(func() {
		s.lifeMu.Lock()
		s.closing = true
		s.lifeMu.Unlock()
		close(s.closed)
		_ = s.httpSrv.Close()
		s.gw.closeAll()
		s.wg.Wait()
	})
}

func (s *Server) isClosed() bool {
	select {
	case <-s.closed:
		return true
	default:
		return false
	}
}

// errorf reports a test failure unless the server is already closed.
func (s *Server) errorf(format string, args ...any) {
	if s.isClosed() {
		return
	}
	s.t.Errorf("fakediscord: "+format, args...)
}

// addGuildLocked makes a guild with @everyone, an owner, the bot (with a
// managed role) and a "general" text channel.
func (s *Server) addGuildLocked(name string) *guild {
	return s.addGuildOnShardLocked(name, 0, 1)
}

// addGuildOnShardLocked is addGuildLocked with an id whose shard, among
// shardCount, is shardID.
func (s *Server) addGuildOnShardLocked(name string, shardID, shardCount int) *guild {
	g := &guild{id: s.nextGuildID(shardID, shardCount), name: name, roles: map[string]*role{}, members: map[string]*member{}, events: map[string]*schedEvent{}}
	s.guilds[g.id] = g
	s.guildOrder = append(s.guildOrder, g.id)
	g.roles[g.id] = &role{id: g.id, name: "@everyone", perms: DefaultEveryonePermissions}
	owner := &user{id: s.nextID(), username: "owner"}
	s.users[owner.id] = owner
	g.ownerID = owner.id
	now := time.Now()
	g.members[owner.id] = &member{userID: owner.id, joinedAt: now}
	g.memberOrder = append(g.memberOrder, owner.id)
	bot := &role{id: s.nextID(), name: BotName, perms: DefaultBotPermissions, managed: true}
	g.insertRole(bot)
	g.botRoleID = bot.id
	g.members[s.BotUserID] = &member{userID: s.BotUserID, roles: []string{bot.id}, joinedAt: now}
	g.memberOrder = append(g.memberOrder, s.BotUserID)
	c := &channel{id: s.nextID(), guildID: g.id, typ: ChannelTypeGuildText, name: "general"}
	s.channels[c.id] = c
	g.channelOrder = append(g.channelOrder, c.id)
	return g
}

// apiError is a Discord JSON error answer.
type apiError struct {
	status int
	code   int
	msg    string
	errs   any
}

func (e *apiError) body() map[string]any {
	b := map[string]any{"code": e.code, "message": e.msg}
	if e.errs != nil {
		b["errors"] = e.errs
	}
	return b
}

func errUnknown(code int, what string) *apiError {
	return &apiError{status: 404, code: code, msg: "Unknown " + what}
}

var (
	errMissingPerms   = &apiError{status: 403, code: 50013, msg: "Missing Permissions"}
	errMissingAccess  = &apiError{status: 403, code: 50001, msg: "Missing Access"}
	errUnauthorized   = &apiError{status: 401, code: 0, msg: "401: Unauthorized"}
	errNotFound       = &apiError{status: 404, code: 0, msg: "404: Not Found"}
	errMethod         = &apiError{status: 405, code: 0, msg: "405: Method Not Allowed"}
	errUnknownChannel = errUnknown(10003, "Channel")
	errUnknownGuild   = errUnknown(10004, "Guild")
	errUnknownMember  = errUnknown(10007, "Member")
	errUnknownMessage = errUnknown(10008, "Message")
	errUnknownRole    = errUnknown(10011, "Role")
	errUnknownUser    = errUnknown(10013, "User")
	errUnknownWebhook = errUnknown(10015, "Webhook")
	errUnknownInter   = errUnknown(10062, "interaction")
	errUnknownEvent   = errUnknown(10070, "Guild Scheduled Event")
	errAcked          = &apiError{status: 400, code: 40060, msg: "Interaction has already been acknowledged."}
	errCannotDM       = &apiError{status: 403, code: 50007, msg: "Cannot send messages to this user"}
)

func errInvalidForm(field, msg string) *apiError {
	return &apiError{status: 400, code: 50035, msg: "Invalid Form Body",
		errs: map[string]any{field: map[string]any{"_errors": []any{map[string]any{"code": "INVALID", "message": msg}}}}}
}

// versionPrefix strips /api/v9 or /api/v10.
func versionPrefix(path string) (string, bool) {
	for _, p := range []string{"/api/v10", "/api/v9"} {
		if rest, ok := strings.CutPrefix(path, p); ok && (rest == "" || rest[0] == '/') {
			return rest, true
		}
	}
	return "", false
}

func (s *Server) String() string { return fmt.Sprintf("fakediscord(%s)", s.baseURL) }
