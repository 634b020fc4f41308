package fakediscord

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Call is one REST request as seen by the fake.
type Call struct {
	Method string
	Path   string // as received, e.g. "/api/v9/channels/123/messages"
	Query  string // raw query
	Route  string // spec template, e.g. "/channels/{channel_id}/messages" ("" if unknown)
	Status int    // 0 while the call is still being answered
	Body   json.RawMessage
	At     time.Time
}

// request is what a route handler sees.
type request struct {
	s      *Server
	r      *http.Request
	op     *specOp
	params map[string]string
	query  url.Values
	body   []byte
	auth   bool // carries the bot token
}

// decode unmarshals the JSON body into v (no-op for an empty body).
func (rq *request) decode(v any) *apiError {
	b := rq.body
	if ct := rq.r.Header.Get("Content-Type"); strings.HasPrefix(ct, "multipart/form-data") {
		_, params, _ := mime.ParseMediaType(ct)
		pj, _ := multipartPayload(rq.body, params["boundary"])
		b = pj
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	if err := json.Unmarshal(b, v); err != nil {
		return &apiError{status: 400, code: 50109, msg: "The request body contains invalid JSON."}
	}
	return nil
}

func (rq *request) p(name string) string { return rq.params[name] }

// handler answers a request: a status and a JSON-able body (nil = none),
// or an error. It runs with s.mu held.
type handler func(rq *request) (int, any, *apiError)

// ServeHTTP implements the REST API and the gateway upgrade.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.enter() {
		http.Error(w, "closed", http.StatusServiceUnavailable)
		return
	}
	defer s.wg.Done()
	if r.URL.Path == "/" && strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		s.serveGateway(w, r)
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 32<<20))
	call := &Call{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, At: time.Now()}
	if len(bytes.TrimSpace(body)) > 0 {
		if json.Valid(body) {
			call.Body = append(json.RawMessage(nil), body...)
		} else {
			call.Body = mustJSON(string(body))
		}
	}
	if !s.opts.NoJournal {
		s.mu.Lock()
		s.journal = append(s.journal, call)
		s.mu.Unlock()
	}

	status, respBody, hdr := s.handle(r, call, body)
	if hdr.Get("X-RateLimit-Bucket") == "" {
		setRateHeaders(hdr, s.opts.RouteRateLimit, s.opts.RouteRateLimit-1, time.Now().Add(time.Second), "unknown")
	}
	for k, v := range hdr {
		w.Header()[k] = v
	}
	s.mu.Lock()
	call.Status = status
	s.mu.Unlock()
	if respBody == nil {
		w.WriteHeader(status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(respBody)
}

// handle runs the pipeline: route match, auth, global limit, spec
// validation, injected faults, bucket limit, handler.
func (s *Server) handle(r *http.Request, call *Call, body []byte) (int, any, http.Header) {
	hdr := http.Header{}
	path, ok := versionPrefix(r.URL.Path)
	if !ok {
		s.errorf("%s %s: not under /api/v9 or /api/v10", r.Method, r.URL.Path)
		return 404, errNotFound.body(), hdr
	}
	op, params, pathKnown := s.spec.match(r.Method, path)
	if op == nil {
		if pathKnown {
			s.errorf("%s %s: the spec has no %s operation on this path", r.Method, r.URL.Path, r.Method)
			return 405, errMethod.body(), hdr
		}
		s.errorf("%s %s: no such route in Discord's OpenAPI spec", r.Method, r.URL.Path)
		return 404, errNotFound.body(), hdr
	}
	s.mu.Lock()
	call.Route = op.Template
	s.mu.Unlock()
	retryBucket, bucketLimited := s.takeBucket(r.Method, op, params, hdr)
	auth := r.Header.Get("Authorization") == "Bot "+s.Token
	if !op.NoAuth && !auth {
		return 401, errUnauthorized.body(), hdr
	}
	exempt := strings.HasPrefix(op.Template, "/interactions/") || strings.HasPrefix(op.Template, "/webhooks/{webhook_id}/{webhook_token}")
	if auth && !exempt {
		if retry, limited := s.takeGlobal(); limited {
			return s.rateLimited(hdr, retry, "global", true)
		}
	}
	query := r.URL.Query()
	if p := s.spec.checkParams(op, params, query); p != nil {
		s.errorf("%s %s: %s", r.Method, r.URL.RequestURI(), p.msg)
		return p.status, (&apiError{code: 50035, msg: "Invalid Form Body", errs: p.errs}).body(), hdr
	}
	if _, p := s.spec.checkBody(op, r.Header.Get("Content-Type"), body); p != nil {
		s.errorf("%s %s: %s", r.Method, r.URL.RequestURI(), p.msg)
		return p.status, (&apiError{code: 50035, msg: "Invalid Form Body", errs: p.errs}).body(), hdr
	}
	f := s.takeFault(r.Method, op.Template)
	if f != nil {
		if f.hang > 0 {
			t := time.NewTimer(f.hang)
			select {
			case <-t.C:
			case <-r.Context().Done():
			case <-s.closed:
			}
			t.Stop()
		} else if !f.applied {
			return s.injected(hdr, f.status)
		}
	}
	h := routes[r.Method+" "+op.Template]
	if h == nil {
		s.errorf("%s %s (%s): route is in the spec but not implemented by fakediscord", r.Method, op.Template, op.OperationID)
		return 404, errNotFound.body(), hdr
	}
	if bucketLimited {
		return s.rateLimited(hdr, retryBucket, "user", false)
	}
	if strings.HasPrefix(op.Template, "/webhooks/{webhook_id}/{webhook_token}") {
		s.awaitDelivery(params["webhook_token"])
	}
	rq := &request{s: s, r: r, op: op, params: params, query: query, body: body, auth: auth}
	s.mu.Lock()
	status, out, aerr := h(rq)
	s.mu.Unlock()
	if aerr != nil {
		return aerr.status, aerr.body(), hdr
	}
	if f != nil && f.applied {
		return s.injected(hdr, f.status) // done, but the answer says otherwise
	}
	return status, out, hdr
}

// ---- injected faults ----

type fault struct {
	method, route string
	skip          int // calls to let through first
	n             int
	status        int
	hang          time.Duration
	applied       bool // carry the call out, then answer status
}

// FailNext makes the next n calls of method+route (a spec template such as
// "/channels/{channel_id}/messages") answer status without touching the
// model. 429 answers Discord's rate-limit body (retry_after =
// Options.RetryAfter) with Retry-After and X-RateLimit-Scope: user; 5xx
// answer an error body.
func (s *Server) FailNext(method, route string, n int, status int) {
	s.checkRoute(method, route)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &fault{method: method, route: route, n: n, status: status})
}

