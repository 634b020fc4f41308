package bot

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"hearth/scheduler"
)

// SendMessage tells the scheduler whether a failed send may have posted:
// only when every try was refused by Discord (4xx) is it surely not sent.
func TestSendMessageReportsUncertainOutcomes(t *testing.T) {
	dropFirst := func(n int32, w http.ResponseWriter) bool {
		if n != 1 {
			return false
		}
		c, _, _ := w.(http.Hijacker).Hijack()
		c.Close() // the message was created; the answer is lost
		return true
	}
	cases := []struct {
		name      string
		respond   func(n int32, w http.ResponseWriter)
		uncertain bool
		refused   bool
	}{
		{"lost answer, then 503s", func(n int32, w http.ResponseWriter) {
			if !dropFirst(n, w) {
				w.WriteHeader(http.StatusServiceUnavailable)
				w.Write([]byte(`{"message":"upstream","code":0}`))
			}
		}, true, false},
		{"500s only", func(n int32, w http.ResponseWriter) {
			w.WriteHeader(http.StatusInternalServerError)
			w.Write([]byte(`{"message":"oops","code":0}`))
		}, true, false},
		{"missing access", func(n int32, w http.ResponseWriter) {
			w.WriteHeader(http.StatusForbidden)
			w.Write([]byte(`{"message":"Missing Access","code":50001}`))
		}, false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var n atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				c.respond(n.Add(1), w)
			}))
			defer srv.Close()
			b, err := New(Config{Token: "x", APIURL: srv.URL}, nil, slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			b.SetGlobalRateLimit(0)
			err = b.SendMessage(context.Background(), "123", "hi", []string{"1"}, "nonce-0")
			if err == nil {
				t.Fatal("no error")
			}
			if got := errors.Is(err, scheduler.ErrOutcomeUnknown); got != c.uncertain {
				t.Errorf("after %d tries: uncertain = %v, want %v (%v)", n.Load(), got, c.uncertain, err)
			}
			if got := errors.Is(err, scheduler.ErrRefused); got != c.refused {
				t.Errorf("refused = %v, want %v (%v)", got, c.refused, err)
			}
		})
	}
}

// A 429 is waited out for its retry_after, and the wait gives way to the
// caller's deadline.
func TestRateLimitIsWaitedOutWithinTheDeadline(t *testing.T) {
	var n atomic.Int32
	var long atomic.Bool // answer every request with a 30 s rate limit
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 || long.Load() {
			retryAfter := "0.05"
			if long.Load() {
				retryAfter = "30"
			}
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			w.Write([]byte(`{"message":"You are being rate limited.","retry_after":` + retryAfter + `,"global":false}`))
			return
		}
		w.Write([]byte(`{"id":"1","channel_id":"123","content":"hi"}`))
	}))
	defer srv.Close()
	b, err := New(Config{Token: "x", APIURL: srv.URL}, nil, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	b.SetGlobalRateLimit(0)
	start := time.Now()
	if err := b.SendMessage(context.Background(), "123", "hi", nil, ""); err != nil {
		t.Fatalf("a send after one 429 failed: %v", err)
	}
	if took := time.Since(start); took < 50*time.Millisecond || n.Load() != 2 {
		t.Fatalf("%d requests in %s; want 2, the second after retry_after", n.Load(), took)
	}
	long.Store(true)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start = time.Now()
	if err := b.SendMessage(ctx, "123", "hi", nil, ""); err == nil {
		t.Fatal("a send held by a 30 s rate limit succeeded within 200 ms")
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("the wait ignored the deadline: %s", took)
	}
}

// A message still waiting for its place under the global limit when the
// caller gives up never reached the network: it is reported as not sent,
// not as an outcome unknown, so that a restart sends it normally.
func TestSendMessageCancelledInThePacerIsNotSent(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Write([]byte(`{"id":"1","channel_id":"123","content":"hi"}`))
	}))
	defer srv.Close()
	b, err := New(Config{Token: "x", APIURL: srv.URL}, nil, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	b.pacer.pause(time.Now().Add(time.Hour)) // the global limit is spent
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err = b.SendMessage(ctx, "123", "hi", []string{"1"}, "nonce-0")
	if !errors.Is(err, scheduler.ErrNotSent) || errors.Is(err, scheduler.ErrOutcomeUnknown) {
		t.Fatalf("err = %v, want ErrNotSent and not ErrOutcomeUnknown", err)
	}
	if n.Load() != 0 {
		t.Fatalf("%d requests reached the server", n.Load())
	}
}
