package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
	_ "time/tzdata" // IANA zones even on machines without them

	"hearth/bot"
	"hearth/commands"
	"hearth/domain"
	"hearth/groups"
	"hearth/internal/grouplock"
	"hearth/metrics"
	"hearth/scheduler"
	"hearth/store"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	if err := run(context.Background(), os.Args[1:], os.Stdout, log); err != nil {
		fmt.Fprintln(os.Stderr, "hearth:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	cmd := "run"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "version":
		fmt.Fprintln(stdout, "hearth", version)
		return nil
	case "try":
		ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
		defer stop()
		return try(ctx, args, stdout, log)
	case "run", "migrate", "backup", "health":
	default:
		return fmt.Errorf("unknown command %q; use run, try, migrate, backup, health or version", cmd)
	}
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	configPath := fs.String("config", "config.toml", "path of the configuration file")
	var backupTo, fromSQLite string
	if cmd == "backup" {
		fs.StringVar(&backupTo, "to", "", "path of the copy to write; must not exist")
	}
	if cmd == "migrate" {
		fs.StringVar(&fromSQLite, "from-sqlite", "", "copy this SQLite database into the empty PostgreSQL one at store.url")
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := loadConfig(*configPath, cmd == "run")
	if err != nil {
		return err
	}
	switch cmd {
	case "migrate":
		if fromSQLite != "" {
			return copyFromSQLite(ctx, cfg, fromSQLite, stdout)
		}
		return migrate(ctx, cfg, stdout)
	case "backup":
		return backup(ctx, cfg, backupTo, stdout)
	case "health":
		return health(ctx, cfg, stdout)
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serve(ctx, cfg, log, hooks{})
}

func migrate(ctx context.Context, cfg Config, stdout io.Writer) error {
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintf(stdout, "database %s is up to date\n", databaseName(cfg))
	return nil
}

// backup writes a consistent copy of the database, live or not, to a new
// file. It neither creates nor migrates the database: the Hearth running
// beside it may be of another version.
func backup(ctx context.Context, cfg Config, to string, stdout io.Writer) error {
	if to == "" {
		return errors.New("backup: --to PATH is required")
	}
	st, err := store.OpenExisting(cfg.Store.Path)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Backup(ctx, to); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "database %s copied to %s\n", cfg.Store.Path, to)
	return nil
}

// hooks let tests and benchmarks reach into a running Hearth; the zero
// value is what `hearth run` uses.
type hooks struct {
	clock      domain.Clock   // nil: the real clock
	beforeOpen func(*bot.Bot) // before connecting to Discord
	ready      func(*bot.Bot) // once commands are registered and channels reconciled
	httpLn     net.Listener   // the HTTP server's, instead of listening on http.listen
	// scheduled is handed the scheduler before it runs (hearth try waits
	// for it to be idle as it moves its clock).
	scheduled func(*scheduler.Scheduler)
}

// sharedPoll is how often, at most, a process sharing its database looks
// for work the others planned or left: a reminder planned by a process
// that died before it was due goes out at most this late.
const sharedPoll = 15 * time.Second

// serve runs the bot until ctx ends, then closes the gateway and the
// database cleanly.
func serve(ctx context.Context, cfg Config, log *slog.Logger, h hooks) error {
	clock := h.clock
	if clock == nil {
		clock = domain.SystemClock{}
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	var m *metrics.Metrics // counted only where they can be read
	if cfg.HTTP.Listen != "" {
		m = metrics.New()
	}
	b, err := bot.New(bot.Config{Token: cfg.Discord.Token, APIURL: cfg.Discord.APIURL, GuildID: cfg.Discord.GuildID,
		ShardID: cfg.Discord.ShardID, ShardCount: cfg.Discord.ShardCount, AutoShards: cfg.Discord.Shards == "auto",
		Metrics: m}, st, log)
	if err != nil {
		return err
	}
	b.SetGlobalRateLimit(cfg.Discord.RESTRate)
	// On PostgreSQL several processes may serve one group: its lock is
	// taken in the database too.
	locks := &grouplock.Locks{Across: st.LockGroup}
	deleteOnArchive := cfg.Groups.OnArchive == "delete"
	svc := &groups.Service{Store: st, People: st, Discord: b, Voice: b, Locks: locks, Clock: clock, Log: log, DeleteOnArchive: deleteOnArchive}
	svc.ShareServerLocks(st.LockGuild)
	key, err := st.Secret(ctx, "buttons")
	if err != nil {
		return err
	}
	svc.Key, svc.OfferFor = key, time.Duration(cfg.Groups.OfferHours)*time.Hour
	app := &commands.App{Store: st, Groups: svc, Perms: b, Clock: clock, Log: log, Key: key,
		DefaultTimezone: cfg.Defaults.Timezone, DeleteOnArchive: deleteOnArchive, Metrics: m}
	sched := scheduler.New(st, b, svc, clock, log)
	sched.SetOfferer(svc)
	sched.SetSessionEnder(svc)
	sched.SetRetention(svc, time.Duration(cfg.Groups.RetentionDays)*24*time.Hour)
	sched.SetKey(key)
	sched.SetMetrics(m)
	if cfg.Store.URL != "" {
		// Other processes may share the database: see their work.
		sched.SetPoll(min(sharedPoll, cfg.leaseTerm()/3))
	}
	if h.scheduled != nil {
		h.scheduled(sched)
	}
	svc.Serves = b.Serves
	b.Serve(app.Router(), svc, locks)
	if cfg.HTTP.Listen != "" {
		var interactions http.Handler
		if cfg.HTTP.Interactions {
			interactions = b.InteractionsHandler(cfg.publicKey())
		}
		stopHTTP, err := serveHTTP(cfg.HTTP.Listen, h.httpLn, m, b, st, interactions, log)
		if err != nil {
			return err
		}
		defer stopHTTP()
	}
	if h.beforeOpen != nil {
		h.beforeOpen(b)
	}
	if err := b.Open(); err != nil {
		return err
	}
	schedDone := make(chan error, 1)
	schedCtx, stopSched := context.WithCancel(ctx)
	go func() { schedDone <- sched.Run(schedCtx) }()
	log.Info("hearth is running", "version", version)
	if h.ready != nil {
		go func() {
			select {
			case <-b.Ready():
				h.ready(b)
			case <-ctx.Done():
			}
		}()
	}
	<-ctx.Done()
	log.Info("shutting down")
	stopSched()
	if err := <-schedDone; err != nil && !errors.Is(err, context.Canceled) {
		log.Error("scheduler stopped with an error", "err", err)
	}
	return b.Close()
}
