package fakediscord

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// rewriteTransport sends https://discord.com/api/... to the fake.
type rewriteTransport struct{ target *url.URL }

func (rt rewriteTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host == "discord.com" && strings.HasPrefix(req.URL.Path, "/api/") {
		req = req.Clone(req.Context())
		req.URL.Scheme, req.URL.Host, req.Host = rt.target.Scheme, rt.target.Host, ""
	} else if req.URL.Hostname() != "127.0.0.1" {
		return nil, fmt.Errorf("test transport: refusing to reach %s", req.URL)
	}
	return http.DefaultTransport.RoundTrip(req)
}

// newClient makes a discordgo session talking to the fake (not opened).
func newClient(t testing.TB, f *Server) *discordgo.Session {
	t.Helper()
	dg, err := discordgo.New("Bot " + f.Token)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(f.APIURL())
	dg.Client = &http.Client{Transport: rewriteTransport{target: u}, Timeout: 10 * time.Second}
	dg.LogLevel = -1
	return dg
}

// openClient opens the gateway and closes it at cleanup. discordgo's Close
// sleeps 1 s, so clients that need not reconnect are cut off by closing the
// fake instead (discordgo then closes in the background).
func openClient(t testing.TB, f *Server, dg *discordgo.Session) {
	t.Helper()
	if err := dg.Open(); err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if dg.ShouldReconnectOnError {
			_ = dg.Close()
		} else {
			f.Close()
		}
	})
}

// eventually polls cond until it holds or 5 s pass.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB // the real test, for Cleanup/Logf/Helper
	mu         sync.Mutex
	errs       []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func (r *recorder) Error(args ...any) { r.Errorf("%s", fmt.Sprint(args...)) }

func (r *recorder) errors() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.errs...)
}

// eventSink collects gateway events of one type.
type eventSink[T any] struct {
	mu sync.Mutex
	ev []T
}

func (s *eventSink[T]) add(v T) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ev = append(s.ev, v)
}

func (s *eventSink[T]) all() []T {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]T(nil), s.ev...)
}
