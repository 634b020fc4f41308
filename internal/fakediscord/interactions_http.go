package fakediscord

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// endpointState is the application's interactions endpoint URL, as set in
// the Developer Portal, and the key pair its requests are signed with.
// Guarded by s.mu.
type endpointState struct {
	key    ed25519.PrivateKey
	url    string
	tamper func(req *http.Request, body []byte)
}

func newSigningKey() ed25519.PrivateKey {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(err) // crypto/rand does not fail
	}
	return key
}

// PublicKey is the application's public key, in hex, as the Developer
// Portal shows it (and GET /applications/@me's verify_key).
func (s *Server) PublicKey() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.publicKeyLocked()
}

func (s *Server) publicKeyLocked() string {
	return hex.EncodeToString(s.http.key.Public().(ed25519.PublicKey))
}

// Sign is the X-Signature-Ed25519 Discord sends with an interaction: the
// hex ed25519 signature of timestamp + body.
func (s *Server) Sign(timestamp string, body []byte) string {
	s.mu.Lock()
	key := s.http.key
	s.mu.Unlock()
	return hex.EncodeToString(ed25519.Sign(key, append([]byte(timestamp), body...)))
}

// SetInteractionsEndpoint sets the application's interactions endpoint URL
// ("" goes back to the gateway). As the Developer Portal does, it first
// checks the URL: a signed PING must be answered 200 {"type": 1}, and a
// PING with a bad signature 401; otherwise the URL is refused. From then
// on every interaction is POSTed there, signed, and no longer sent over
// the gateway; the HTTP response is the interaction's callback.
func (s *Server) SetInteractionsEndpoint(endpoint string) error {
	if endpoint != "" {
		if err := s.checkEndpoint(endpoint); err != nil {
			return err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.http.url = endpoint
	return nil
}

// TamperDeliveries lets a test change each interaction request before it
// is sent (nil: none): forge its signature, age its timestamp.
func (s *Server) TamperDeliveries(f func(req *http.Request, body []byte)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.http.tamper = f
}

func (s *Server) checkEndpoint(endpoint string) error {
	ping := mustJSON(map[string]any{"id": s.nextIDLocked(), "application_id": s.AppID, "type": InteractionPing,
		"token": randomToken(), "version": 1})
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	status, body, err := s.post(endpoint, ping, ts, s.Sign(ts, ping), nil)
	if err != nil {
		return fmt.Errorf("fakediscord: interactions endpoint %s: %w", endpoint, err)
	}
	var pong struct {
		Type int `json:"type"`
	}
	if status != http.StatusOK || json.Unmarshal(body, &pong) != nil || pong.Type != 1 {
		return fmt.Errorf("fakediscord: interactions endpoint %s answered a PING %d %s, want 200 {\"type\":1}", endpoint, status, truncate(body, 200))
	}
	forged := hex.EncodeToString(make([]byte, ed25519.SignatureSize))
	if status, _, err = s.post(endpoint, ping, ts, forged, nil); err != nil || status != http.StatusUnauthorized {
		return fmt.Errorf("fakediscord: interactions endpoint %s answered a PING with a bad signature %d (%v), want 401", endpoint, status, err)
	}
	return nil
}

func (s *Server) nextIDLocked() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nextID()
}

// post sends one signed interaction request and reads the answer.
func (s *Server) post(endpoint string, body []byte, ts, sig string, tamper func(*http.Request, []byte)) (int, []byte, error) {
	req, err := http.NewRequest(http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Discord-Interactions/1.0 (+https://discord.com)")
	req.Header.Set("X-Signature-Ed25519", sig)
	req.Header.Set("X-Signature-Timestamp", ts)
	if tamper != nil {
		tamper(req, body)
	}
	client := &http.Client{Timeout: s.opts.CallbackDeadline}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if ct := resp.Header.Get("Content-Type"); err == nil && resp.StatusCode == http.StatusOK && !strings.HasPrefix(ct, "application/json") {
		err = fmt.Errorf("answered with Content-Type %q, want application/json", ct)
	}
	return resp.StatusCode, out, err
}

// deliverHTTP POSTs an interaction to the endpoint and takes the answer as
// its callback, checked as POST /interactions/{id}/{token}/callback is.
// Webhook calls for the interaction wait until the answer is read.
func (s *Server) deliverHTTP(in *Interaction, endpoint string, tamper func(*http.Request, []byte)) {
	defer s.wg.Done()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	status, body, err := s.post(endpoint, in.Payload, ts, s.Sign(ts, in.Payload), tamper)
	s.mu.Lock()
	defer s.mu.Unlock()
	defer close(in.httpPending)
	in.endpointStatus = status
	if err != nil || status != http.StatusOK {
		return // the interaction fails, as on Discord ("This interaction failed")
	}
	in.delivered = true
	path := "/interactions/" + in.ID + "/" + in.Token + "/callback"
	op, params, _ := s.spec.match(http.MethodPost, path)
	if _, p := s.spec.checkBody(op, "application/json", body); p != nil {
		s.errorf("interaction response from %s: %s", endpoint, p.msg)
		return
	}
	r, _ := http.NewRequest(http.MethodPost, endpoint, nil)
	r.Header.Set("Content-Type", "application/json")
	rq := &request{s: s, r: r, op: op, params: params, query: url.Values{}, body: body}
	if _, _, aerr := interactionCallback(rq); aerr != nil {
		s.errorf("interaction response from %s refused: %d %s", endpoint, aerr.code, aerr.msg)
	}
}

// awaitDelivery holds a webhook call for an interaction whose HTTP answer
// is still being read: Discord has the answer before its request ends.
func (s *Server) awaitDelivery(token string) {
	s.mu.Lock()
	var pending chan struct{}
	if in := s.byToken[token]; in != nil {
		pending = in.httpPending
	}
	s.mu.Unlock()
	if pending == nil {
		return
	}
	t := time.NewTimer(s.opts.CallbackDeadline)
	defer t.Stop()
	select {
	case <-pending:
	case <-t.C:
	case <-s.closed:
	}
}

// EndpointStatus is the HTTP status the interactions endpoint answered the
// interaction with (0 if it went over the gateway, or is not answered yet).
func (in *Interaction) EndpointStatus() int {
	in.s.mu.Lock()
	defer in.s.mu.Unlock()
	return in.endpointStatus
}
