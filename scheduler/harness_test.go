package scheduler

import (
	"context"
	"errors"
	"fmt"
	"hearth/domain"
	"hearth/internal/fakeclock"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"hearth/store"
)

// fakeDiscord records messages and, like Discord with enforce_nonce, drops
// a repeat of a nonce seen within the last few minutes.
type fakeDiscord struct {
	mu       sync.Mutex
	clock    domain.Clock
	messages []sentMessage
	calls    []sentMessage // every SendMessage call, including dropped repeats
	seen     map[string]time.Time
	failNext int           // fail this many calls (the message is not created)
	refuse   bool          // refuse every call for good, as for a deleted channel
	hang     chan struct{} // when set, a send is created and then hangs, deaf to ctx, until closed
	hanging  chan struct{} // receives once a send hangs
}

type sentMessage struct {
	Channel, Content, Nonce string
	Mentions                []string
	At                      time.Time
}

func newFakeDiscord(clock domain.Clock) *fakeDiscord {
	return &fakeDiscord{clock: clock, seen: map[string]time.Time{}}
}

var errDiscordDown = errors.New("fake discord: 503 service unavailable")

func (d *fakeDiscord) SendMessage(ctx context.Context, channelID, content string, mentionIDs []string, nonce string) error {
	d.mu.Lock()
	now := d.clock.Now()
	m := sentMessage{Channel: channelID, Content: content, Nonce: nonce, Mentions: append([]string(nil), mentionIDs...), At: now}
	d.calls = append(d.calls, m)
	if d.refuse {
		d.mu.Unlock()
		return errors.Join(ErrRefused, errors.New("fake discord: 404 unknown channel"))
	}
	if d.failNext > 0 {
		d.failNext--
		d.mu.Unlock()
		return errDiscordDown
	}
	if len(nonce) > 25 {
		d.mu.Unlock()
		return fmt.Errorf("fake discord: nonce %q longer than 25", nonce)
	}
	if at, ok := d.seen[nonce]; !ok || now.Sub(at) > 5*time.Minute {
		d.seen[nonce] = now
		d.messages = append(d.messages, m)
	}
	hang := d.hang
	d.hang = nil
	d.mu.Unlock()
	if hang != nil {
		d.hanging <- struct{}{}
		<-hang
		return errors.New("fake discord: the process died")
	}
	return nil
}

func (d *fakeDiscord) Messages() []sentMessage {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]sentMessage(nil), d.messages...)
}

func (d *fakeDiscord) Calls() []sentMessage {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]sentMessage(nil), d.calls...)
}

// fakeCompleter archives in the store as /group archive does.
type fakeCompleter struct {
	st    *store.Store
	clock domain.Clock
	mu    sync.Mutex
	done  []int64
}

func (c *fakeCompleter) Complete(ctx context.Context, groupID int64) error {
	if _, err := c.st.Archive(ctx, groupID, c.clock.Now()); err != nil {
		return err
	}
	c.mu.Lock()
	c.done = append(c.done, groupID)
	c.mu.Unlock()
	return nil
}

func (c *fakeCompleter) Done() []int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]int64(nil), c.done...)
}

// harness runs a Scheduler on a real SQLite file with a fake clock.
type harness struct {
	t        testing.TB
	path     string
	st       *store.Store
	clock    *fakeclock.Clock
	discord  *fakeDiscord
	complete *fakeCompleter
	s        *Scheduler
	stop     func()
}

func newHarness(t testing.TB, start time.Time) *harness {
	t.Helper()
	h := &harness{t: t, path: filepath.Join(t.TempDir(), "hearth.db"), clock: fakeclock.New(start)}
	h.discord = newFakeDiscord(h.clock)
	h.open()
	return h
}

