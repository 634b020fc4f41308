package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"hearth/commands"
	"hearth/domain"
	"hearth/groups"
	"hearth/internal/grouplock"
	"hearth/metrics"
	"hearth/store"
)

// Hearth speaks Discord's API v10. discordgo v0.29.0 asks the gateway for
// its package-level APIVersion ("9") when it connects; REST requests are
// sent to discord.api_url (v10 by default) by the rewrite transport. This
// is the one discordgo global Hearth sets, to the same value for every
// session in the process.
func init() { discordgo.APIVersion = "10" }

// Config is what the bot needs to connect.
type Config struct {
	Token   string
	APIURL  string // base of the REST API, such as https://discord.com/api/v10
	GuildID string // register commands to this server only; empty: globally

	// ShardID and ShardCount say which of the bot's gateway shards this
	// process runs (0 and 1: the only one). AutoShards takes the count
	// Discord recommends in GET /gateway/bot instead of ShardCount.
	ShardID, ShardCount int
	AutoShards          bool

	// Metrics counts REST requests, rate-limit waits and reconnects; nil: none.
	Metrics *metrics.Metrics
}

// Bot is a connected Hearth.
type Bot struct {
	cfg     Config
	session *discordgo.Session
	store   *store.Store
	log     *slog.Logger
	router  *commands.Router
	groups  *groups.Service
	locks   *grouplock.Locks
	guilds  guildCache
	pacer   *pacer
	voice   voiceStates
	clock   domain.Clock

	gwMu      sync.Mutex // the watchdog's reconnects against Close
	watch     context.Context
	stopWatch context.CancelFunc // ends the watchdog, first thing in Close
	mu        sync.Mutex
	botUserID string
	appID     string
	restRate  int // the token's global limit; this process paces at its share
	started   bool
	closing   bool
	atStart   []domain.Group // live groups before any interaction, for reconciliation
	ready     chan struct{}  // closed after the first READY's set-up
	sweep     chan struct{}  // pokes sweepStrays
	ctx       context.Context
	cancel    context.CancelFunc
	wg        sync.WaitGroup
}

// New prepares a bot; Open connects it.
func New(cfg Config, st *store.Store, log *slog.Logger) (*Bot, error) {
	s, err := discordgo.New("Bot " + cfg.Token)
	if err != nil {
		return nil, err
	}
	// Discord is one host; keep enough idle connections to it that handlers
	// running side by side do not each dial anew (the default keeps two).
	conns := http.DefaultTransport.(*http.Transport).Clone()
	conns.MaxIdleConnsPerHost = 64
	tr, err := newRewriteTransport(cfg.APIURL, conns)
	if err != nil {
		return nil, err
	}
	if cfg.ShardCount > 1 && (cfg.ShardID < 0 || cfg.ShardID >= cfg.ShardCount) {
		return nil, fmt.Errorf("shard %d is not one of %d shards", cfg.ShardID, cfg.ShardCount)
	}
	pace := newPacer(ShareRate(discordGlobalLimit, cfg.ShardCount))
	paced := &pacedTransport{pacer: pace, next: tr, metrics: cfg.Metrics}
	s.Client = &http.Client{Transport: observe(cfg.Metrics, paced), Timeout: 15 * time.Second}
	// Voice states (not privileged) tell who attends a voice group's session;
	// AutoMod's configuration events tell of a crisis-alert rule deleted by
	// hand (not privileged either, and no message content).
	s.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildVoiceStates |
		discordgo.IntentAutoModerationConfiguration
	s.StateEnabled = false
	s.LogLevel = discordgo.LogWarning
	ctx, cancel := context.WithCancel(context.Background())
	watch, stopWatch := context.WithCancel(context.Background())
	s.ShardID, s.ShardCount = cfg.ShardID, max(cfg.ShardCount, 1)
	b := &Bot{watch: watch, stopWatch: stopWatch, cfg: cfg, session: s, store: st, log: log, pacer: pace, restRate: discordGlobalLimit,
		ready: make(chan struct{}), sweep: make(chan struct{}, 1), ctx: ctx, cancel: cancel}
	s.SyncEvents = true // see restartAckClock; handle starts every other handler's goroutine
	s.AddHandler(restartAckClock)
	handle(s, log, "READY", b.onReady)
	handle(s, log, "INTERACTION_CREATE", b.onInteraction)
	handle(s, log, "VOICE_STATE_UPDATE", b.onVoiceEvent)
	countReconnects(s, cfg.Metrics)
	b.guilds.register(s, log, b.recordLocale)
	b.watchAccess(s)
	return b, nil
}

