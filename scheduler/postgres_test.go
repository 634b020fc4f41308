package scheduler

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"hearth/domain"
	"hearth/internal/fakeclock"
	"hearth/internal/pgtest"
	"hearth/store"
)

var (
	pgOnce   sync.Once
	pgServer *pgtest.Server
	pgErr    error
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgServer.Stop()
	os.Exit(code)
}

// openPostgres opens n stores on one new PostgreSQL database, as n
// processes would, or skips (fails under HEARTH_REQUIRE_POSTGRES=1).
func openPostgres(t *testing.T, n int) []*store.Store {
	t.Helper()
	pgOnce.Do(func() { pgServer, pgErr = pgtest.Start() })
	if pgErr != nil {
		if pgtest.Required() {
			t.Fatal(pgErr)
		}
		t.Skip(pgErr)
	}
	url, drop, err := pgServer.NewDatabase(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(drop)
	var out []*store.Store
	for i := range n {
		st, err := store.OpenDatabase(context.Background(), url, "")
		if err != nil {
			t.Fatal(err)
		}
		st.SetLease(fmt.Sprintf("process-%d", i), time.Minute)
		t.Cleanup(func() { st.Close() })
		out = append(out, st)
	}
	return out
}

// process is one Hearth process's scheduler on a shared database.
func process(t *testing.T, st *store.Store, clock *fakeclock.Clock, discord *fakeDiscord) *harness {
	h := &harness{t: t, st: st, clock: clock, discord: discord}
	h.complete = &fakeCompleter{st: st, clock: clock}
	h.s = New(st, discord, h.complete, clock, nil)
	return h
}

// waitSent waits (real time) until n reminders are recorded sent.
func waitSent(t *testing.T, st *store.Store, groups []domain.Group, n int) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(10 * time.Millisecond) {
		sent := 0
		for _, g := range groups {
			fs, err := st.Firings(context.Background(), g.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range fs {
				if f.State == domain.FiringSent {
					sent++
				}
			}
		}
		if sent >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d reminders sent", sent, n)
		}
	}
}

func TestTwoProcessesSendEachReminderOnce(t *testing.T) {
	stores := openPostgres(t, 2)
	clock := fakeclock.New(madrid("2026-03-02 17:00"))
	discord := newFakeDiscord(clock)
	a, b := process(t, stores[0], clock, discord), process(t, stores[1], clock, discord)
	const n = 300 // more than one claim's batch, all due at the same second
	var groups []domain.Group
	for i := range n {
		groups = append(groups, a.group(domain.Group{Name: fmt.Sprintf("g%d", i), Schedule: "0 18 * * MON", Reminders: "30m"},
			fmt.Sprintf("u%d", i)))
	}
	a.run()
	b.run()
	clock.Set(madrid("2026-03-02 17:30"))
	a.s.wake()
	b.s.wake()
	waitSent(t, a.st, groups, n)
	a.settle()
	b.settle()

	perChannel := map[string]int{}
	for _, c := range discord.Calls() {
		perChannel[c.Channel]++
	}
	for _, g := range groups {
		if perChannel[g.ChannelID] != 1 {
			t.Errorf("group %d: %d sends, want 1", g.ID, perChannel[g.ChannelID])
		}
	}
	if got := len(discord.Calls()); got != n {
		t.Errorf("%d sends for %d reminders", got, n)
	}
}

func TestAProcessThatDiesHasItsReminderTakenOverAfterItsLease(t *testing.T) {
	stores := openPostgres(t, 2)
	clock := fakeclock.New(madrid("2026-03-02 17:00"))
	discord := newFakeDiscord(clock)
	a, b := process(t, stores[0], clock, discord), process(t, stores[1], clock, discord)
	g := a.group(domain.Group{Schedule: "0 18 * * MON", Reminders: "30m"}, "u1")

	// Process a claims the reminder and dies in the middle of sending it:
	// the message is created, the outcome never recorded.
	hang := make(chan struct{})
	discord.hang, discord.hanging = hang, make(chan struct{}, 1)
	a.run()
	clock.Set(madrid("2026-03-02 17:30"))
	a.s.wake()
	<-discord.hanging
	dead := a.stop
	a.stop = nil
	stopped := make(chan struct{})
	go func() { dead(); close(stopped) }()
	t.Cleanup(func() { close(hang); <-stopped })

	b.run()
	clock.Set(madrid("2026-03-02 17:30").Add(50 * time.Second)) // a's lease holds
	b.s.wake()
	b.settle()
	if calls := discord.Calls(); len(calls) != 1 {
		t.Fatalf("%d sends while the dead process's lease holds, want its 1", len(calls))
	}
	clock.Set(madrid("2026-03-02 17:31").Add(time.Second)) // past it
	b.s.wake()
	waitSent(t, b.st, []domain.Group{g}, 1)
	b.settle()
	calls, msgs := discord.Calls(), discord.Messages()
	if len(calls) != 2 || calls[0].Nonce != calls[1].Nonce || len(msgs) != 1 {
		t.Fatalf("calls %+v, messages %+v: want the dead process's send retried once with its nonce, one message", calls, msgs)
	}
}
