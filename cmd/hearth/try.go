package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"hearth/bot"
	"hearth/internal/fakeclock"
	"hearth/internal/fakediscord"
	"hearth/internal/playground"
	"hearth/scheduler"
)

// try runs Hearth, by the same serve as `hearth run`, against a fake
// Discord on 127.0.0.1 holding a demo server, with a temporary database and
// a clock the playground page moves; then serves the page until ctx ends.
// No token, no network, no config file; everything is removed at exit.
func try(ctx context.Context, args []string, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("try", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:0", "loopback address of the playground page (port 0: a free one)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ln, err := playground.Listen(*listen)
	if err != nil {
		return err
	}
	defer ln.Close()

	dir, err := os.MkdirTemp("", "hearth-try-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	fake, err := fakediscord.Start(fakeReporter{log}, fakediscord.Options{GuildName: "Hearth demo", NoJournal: true,
		HeartbeatInterval: 10 * time.Second})
	if err != nil {
		return err
	}
	defer fake.Close()
	demo := playground.NewDemo(fake)
	clock := fakeclock.New(time.Now().UTC().Truncate(time.Minute))
	fake.SetClock(clock.Now) // scheduled events must start after the demo's now, not the real one

	cfg := defaultConfig()
	cfg.Discord.Token = fake.Token
	cfg.Discord.APIURL = fake.APIURL() // the only difference from a real Discord
	cfg.Discord.GuildID = fake.GuildID
	cfg.Store.Path = filepath.Join(dir, "hearth.db")
	if err := cfg.validate(true); err != nil {
		return err
	}

	hearthCtx, stopHearth := context.WithCancel(context.Background())
	defer stopHearth()
	ready := make(chan struct{})
	var sched *scheduler.Scheduler
	done := make(chan error, 1)
	go func() {
		done <- serve(hearthCtx, cfg, log, hooks{clock: clock, ready: func(*bot.Bot) { close(ready) },
			scheduled: func(s *scheduler.Scheduler) { sched = s }})
	}()
	select {
	case <-ready:
	case err := <-done:
		return fmt.Errorf("hearth stopped at start-up: %w", err)
	case <-ctx.Done():
		stopHearth()
		return <-done
	}
	if err := demo.Seed(clock.Now()); err != nil {
		stopHearth()
		<-done
		return err
	}

	page := playground.New(playground.Config{Fake: fake, GuildID: demo.GuildID, People: demo.People, Clock: clock,
		Idle: sched.Idle, Log: log, Overrides: demo.Overrides})
	srv := &http.Server{Handler: page, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	clockCtx, stopClock := context.WithCancel(ctx)
	clockDone := make(chan struct{})
	go func() { page.RunClock(clockCtx); close(clockDone) }()

	fmt.Fprintf(stdout, "Hearth playground: http://%s/\nA demo server on a fake Discord, on this computer only. Ctrl-C stops it.\n", ln.Addr())

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-served:
	case serveErr = <-done:
		serveErr = fmt.Errorf("hearth stopped: %w", serveErr)
	}
	stopClock()
	<-clockDone
	shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutCtx)
	stopHearth()
	select {
	case err := <-done:
		if serveErr == nil && err != nil {
			serveErr = err
		}
	case <-time.After(10 * time.Second):
	}
	if errors.Is(serveErr, http.ErrServerClosed) {
		serveErr = nil
	}
	return serveErr
}

// fakeReporter logs what the fake Discord finds wrong with Hearth's calls
// (in tests, the same findings fail the test).
type fakeReporter struct{ log *slog.Logger }

func (r fakeReporter) Errorf(format string, args ...any) {
	r.log.Error(fmt.Sprintf(format, args...))
}

func (r fakeReporter) Logf(format string, args ...any) {
	r.log.Debug(fmt.Sprintf(format, args...))
}