// recordLocale stores a server's preferred locale, which words its channel
// posts when no language was chosen with /setup.
func (b *Bot) recordLocale(guildID, locale string) {
	if guildID == "" || locale == "" || !b.enter() {
		return
	}
	defer b.wg.Done()
	if err := b.store.SetGuildLocale(b.ctx, guildID, locale); err != nil {
		b.log.Warn("recording a server's locale failed", "guild", guildID, "err", err)
	}
}

// Serve sets the router that answers interactions, and the groups service
// and group locks that reconciliation shares with it. Call it before Open.
func (b *Bot) Serve(r *commands.Router, svc *groups.Service, locks *grouplock.Locks) {
	b.router, b.groups, b.locks = r, svc, locks
	b.clock = svc.Clock
	svc.OnStray = b.pokeSweep
	svc.AutoMod = b
}

// Open connects to the gateway. Commands are registered and overwrites
// reconciled once the first READY arrives.
func (b *Bot) Open() error {
	// The groups to reconcile are read before any interaction can arrive:
	// a group missing its channel then was left so by an earlier run, never
	// by a /group create of this one still in flight.
	if err := b.prepareShards(b.ctx); err != nil {
		return err
	}
	groups, err := b.store.LiveGroups(b.ctx)
	if err != nil {
		return err
	}
	for _, g := range groups {
		if b.Serves(g.GuildID) { // other shards' processes reconcile theirs
			b.atStart = append(b.atStart, g)
		}
	}
	if err := b.session.Open(); err != nil {
		return fmt.Errorf("connect to Discord: %w", err)
	}
	b.wg.Add(1)
	go b.watchGateway()
	return nil
}

// Ready is closed once commands are registered and channels reconciled.
func (b *Bot) Ready() <-chan struct{} { return b.ready }

func (b *Bot) isReady() bool {
	select {
	case <-b.ready:
		return true
	default:
		return false
	}
}

// Close disconnects from the gateway and waits for handlers in flight.
func (b *Bot) Close() error {
	b.stopWatch()
	b.gwMu.Lock()
	err := b.session.Close()
	b.gwMu.Unlock()
	b.mu.Lock()
	b.closing = true
	b.mu.Unlock()
	b.cancel()
	b.wg.Wait()
	return err
}

// enter counts a handler in flight, unless the bot is closing.
func (b *Bot) enter() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closing {
		return false
	}
	b.wg.Add(1)
	return true
}

func (b *Bot) onReady(s *discordgo.Session, r *discordgo.Ready) {
	if r == nil || r.User == nil || r.Application == nil {
		b.log.Error("READY without a user or application; ignored")
		return
	}
	b.mu.Lock()
	b.botUserID = r.User.ID
	b.appID = r.Application.ID
	first := !b.started
	b.started = true
	b.mu.Unlock()
	b.log.Info("connected to Discord", "user", r.User.Username, "guilds", len(r.Guilds))
	if !first || !b.enter() {
		return
	}
	go func() {
		defer b.wg.Done()
		defer close(b.ready)
		if id, _ := b.shard(); id == 0 { // once for all processes: shard 0's
			if err := b.registerCommands(); err != nil {
				b.log.Error("registering commands failed", "err", err)
			}
		}
		if err := b.Reconcile(b.ctx); err != nil {
			b.log.Error("reconciling channels failed", "err", err)
		}
		// Scheduled events deleted by hand or missed while Hearth was
		// down are made again; ended sessions' removed.
		if err := b.groups.SyncAllEvents(b.ctx); err != nil {
			b.log.Error("bringing scheduled events up to date failed", "err", err)
		}
		b.checkSafety(b.ctx)
		b.wg.Add(1)
		go b.sweepStrays()
	}()
}

