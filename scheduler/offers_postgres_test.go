package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"hearth/domain"
	"hearth/groups"
	"hearth/internal/fakeclock"
)

// dmRecorder is the Discord of the groups service: it records every direct
// message asked for, repeats included.
type dmRecorder struct {
	groups.Channels // nil: nothing else is called
	mu              sync.Mutex
	nonces          []string
}

func (d *dmRecorder) SendDM(_ context.Context, _, _ string, _ []groups.Button, nonce string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.nonces = append(d.nonces, nonce)
	return nil
}

func (d *dmRecorder) sent() map[string]int {
	d.mu.Lock()
	defer d.mu.Unlock()
	per := map[string]int{}
	for _, n := range d.nonces {
		per[n]++
	}
	return per
}

// Seat offers a dead process left unsent are sent again by the processes
// still running, each offer by one of them (ResendPending claims them).
func TestTwoProcessesResendEachPendingOfferOnce(t *testing.T) {
	stores := openPostgres(t, 3)
	dead := stores[2]
	clock := fakeclock.New(madrid("2026-03-02 17:00"))
	dms := &dmRecorder{}
	var procs []*harness
	for _, st := range stores[:2] {
		h := process(t, st, clock, newFakeDiscord(clock))
		h.s.SetOfferer(&groups.Service{Store: st, Discord: dms, Clock: clock,
			Log: slog.New(slog.NewTextHandler(testWriter{t}, nil)), Key: []byte("key")})
		procs = append(procs, h)
	}

	// The dead process freed a seat in each group and offered it to the
	// person waiting, and died before the direct message went out.
	const n = 40
	ctx := context.Background()
	for i := range n {
		g := procs[0].group(domain.Group{Name: fmt.Sprintf("g%d", i), Capacity: 1})
		if _, err := dead.AddWaiting(ctx, g.ID, fmt.Sprintf("w%d", i), domain.SeatList, clock.Now()); err != nil {
			t.Fatal(err)
		}
		now := clock.Now()
		if _, ok, err := dead.OfferNext(ctx, g.ID, now, now.Add(24*time.Hour)); !ok || err != nil {
			t.Fatalf("offer: %v %v", ok, err)
		}
	}

	for _, h := range procs {
		h.run() // resends at start: the dead process's claims still hold
	}
	if got := len(dms.sent()); got != 0 {
		t.Fatalf("%d offers sent while the dead process's claim held, want 0", got)
	}
	clock.Set(clock.Now().Add(resendEvery + time.Second)) // past the lease and the resend interval
	for _, h := range procs {
		h.s.wake()
	}
	for deadline := time.Now().Add(time.Minute); len(dms.sent()) < n && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	for _, h := range procs {
		h.settle()
	}
	sent := dms.sent()
	if len(sent) != n {
		t.Errorf("%d offers sent, want %d", len(sent), n)
	}
	for nonce, count := range sent {
		if !strings.HasPrefix(nonce, "offer-") || count != 1 {
			t.Errorf("%s sent %d times, want once", nonce, count)
		}
	}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }
