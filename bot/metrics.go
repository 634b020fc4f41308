package bot

import (
	"net/http"
	"sync/atomic"

	"github.com/bwmarrin/discordgo"

	"hearth/metrics"
)

// Connected reports whether the gateway session is up: identified or
// resumed, and not since dropped.
func (b *Bot) Connected() bool {
	b.session.RLock()
	defer b.session.RUnlock()
	return b.session.DataReady
}

// observedTransport counts every REST request by route (ids and tokens
// replaced) and status.
type observedTransport struct {
	metrics *metrics.Metrics
	next    http.RoundTripper
}

func (t observedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	status := 0
	if err == nil {
		status = resp.StatusCode
	}
	t.metrics.RESTCall(metrics.RouteOf(req.Method, req.URL.Path), status)
	return resp, err
}

// observe wraps next to count REST requests, when there are metrics.
func observe(m *metrics.Metrics, next http.RoundTripper) http.RoundTripper {
	if m == nil {
		return next
	}
	return observedTransport{metrics: m, next: next}
}

// countReconnects counts every gateway session after the first: a RESUMED,
// or a READY after a new IDENTIFY. Its handlers only count, so they run
// inline in discordgo's reader (the session's events are synchronous).
func countReconnects(s *discordgo.Session, m *metrics.Metrics) {
	if m == nil {
		return
	}
	var readies atomic.Int64
	s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Ready) {
		if readies.Add(1) > 1 {
			m.GatewayReconnect()
		}
	})
	s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Resumed) { m.GatewayReconnect() })
}