// registerCommands replaces the whole command set with one bulk overwrite.
func (b *Bot) registerCommands() error {
	defs := commands.Definitions(b.cfg.GuildID == "")
	return b.retry(b.ctx, true, func(opts ...discordgo.RequestOption) error {
		_, err := b.session.ApplicationCommandBulkOverwrite(b.applicationID(), b.cfg.GuildID, defs, opts...)
		return err
	})
}

func (b *Bot) applicationID() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.appID
}

func (b *Bot) now() time.Time {
	if b.clock == nil {
		return time.Now()
	}
	return b.clock.Now()
}

func (b *Bot) userID() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.botUserID
}

// retry runs call until it succeeds, fails for good, or runs out of tries.
// Server errors are retried with backoff; timeouts only when the call is
// idempotent, since a timed-out create may have happened. A 429 is waited
// out for its retry_after, watching ctx (discordgo's own wait would not),
// up to maxRateLimitWaits times.
func (b *Bot) retry(ctx context.Context, idempotent bool, call func(...discordgo.RequestOption) error) error {
	const attempts, maxRateLimitWaits = 4, 10
	backoff := 200 * time.Millisecond
	var err error
	for i, limited := 0, 0; i < attempts; i++ {
		err = call(discordgo.WithContext(ctx), discordgo.WithRestRetries(0), discordgo.WithRetryOnRatelimit(false))
		if err == nil || !transient(err, idempotent) || ctx.Err() != nil {
			return err
		}
		wait := backoff
		backoff *= 2
		var rl *discordgo.RateLimitError
		if errors.As(err, &rl) && limited < maxRateLimitWaits {
			limited++
			i-- // a rate limit is not a failure: it says when to come back
			wait = max(rl.RetryAfter, 10*time.Millisecond)
			b.cfg.Metrics.RateLimitWait(wait)
		} else if i == attempts-1 {
			break // the last try failed: no point waiting before giving up
		}
		b.log.Warn("Discord call failed; retrying", "attempt", i+1, "in", wait, "err", err)
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		}
	}
	return err
}

func transient(err error, idempotent bool) bool {
	var rest *discordgo.RESTError
	if errors.As(err, &rest) && rest.Response != nil {
		code := rest.Response.StatusCode
		return code >= 500 || code == http.StatusTooManyRequests
	}
	var rl *discordgo.RateLimitError
	if errors.As(err, &rl) {
		return true
	}
	// discordgo's own answer to a 502 once its retries are spent.
	if strings.HasPrefix(err.Error(), "Exceeded Max retries") {
		return true
	}
	// Transport errors: refused, reset, timed out.
	return idempotent
}

// isNotFound reports a 404 from Discord: the thing is already gone.
func isNotFound(err error) bool {
	var rest *discordgo.RESTError
	return errors.As(err, &rest) && rest.Response != nil && rest.Response.StatusCode == http.StatusNotFound
}

// How often stray overwrites are swept when nothing asks, and how soon a
// failed sweep is tried again (doubling up to a minute).
const (
	sweepEvery      = 10 * time.Minute
	sweepRetryFirst = time.Second
	sweepRetryMax   = time.Minute
)

func (b *Bot) pokeSweep() {
	select {
	case b.sweep <- struct{}{}:
	default:
	}
}

// sweepStrays removes the overwrites failed undos left behind: at start,
// whenever an undo fails, and every sweepEvery; a failed sweep (Discord
// still down) is tried again with backoff, so nobody keeps access to a
// group they are no longer in until the next restart.
func (b *Bot) sweepStrays() {
	defer b.wg.Done()
	retry := sweepRetryFirst
	for {
		wait := sweepEvery
		// Erasures cut short by Discord are retried with the strays.
		if err := errors.Join(b.groups.SweepGrants(b.ctx), b.groups.ResumeErasures(b.ctx)); err != nil && b.ctx.Err() == nil {
			b.log.Warn("removing stray overwrites failed; retrying", "in", retry, "err", err)
			wait, retry = retry, min(retry*2, sweepRetryMax)
		} else {
			retry = sweepRetryFirst
		}
		timer := time.NewTimer(wait)
		select {
		case <-b.ctx.Done():
			timer.Stop()
			return
		case <-b.sweep:
			timer.Stop()
			if wait != sweepEvery { // a failed sweep waits out its backoff
				select {
				case <-b.ctx.Done():
					return
				case <-time.After(wait):
				}
			}
		case <-timer.C:
		}
	}
}
