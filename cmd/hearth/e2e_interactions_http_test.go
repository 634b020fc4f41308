package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"hearth/internal/fakediscord"
)

// startHTTP runs Hearth with its HTTP interactions endpoint and points the
// fake's application at it: from then on every interaction is a signed
// POST to Hearth, answered in the HTTP response.
func (w *world) startHTTP(edit ...func(*Config)) *hearth {
	w.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		w.t.Fatal(err)
	}
	w.httpLn = ln
	h := w.start(append([]func(*Config){func(c *Config) {
		c.HTTP.Listen = ln.Addr().String()
		c.HTTP.Interactions = true
		c.Discord.PublicKey = w.fake.PublicKey()
	}}, edit...)...)
	// The Developer Portal's check: a signed PING answered PONG, a forged
	// one refused with 401.
	if err := w.fake.SetInteractionsEndpoint("http://" + ln.Addr().String() + "/interactions"); err != nil {
		w.t.Fatal(err)
	}
	return h
}

// Over the HTTP endpoint, commands, buttons and modals are answered by the
// same router as over the gateway, in the HTTP response; nothing goes over
// the gateway.
func TestHTTPInteractionsAnswerCommandsButtonsAndModals(t *testing.T) {
	w := newWorld(t)
	w.startHTTP()
	st := w.db()
	if r := w.group(w.mod, "create", str("name", "Grief Circle"), str("type", "open")); !strings.Contains(r.Content, "Grief Circle") {
		t.Fatalf("/group create over HTTP: %q", r.Content)
	}
	g := w.groupNamed(st, "Grief Circle")
	in := w.fake.Command(w.guild, w.alice, "join", str("group", "Grief Circle"))
	r, err := in.Wait(5 * time.Second)
	if err != nil || r.Content != en.Joined("Grief Circle", g.ChannelID, time.Time{}) || r.Deferred {
		t.Fatalf("/join over HTTP: %+v %v", r, err)
	}
	if in.EndpointStatus() != http.StatusOK || r.Kind != "callback" || r.Type != 4 {
		t.Errorf("/join: endpoint status %d, reply %s type %d; want the HTTP response to be the callback", in.EndpointStatus(), r.Kind, r.Type)
	}
	if ow, ok := w.overwrite(g.ChannelID, w.alice); !ok || ow.Allow&permView == 0 {
		t.Errorf("alice's overwrite after joining over HTTP: %+v %v", ow, ok)
	}

	// A file: /mydata's attachment cannot ride in the HTTP answer, so the
	// reply is deferred and edited in with it.
	if md := w.do(w.alice, "mydata"); !md.Deferred || len(md.Files) != 1 || md.Files[0].Filename != "hearth-mydata.json" ||
		!strings.Contains(string(md.Files[0].Data), `"Grief Circle"`) {
		t.Errorf("/mydata over HTTP: deferred %v, files %+v", md.Deferred, md.Files)
	}

	// A button: /support's "ask a moderator", in a server with a log channel.
	logChannel := w.privateChannel("mod-log")
	w.do(w.owner(), "setup", fakediscord.Opt{Name: "log_channel", Type: 7, Value: logChannel})
	ask := buttons(t, w.do(w.alice, "support"))
	if len(ask) != 1 {
		t.Fatalf("/support buttons: %v", ask)
	}
	if got := w.press(w.alice, ask[0]); got.Content != en.SupportSent() {
		t.Errorf("pressing ask over HTTP: %q", got.Content)
	}
	if n := len(w.fake.Messages(logChannel)); n == 0 {
		t.Error("no alert in the log channel")
	}

	// A modal: /setup support:true opens a form; submitting it saves.
	form := w.do(w.owner(), "setup", fakediscord.Opt{Name: "support", Type: 5, Value: true})
	if form.Type != 9 {
		t.Fatalf("/setup support:true over HTTP: %+v, want a form", form)
	}
	const own = "Call the Samaritans on 116 123, any time, free."
	r, err = w.fake.ModalSubmit(w.guild, w.owner(), form.CustomID, map[string]string{"text": own}).Wait(5 * time.Second)
	if err != nil || r.Content != en.SupportSaved() {
		t.Fatalf("submitting the form over HTTP: %q %v", r.Content, err)
	}
	if r := w.do(w.alice, "support"); !strings.Contains(string(r.Embeds), "116 123") {
		t.Errorf("/support shows %s, want the server's text", r.Embeds)
	}
	// Autocomplete too.
	ac, err := w.fake.Autocomplete(w.guild, w.bob, "join", fakediscord.Opt{Name: "group", Type: optString, Value: "Gri", Focused: true}).Wait(5 * time.Second)
	if err != nil || len(ac.Choices) != 1 || ac.Choices[0].Name != "Grief Circle" {
		t.Errorf("autocomplete over HTTP: %+v %v", ac.Choices, err)
	}
}