// open opens the database and makes a new Scheduler on it, as a restart does.
func (h *harness) open() {
	h.t.Helper()
	st, err := store.Open(context.Background(), h.path)
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { st.Close() })
	h.st = st
	h.complete = &fakeCompleter{st: st, clock: h.clock}
	h.s = New(st, h.discord, h.complete, h.clock, nil)
}

// run starts the loop and waits for it to settle.
func (h *harness) run() {
	h.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.s.Run(ctx) }()
	h.stop = func() {
		cancel()
		if err := <-done; err != nil {
			h.t.Errorf("Run: %v", err)
		}
		h.stop = nil
	}
	h.t.Cleanup(func() {
		if h.stop != nil {
			h.stop()
		}
	})
	h.settle()
}

// crash leaves the running Scheduler as a dead process would: its loop
// stopped, a send hanging in mid-air, nothing more recorded. A new
// Scheduler opens the database and runs. cleanup releases the dead one.
func (h *harness) crashAndRestart(hang chan struct{}) {
	old := h.stop
	h.stop = nil
	done := make(chan struct{})
	go func() { old(); close(done) }()
	h.t.Cleanup(func() { close(hang); <-done })
	h.open()
	h.run()
}

// restart stops the loop, reopens the database and runs a new Scheduler.
func (h *harness) restart() {
	h.stop()
	h.open()
	h.run()
}

// settle waits (real time, briefly) until the loop sleeps with nothing to do.
func (h *harness) settle() {
	h.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !h.s.Idle() {
		if time.Now().After(deadline) {
			h.t.Fatal("scheduler did not settle")
		}
		time.Sleep(200 * time.Microsecond)
	}
}

// advanceTo moves the clock to t through every due time on the way, letting
// the loop fire at each, as real time would.
func (h *harness) advanceTo(t time.Time) {
	h.t.Helper()
	for {
		next, ok, err := h.st.NextWake(context.Background())
		if err != nil {
			h.t.Fatal(err)
		}
		if !ok || next.After(t) {
			break
		}
		if next.After(h.clock.Now()) {
			h.clock.Set(next)
		} else {
			h.s.wake()
		}
		h.settle()
	}
	h.clock.Set(t)
	h.settle()
}

func (h *harness) group(g domain.Group, members ...string) domain.Group {
	h.t.Helper()
	ctx := context.Background()
	if g.GuildID == "" {
		g.GuildID = "guild"
	}
	if g.Name == "" {
		g.Name = fmt.Sprintf("group %d", time.Now().UnixNano())
	}
	if g.Kind == "" {
		g.Kind = domain.KindOpen
	}
	if g.Timezone == "" {
		g.Timezone = "Europe/Madrid"
	}
	g.CreatedAt = h.clock.Now()
	g, err := h.st.CreateGroup(ctx, g, h.clock.Now())
	if err != nil {
		h.t.Fatal(err)
	}
	g.ChannelID = fmt.Sprintf("chan-%d", g.ID)
	if err := h.st.SetGroupChannel(ctx, g.ID, g.ChannelID); err != nil {
		h.t.Fatal(err)
	}
	for _, m := range members {
		if err := h.st.Join(ctx, g.ID, m, h.clock.Now(), 0); err != nil {
			h.t.Fatal(err)
		}
	}
	if err := h.st.Replan(ctx, g.ID, h.clock.Now()); err != nil {
		h.t.Fatal(err)
	}
	return g
}

// firings lists a group's reminder firings (session posts, also firings,
// are left out: these tests are about reminders).
func (h *harness) firings(groupID int64) []domain.Firing {
	h.t.Helper()
	fs, err := h.st.Firings(context.Background(), groupID)
	if err != nil {
		h.t.Fatal(err)
	}
	var out []domain.Firing
	for _, f := range fs {
		if f.Kind == domain.JobReminder {
			out = append(out, f)
		}
	}
	return out
}

func madrid(s string) time.Time {
	loc, _ := time.LoadLocation("Europe/Madrid")
	t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		panic(err)
	}
	return t
}