// FailAppliedNext makes the next n calls of method+route be carried out,
// then answer status as FailNext does: Discord did the work, but the
// caller hears of a failure (a 5xx from a proxy, say) and cannot know it.
func (s *Server) FailAppliedNext(method, route string, n int, status int) {
	s.checkRoute(method, route)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &fault{method: method, route: route, n: n, status: status, applied: true})
}

// FailAfter lets the next skip calls of method+route through, then fails n
// as FailNext does: for a failure in the middle of a run of calls.
func (s *Server) FailAfter(method, route string, skip, n int, status int) {
	s.checkRoute(method, route)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &fault{method: method, route: route, skip: skip, n: n, status: status})
}

// HangNext makes the next n calls of method+route wait d (or until the
// client gives up) before being carried out and answered. The call is
// carried out even if the client gave up: like Discord, the fake may have
// done the work while the answer was lost.
func (s *Server) HangNext(method, route string, n int, d time.Duration) {
	s.checkRoute(method, route)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &fault{method: method, route: route, n: n, hang: d})
}

func (s *Server) checkRoute(method, route string) {
	if routes[method+" "+route] == nil {
		s.t.Errorf("fakediscord: %s %s is not a route the fake implements", method, route)
	}
}

func (s *Server) takeFault(method, route string) *fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.method == method && f.route == route {
			if f.skip > 0 {
				f.skip--
				return nil
			}
			f.n--
			if f.n <= 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
			return f
		}
	}
	return nil
}

