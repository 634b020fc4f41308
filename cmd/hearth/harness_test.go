package main

import (
	"context"
	"database/sql"
	"hearth/domain"
	"hearth/internal/fakeclock"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hearth/bot"
	"hearth/internal/fakediscord"
	"hearth/store"
)

// Discord option types used in the tests.
const (
	optSub    = 1
	optString = 3
	optInt    = 4
	optUser   = 6
	optRole   = 8
)

const permManageChannels = 1 << 4

// world is one fake Discord server with a moderator and some members.
type world struct {
	t      *testing.T
	fake   *fakediscord.Server
	guild  string
	mod    string // has a role with Manage Channels
	alice  string
	bob    string
	dbPath string
	clock  *fakeclock.Clock
	httpLn net.Listener // for http.listen; nil: Hearth listens itself
}

func newWorld(t *testing.T) *world {
	t.Helper()
	fake := fakediscord.New(t)
	w := &world{t: t, fake: fake, guild: fake.GuildID, dbPath: filepath.Join(t.TempDir(), "hearth.db"),
		clock: fakeclock.New(time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC))}
	modRole := fake.AddRole(w.guild, "Moderators", permManageChannels)
	w.mod = fake.AddMember(w.guild, "mod", modRole)
	w.alice = fake.AddMember(w.guild, "alice")
	w.bob = fake.AddMember(w.guild, "bob")
	return w
}

func (w *world) carol() string { return w.fake.AddMember(w.guild, "carol") }

// owner is the server's owner, who may do anything.
func (w *world) owner() string { return w.fake.OwnerID }

// hearth is one running Hearth process, stopped at the end of the test.
type hearth struct {
	stop func() error
}

func testLogger(t *testing.T) *slog.Logger {
	if os.Getenv("HEARTH_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// start runs Hearth the way `hearth run` does, against the fake, and waits
// until its commands are registered and its channels reconciled.
func (w *world) start(edit ...func(*Config)) *hearth {
	w.t.Helper()
	cfg := defaultConfig()
	cfg.Discord.Token = w.fake.Token
	cfg.Discord.APIURL = w.fake.APIURL()
	cfg.Discord.GuildID = w.guild
	cfg.Store.Path = w.dbPath
	for _, e := range edit {
		e(&cfg)
	}
	if err := cfg.validate(true); err != nil {
		w.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, cfg, testLogger(w.t), hooks{clock: w.clock, httpLn: w.httpLn, ready: func(*bot.Bot) { close(ready) }})
	}()
	select {
	case <-ready:
	case err := <-done:
		cancel()
		w.t.Fatalf("hearth stopped at start-up: %v", err)
	case <-time.After(10 * time.Second):
		cancel()
		w.t.Fatal("hearth was not ready within 10s")
	}
	stopped := false
	h := &hearth{stop: func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			w.t.Fatal("hearth did not stop within 10s")
			return nil
		}
	}}
	w.t.Cleanup(func() {
		if err := h.stop(); err != nil {
			w.t.Errorf("hearth stopped with %v", err)
		}
	})
	return h
}

// do runs a command as user and returns its reply.
func (w *world) do(user, name string, opts ...fakediscord.Opt) fakediscord.Reply {
	w.t.Helper()
	r, err := w.fake.Command(w.guild, user, name, opts...).Wait(5 * time.Second)
	if err != nil {
		w.t.Fatalf("/%s: %v", name, err)
	}
	if !r.Ephemeral && r.Type != 9 { // a modal is a form, not a message
		w.t.Errorf("/%s reply is not ephemeral: %q", name, r.Content)
	}
	return r
}

// group runs /group sub with options.
func (w *world) group(user, sub string, opts ...fakediscord.Opt) fakediscord.Reply {
	w.t.Helper()
	return w.do(user, "group", fakediscord.Opt{Name: sub, Type: optSub, Options: opts})
}

func str(name, value string) fakediscord.Opt {
	return fakediscord.Opt{Name: name, Type: optString, Value: value}
}

func num(name string, value int) fakediscord.Opt {
	return fakediscord.Opt{Name: name, Type: optInt, Value: value}
}

func usr(name, id string) fakediscord.Opt {
	return fakediscord.Opt{Name: name, Type: optUser, Value: id}
}

func wantReply(t *testing.T, r fakediscord.Reply, fragments ...string) {
	t.Helper()
	for _, f := range fragments {
		if !strings.Contains(r.Content, f) {
			t.Errorf("reply %q lacks %q", r.Content, f)
		}
	}
}

// db opens the database beside the running bot, to check what it stored.
func (w *world) db() *store.Store {
	w.t.Helper()
	st, err := store.Open(context.Background(), w.dbPath)
	if err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(func() { st.Close() })
	return st
}

func (w *world) groupNamed(st *store.Store, name string) domain.Group {
	w.t.Helper()
	g, err := st.GroupByName(context.Background(), w.guild, name)
	if err != nil {
		w.t.Fatalf("group %q: %v", name, err)
	}
	return g
}

// overwrite returns the channel's overwrite for id.
func (w *world) overwrite(channelID, id string) (fakediscord.Overwrite, bool) {
	ch, ok := w.fake.Channel(channelID)
	if !ok {
		w.t.Fatalf("channel %s does not exist", channelID)
	}
	for _, ow := range ch.Overwrites {
		if ow.ID == id {
			return ow, true
		}
	}
	return fakediscord.Overwrite{}, false
}

// eventually polls cond for up to 5 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// sql changes the database by hand, while Hearth is stopped: the state a
// crash or an older version left.
func (w *world) sql(query string, args ...any) {
	w.t.Helper()
	db, err := sql.Open("sqlite3", "file:"+w.dbPath+"?_foreign_keys=on&_busy_timeout=5000")
	if err != nil {
		w.t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(query, args...); err != nil {
		w.t.Fatal(err)
	}
}

// privateChannel makes a text channel only the bot (and administrators)
// can read, as a server's moderators would for Hearth's log.
func (w *world) privateChannel(name string) string {
	return w.fake.AddChannel(w.guild, name,
		fakediscord.Overwrite{ID: w.guild, Type: 0, Deny: 1 << 10},
		fakediscord.Overwrite{ID: w.fake.BotUserID, Type: 1, Allow: 1<<10 | 1<<11 | 1<<16})
}
