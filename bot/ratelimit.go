package bot

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"hearth/metrics"
	"hearth/scheduler"
)

// discordGlobalLimit is Discord's documented global limit on a bot's REST
// requests, per second. Hearth paces its requests to stay under it instead
// of learning of it from 429s. Interaction callbacks and webhooks
// (follow-ups, edits of replies) are exempt, as on Discord.
const discordGlobalLimit = 50

// SetGlobalRateLimit changes the global limit the bot's token has, from
// the next request on; zero turns pacing off (benchmarks compare with and
// without, and a shared REST proxy paces for every process). With
// several shards, this process paces at its share (ShareRate).
func (b *Bot) SetGlobalRateLimit(perSecond int) {
	b.mu.Lock()
	b.restRate = perSecond
	b.mu.Unlock()
	b.applyRateShare()
}

func (b *Bot) applyRateShare() {
	_, count := b.shard()
	b.mu.Lock()
	rate := b.restRate
	b.mu.Unlock()
	b.pacer.setLimit(ShareRate(rate, count))
}

// globalMargin is how many requests a second below the limit Hearth paces:
// Discord counts requests as they arrive, and a request that left on time
// may arrive late and crowd the next second.
const globalMargin = 2

// pacer hands out times to send at, first come, first served, at most one
// per interval (a token bucket holding one token), at a pace of the global
// limit less globalMargin. Reservations are made in the order reserve is
// called, so requests leave in that order; and a bucket of one token cannot
// burst over a one-second window the way a fuller one would.
type pacer struct {
	mu   sync.Mutex
	next time.Time    // the earliest time the next request may leave
	pace atomic.Int64 // requests per second; zero: pacing off
}

func newPacer(globalLimit int) *pacer {
	p := &pacer{}
	p.setLimit(globalLimit)
	return p
}

// setLimit paces under a global limit of perSecond; zero turns pacing off.
func (p *pacer) setLimit(perSecond int) {
	pace := int64(perSecond - globalMargin)
	switch {
	case perSecond <= 0:
		pace = 0
	case pace <= 0:
		pace = 1
	}
	p.pace.Store(pace)
}

// interval is the time between two requests, or zero when pacing is off.
func (p *pacer) interval() time.Duration {
	pace := p.pace.Load()
	if pace <= 0 {
		return 0
	}
	return time.Second / time.Duration(pace)
}

// reserve takes the next place and returns when it comes; ok is false when
// pacing is off.
func (p *pacer) reserve(now time.Time) (at time.Time, ok bool) {
	interval := p.interval()
	if interval == 0 {
		return now, false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	at = p.next
	if at.Before(now) {
		at = now
	}
	p.next = at.Add(interval)
	return at, true
}

// pause holds every request not yet reserved until `until`: Discord said
// the global limit is spent.
func (p *pacer) pause(until time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.next.Before(until) {
		p.next = until
	}
}

// pacedTransport paces the bot-authenticated requests that count against
// Discord's global limit.
type pacedTransport struct {
	pacer *pacer
	next  http.RoundTripper

	metrics *metrics.Metrics // counts waits; nil: none
}

func (t *pacedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if !countsGlobally(req) {
		scheduler.SendQueued(ctx)
		return t.next.RoundTrip(req)
	}
	at, paced := t.pacer.reserve(time.Now())
	// The request has its place (unpaced: it leaves now); a reminder's next
	// send may queue behind it.
	scheduler.SendQueued(ctx)
	if !paced {
		return t.next.RoundTrip(req)
	}
	if wait := time.Until(at); wait > 0 {
		t.metrics.RateLimitWait(wait)
		timer := time.NewTimer(wait)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return nil, notSent{ctx.Err()}
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, notSent{err}
	}
	resp, err := t.next.RoundTrip(req)
	if err == nil && resp.StatusCode == http.StatusTooManyRequests && resp.Header.Get("X-RateLimit-Global") != "" {
		// Paced as we are, another process sharing the token, or clock skew:
		// hold everything not yet sent until Discord's window resets.
		if secs, perr := strconv.ParseFloat(resp.Header.Get("X-RateLimit-Reset-After"), 64); perr == nil && secs > 0 {
			t.pacer.pause(time.Now().Add(time.Duration(secs * float64(time.Second))))
		}
	}
	return resp, err
}

// notSent is the error of a request given up before it left: nothing of
// it reached Discord.
type notSent struct{ err error }

func (e notSent) Error() string { return "not sent: " + e.err.Error() }
func (e notSent) Unwrap() error { return e.err }

// countsGlobally reports whether a request counts against the global
// limit: it is made with the bot's token and is neither an interaction
// callback nor a webhook call with a token.
func countsGlobally(req *http.Request) bool {
	if !strings.HasPrefix(req.Header.Get("Authorization"), "Bot ") {
		return false
	}
	path := req.URL.Path
	if loc := apiPrefix.FindStringIndex(path); loc != nil {
		path = path[loc[1]:]
	} else {
		path = strings.TrimPrefix(path, "/")
	}
	switch {
	case strings.HasPrefix(path, "interactions/"):
		return false
	case strings.HasPrefix(path, "webhooks/"):
		return strings.Count(strings.TrimSuffix(path, "/"), "/") < 2 // webhooks/{id} is bot-authenticated
	}
	return true
}