func (s *Server) injected(hdr http.Header, status int) (int, any, http.Header) {
	switch {
	case status == 429:
		return s.rateLimited(hdr, s.opts.RetryAfter, "user", false)
	case status >= 500:
		return status, map[string]any{"code": 0, "message": fmt.Sprintf("%d: %s", status, http.StatusText(status))}, hdr
	case status == 403:
		return status, errMissingPerms.body(), hdr
	case status == 404:
		return status, errNotFound.body(), hdr
	default:
		return status, map[string]any{"code": 0, "message": fmt.Sprintf("%d: %s", status, http.StatusText(status))}, hdr
	}
}

// ---- rate limits ----

type bucket struct {
	start time.Time
	count int
}

// SetGlobalRateLimit turns on Discord's global limit: more than perSecond
// bot-authenticated requests in one second answer 429 with
// X-RateLimit-Global. Interaction callback and webhook routes are exempt.
// 0 turns it off.
func (s *Server) SetGlobalRateLimit(perSecond int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.global.limit = perSecond
	s.global.start = time.Time{}
	s.global.count = 0
}

func (s *Server) takeGlobal() (time.Duration, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.global.limit <= 0 {
		return 0, false
	}
	now := time.Now()
	if now.Sub(s.global.start) >= time.Second {
		s.global.start, s.global.count = now, 0
	}
	s.global.count++
	if s.global.count > s.global.limit {
		return s.global.start.Add(time.Second).Sub(now), true
	}
	return 0, false
}

// takeBucket counts the call in its bucket (route + major parameter) and
// sets the X-RateLimit-* headers.
func (s *Server) takeBucket(method string, op *specOp, params map[string]string, hdr http.Header) (time.Duration, bool) {
	key := method + " " + op.Template
	for _, major := range []string{"channel_id", "guild_id", "webhook_id", "webhook_token", "interaction_id"} {
		if v, ok := params[major]; ok {
			key += " " + major + "=" + v
		}
	}
	h := fnv.New64a()
	h.Write([]byte(method + " " + op.Template))
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	b := s.buckets[key]
	if b == nil || now.Sub(b.start) >= time.Second {
		b = &bucket{start: now}
		s.buckets[key] = b
	}
	b.count++
	limit := s.opts.RouteRateLimit
	reset := b.start.Add(time.Second)
	setRateHeaders(hdr, limit, max(limit-b.count, 0), reset, strconv.FormatUint(h.Sum64(), 16))
	if b.count > limit {
		return reset.Sub(now), true
	}
	return 0, false
}

func setRateHeaders(hdr http.Header, limit, remaining int, reset time.Time, bucketID string) {
	after := math.Max(time.Until(reset).Seconds(), 0)
	hdr.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	hdr.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	hdr.Set("X-RateLimit-Reset", strconv.FormatFloat(float64(reset.UnixMilli())/1000, 'f', 3, 64))
	hdr.Set("X-RateLimit-Reset-After", strconv.FormatFloat(after, 'f', 3, 64))
	hdr.Set("X-RateLimit-Bucket", bucketID)
}

// rateLimited answers a 429 the way Discord does.
func (s *Server) rateLimited(hdr http.Header, retry time.Duration, scope string, global bool) (int, any, http.Header) {
	secs := math.Max(retry.Seconds(), 0.001)
	if hdr.Get("X-RateLimit-Bucket") == "" {
		setRateHeaders(hdr, s.opts.RouteRateLimit, 0, time.Now().Add(retry), "global")
	}
	hdr.Set("X-RateLimit-Remaining", "0")
	hdr.Set("X-RateLimit-Reset-After", strconv.FormatFloat(secs, 'f', 3, 64))
	hdr.Set("Retry-After", strconv.Itoa(int(math.Ceil(secs))))
	hdr.Set("X-RateLimit-Scope", scope)
	if global {
		hdr.Set("X-RateLimit-Global", "true")
	}
	return 429, map[string]any{"message": "You are being rate limited.", "retry_after": math.Round(secs*1000) / 1000, "global": global, "code": 0}, hdr
}
