package metrics

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestRouteOfHidesIdsAndTokens(t *testing.T) {
	cases := []struct{ name, method, path, want string }{
		{"overwrite", "PUT", "/api/v9/channels/1234567890123/permissions/987654321098", "PUT /channels/{id}/permissions/{id}"},
		{"message", "POST", "/api/v10/channels/1234567890123/messages", "POST /channels/{id}/messages"},
		{"callback", "POST", "/api/v9/interactions/111222333/aW50ZXJhY3Rpb246dG9rZW4/callback", "POST /interactions/{id}/{token}/callback"},
		{"edit original", "PATCH", "/api/v9/webhooks/4445556667/aW50ZXJhY3Rpb246dG9rZW4/messages/@original", "PATCH /webhooks/{id}/{token}/messages/@original"},
		{"lowercase token", "POST", "/api/v9/webhooks/4445556667/abcdefghijk", "POST /webhooks/{id}/{token}"},
		{"member", "GET", "/api/v9/guilds/42/members/43", "GET /guilds/{id}/members/{id}"},
		{"commands", "PUT", "/api/v9/applications/42/guilds/43/commands", "PUT /applications/{id}/guilds/{id}/commands"},
		{"me", "GET", "/api/v9/users/@me", "GET /users/@me"},
		{"gateway", "GET", "/api/v9/gateway/bot", "GET /gateway/bot"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := RouteOf(c.method, c.path); got != c.want {
				t.Errorf("RouteOf(%s %s) = %q, want %q", c.method, c.path, got, c.want)
			}
		})
	}
}

func TestNilMetricsDoNothing(t *testing.T) {
	var m *Metrics
	m.InteractionDone("join", "ok", time.Millisecond)
	m.RESTCall("GET /users/@me", 200)
	m.RateLimitWait(time.Millisecond)
	m.ReminderSent()
	m.ReminderSkipped()
	m.ReminderLate()
	m.SchedulerLag(time.Second)
	m.GatewayReconnect()
	if m.Registry() != nil {
		t.Error("a nil Metrics has a registry")
	}
	srv := httptest.NewServer(m.Handler(func(context.Context) error { return nil }))
	defer srv.Close()
	if code, _ := get(t, srv.URL+"/metrics"); code != http.StatusNotFound {
		t.Errorf("/metrics without metrics: %d", code)
	}
}

func TestHandler(t *testing.T) {
	m := New()
	m.InteractionDone("join", "ok", 3*time.Millisecond)
	m.InteractionDone("group 12345", "ok", time.Millisecond) // never a label
	m.RESTCall(RouteOf("PUT", "/api/v9/channels/1/permissions/2"), 204)
	m.ReminderSent()
	m.ReminderLate()
	m.GatewayReconnect()
	var healthErr error
	srv := httptest.NewServer(m.Handler(func(context.Context) error { return healthErr }))
	defer srv.Close()

	code, body := get(t, srv.URL+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d", code)
	}
	for _, want := range []string{
		`hearth_interactions_total{outcome="ok",route="join"} 1`,
		`hearth_interactions_total{outcome="ok",route="other"} 1`,
		`hearth_interaction_duration_seconds_bucket{route="join",le="0.005"} 1`,
		`hearth_rest_requests_total{route="PUT /channels/{id}/permissions/{id}",status="204"} 1`,
		`hearth_reminders_total{result="sent"} 1`,
		`hearth_reminders_total{result="skipped"} 0`,
		`hearth_reminders_late_total 1`,
		`hearth_gateway_reconnects_total 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if code, body := get(t, srv.URL+"/healthz"); code != http.StatusOK || body != "ok\n" {
		t.Errorf("/healthz healthy: %d %q", code, body)
	}
	healthErr = errors.New("gateway not connected")
	if code, body := get(t, srv.URL+"/healthz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "gateway not connected") {
		t.Errorf("/healthz unhealthy: %d %q", code, body)
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}
