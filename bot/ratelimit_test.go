package bot

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"
)

func TestPacerSpacesReservationsInCallOrder(t *testing.T) {
	p := pacedAt(50)
	now := time.Unix(1000, 0)
	var prev time.Time
	for i := range 100 {
		at, _ := p.reserve(now)
		if i > 0 && at.Sub(prev) != 20*time.Millisecond {
			t.Fatalf("reservation %d at +%s after the one before, want 20ms", i, at.Sub(prev))
		}
		prev = at
	}
	// However they come, no one-second window holds more than 50.
	if got := prev.Sub(now); got != 99*20*time.Millisecond {
		t.Fatalf("100th reservation at +%s", got)
	}
	// After a quiet spell there is no burst to spend: one token only.
	later := prev.Add(time.Hour)
	a, _ := p.reserve(later)
	if b, _ := p.reserve(later); !a.Equal(later) || b.Sub(a) != 20*time.Millisecond {
		t.Fatalf("after a pause: %s, %s", a.Sub(later), b.Sub(later))
	}
}

func TestPacerPauseHoldsLaterReservations(t *testing.T) {
	p := pacedAt(50)
	now := time.Unix(1000, 0)
	p.reserve(now)
	p.pause(now.Add(700 * time.Millisecond))
	if at, _ := p.reserve(now); !at.Equal(now.Add(700 * time.Millisecond)) {
		t.Fatalf("after a global 429 the next request leaves at +%s, want +700ms", at.Sub(now))
	}
	p.pause(now) // a pause in the past changes nothing
	if at, _ := p.reserve(now); !at.Equal(now.Add(720 * time.Millisecond)) {
		t.Fatalf("next at +%s, want +720ms", at.Sub(now))
	}
}

// pacedAt is a pacer sending perSecond requests a second.
func pacedAt(perSecond int64) *pacer {
	p := &pacer{}
	p.pace.Store(perSecond)
	return p
}

func TestPacerFollowsTheGlobalLimit(t *testing.T) {
	p := newPacer(discordGlobalLimit)
	now := time.Unix(1000, 0)
	a, _ := p.reserve(now)
	if b, _ := p.reserve(now); b.Sub(a) != time.Second/48 {
		t.Errorf("at Discord's 50/s the pace is %s, want %s (48/s, a margin of 2)", b.Sub(a), time.Second/48)
	}
	p.setLimit(0)
	if _, ok := p.reserve(now); ok {
		t.Error("pacing is on with the limit off")
	}
}

func TestCountsGlobally(t *testing.T) {
	for _, c := range []struct {
		auth, path string
		want       bool
	}{
		{"Bot x", "/api/v9/channels/1/messages", true},
		{"Bot x", "/api/v10/guilds/1/channels", true},
		{"Bot x", "/api/v9/gateway/bot", true},
		{"Bot x", "/api/v9/interactions/1/tok/callback", false},
		{"Bot x", "/api/v9/webhooks/1/tok/messages/@original", false},
		{"Bot x", "/api/v9/webhooks/1/tok", false},
		{"Bot x", "/api/v9/webhooks/1", true},
		{"", "/api/v9/channels/1/messages", false},
	} {
		req, _ := http.NewRequest("GET", "https://discord.com"+c.path, nil)
		if c.auth != "" {
			req.Header.Set("authorization", c.auth)
		}
		if got := countsGlobally(req); got != c.want {
			t.Errorf("%q %s counts: %v, want %v", c.auth, c.path, got, c.want)
		}
	}
}

type countingTransport struct {
	mu    sync.Mutex
	paths []string
	at    []time.Time
	resp  func(*http.Request) *http.Response
}

func (c *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.paths = append(c.paths, req.URL.Path)
	c.at = append(c.at, time.Now())
	c.mu.Unlock()
	if c.resp != nil {
		return c.resp(req), nil
	}
	return &http.Response{StatusCode: 200, Header: http.Header{}, Body: http.NoBody, Request: req}, nil
}

func TestPacedTransport(t *testing.T) {
	next := &countingTransport{}
	tr := &pacedTransport{pacer: pacedAt(100), next: next}
	do := func(ctx context.Context, path string) error {
		req, _ := http.NewRequestWithContext(ctx, "POST", "https://discord.com/api/v9"+path, nil)
		req.Header.Set("Authorization", "Bot x")
		_, err := tr.RoundTrip(req)
		return err
	}
	began := time.Now()
	for range 5 {
		if err := do(context.Background(), "/channels/1/messages"); err != nil {
			t.Fatal(err)
		}
	}
	// Exempt calls are not paced and take no place.
	for range 20 {
		if err := do(context.Background(), "/interactions/1/tok/callback"); err != nil {
			t.Fatal(err)
		}
	}
	if took := time.Since(began); took < 40*time.Millisecond {
		t.Errorf("5 paced requests at 100/s took %s, want >= 40ms", took)
	}
	if len(next.paths) != 25 {
		t.Fatalf("%d requests went out", len(next.paths))
	}
	// A request waiting for its place gives up when its context ends.
	tr.pacer.pause(time.Now().Add(time.Hour))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := do(ctx, "/channels/1/messages"); err == nil {
		t.Fatal("a request held for an hour went out")
	}
}

func TestPacedTransportPausesOnGlobal429(t *testing.T) {
	next := &countingTransport{resp: func(req *http.Request) *http.Response {
		h := http.Header{}
		h.Set("X-RateLimit-Global", "true")
		h.Set("X-RateLimit-Reset-After", "0.150")
		return &http.Response{StatusCode: 429, Header: h, Body: http.NoBody, Request: req}
	}}
	tr := &pacedTransport{pacer: pacedAt(1000), next: next}
	req, _ := http.NewRequest("GET", "https://discord.com/api/v9/gateway/bot", nil)
	req.Header.Set("Authorization", "Bot x")
	began := time.Now()
	if _, err := tr.RoundTrip(req); err != nil {
		t.Fatal(err)
	}
	next.resp = nil
	if _, err := tr.RoundTrip(req.Clone(context.Background())); err != nil {
		t.Fatal(err)
	}
	if gap := next.at[1].Sub(began); gap < 140*time.Millisecond {
		t.Errorf("the request after a global 429 left after %s, want >= 150ms", gap)
	}
}