// A reply that waits on a slow Discord call answers the HTTP request with
// a deferral (type 5) within Discord's 3 seconds, and the reply then edits
// the original response through the interaction's webhook.
func TestHTTPInteractionsDeferSlowReplies(t *testing.T) {
	w := newWorld(t)
	w.startHTTP()
	w.group(w.mod, "create", str("name", "Grief Circle"), str("type", "open"))
	w.fake.HangNext("PUT", "/channels/{channel_id}/permissions/{overwrite_id}", 1, 2500*time.Millisecond)
	in := w.fake.Command(w.guild, w.alice, "join", str("group", "Grief Circle"))
	r, err := in.Wait(10 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Deferred || !r.Ephemeral || r.Kind != "edit-original" || !strings.Contains(r.Content, "Welcome") {
		t.Fatalf("reply = %+v; want a deferred ephemeral welcome edited into the original", r)
	}
	replies := in.Replies()
	if len(replies) != 2 || replies[0].Kind != "callback" || replies[0].Type != 5 || in.EndpointStatus() != http.StatusOK {
		t.Errorf("replies %+v (endpoint %d); want the HTTP response type 5, then one edit", replies, in.EndpointStatus())
	}
}

// A request without a valid, fresh signature from Discord's key is
// refused with 401, and nothing of it runs.
func TestHTTPInteractionsRefuseBadSignatures(t *testing.T) {
	w := newWorld(t)
	w.startHTTP()
	_, otherKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sign := func(key ed25519.PrivateKey, ts string, body []byte) string {
		return hex.EncodeToString(ed25519.Sign(key, append([]byte(ts), body...)))
	}
	at := func(d time.Duration) string { return strconv.FormatInt(time.Now().Add(d).Unix(), 10) }
	cases := []struct {
		name   string
		tamper func(req *http.Request, body []byte)
	}{
		{"forged by another key", func(req *http.Request, body []byte) {
			req.Header.Set("X-Signature-Ed25519", sign(otherKey, req.Header.Get("X-Signature-Timestamp"), body))
		}},
		{"body changed after signing", func(req *http.Request, body []byte) {
			changed := []byte(strings.Replace(string(body), `"open"`, `"closed"`, 1))
			req.Body, req.ContentLength = io.NopCloser(bytes.NewReader(changed)), int64(len(changed))
		}},
		{"no signature", func(req *http.Request, _ []byte) { req.Header.Del("X-Signature-Ed25519") }},
		{"no timestamp", func(req *http.Request, _ []byte) { req.Header.Del("X-Signature-Timestamp") }},
		{"signature not hex", func(req *http.Request, _ []byte) { req.Header.Set("X-Signature-Ed25519", "zz") }},
		{"stale timestamp", func(req *http.Request, body []byte) {
			ts := at(-6 * time.Minute)
			req.Header.Set("X-Signature-Timestamp", ts)
			req.Header.Set("X-Signature-Ed25519", w.fake.Sign(ts, body))
		}},
		{"timestamp in the future", func(req *http.Request, body []byte) {
			ts := at(6 * time.Minute)
			req.Header.Set("X-Signature-Timestamp", ts)
			req.Header.Set("X-Signature-Ed25519", w.fake.Sign(ts, body))
		}},
	}
	st := w.db()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w.fake.TamperDeliveries(c.tamper)
			defer w.fake.TamperDeliveries(nil)
			in := w.fake.Command(w.guild, w.mod, "group", fakediscord.Opt{Name: "create", Type: optSub,
				Options: []fakediscord.Opt{str("name", "Forged"), str("type", "open")}})
			eventually(t, "the endpoint's answer", func() bool { return in.EndpointStatus() != 0 })
			if got := in.EndpointStatus(); got != http.StatusUnauthorized || in.Acknowledged() {
				t.Errorf("endpoint answered %d (acknowledged %v), want 401", got, in.Acknowledged())
			}
			if _, err := st.GroupByName(context.Background(), w.guild, "Forged"); err == nil {
				t.Error("a group was created from a refused request")
			}
		})
	}
	// The same command, signed as Discord signs, runs.
	if r := w.group(w.mod, "create", str("name", "Forged"), str("type", "open")); !strings.Contains(r.Content, "Forged") {
		t.Errorf("the genuine request: %q", r.Content)
	}
}
