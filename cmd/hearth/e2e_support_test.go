package main

import (
	"strings"
	"testing"
	"time"

	"hearth/internal/fakediscord"
)

// /support gives crisis resources to anyone, in their language, and a
// quiet way to ask a moderator to reach out: an alert in the private log
// channel naming only the person, at most once in a while.
func TestSupportAsksAModeratorQuietly(t *testing.T) {
	w := newWorld(t)
	w.start()
	// Without a log channel: the resources, and no button.
	r := w.do(w.alice, "support")
	if r.Content != en.SupportNoLog() || !strings.Contains(string(r.Embeds), "findahelpline.com") || len(buttons(t, r)) != 0 {
		t.Fatalf("/support without a log channel: %q %s", r.Content, r.Embeds)
	}
	logChannel := w.privateChannel("mod-log")
	w.do(w.owner(), "setup", fakediscord.Opt{Name: "log_channel", Type: 7, Value: logChannel})
	w.group(w.mod, "create", str("name", "Grief Circle"), str("type", "open"))
	w.do(w.alice, "join", str("group", "Grief Circle"))
	notesBefore := len(w.fake.Messages(logChannel))

	w.fake.SetUserLocale(w.alice, "es-ES")
	r = w.do(w.alice, "support")
	ask := buttons(t, r)
	if len(ask) != 1 || !strings.Contains(string(r.Embeds), "112") {
		t.Fatalf("/support with a log channel: %q %s %v", r.Content, r.Embeds, ask)
	}
	if got := w.press(w.alice, ask[0]); got.Content != es.SupportSent() {
		t.Errorf("asking: %q", got.Content)
	}
	if got := w.press(w.alice, ask[0]); got.Content != es.SupportWait() {
		t.Errorf("asking again at once: %q", got.Content)
	}
	if got := w.press(w.bob, ask[0]); got.Content != en.NotYourButton() {
		t.Errorf("bob pressing alice's button: %q", got.Content)
	}
	alerts := w.fake.Messages(logChannel)[notesBefore:]
	if len(alerts) != 1 {
		t.Fatalf("%d alerts in the log channel, want 1", len(alerts))
	}
	a := alerts[0]
	if a.Content != en.SupportAlert(w.alice) || strings.Contains(a.Content, "Grief") || len(a.Mentions) != 0 {
		t.Errorf("alert %q (mentions %v): want the person named, no group, nobody pinged", a.Content, a.Mentions)
	}
	w.clock.Advance(11 * time.Minute)
	if got := w.press(w.alice, ask[0]); got.Content != es.SupportSent() || !strings.Contains(string(got.Embeds), "112") {
		t.Errorf("asking after the wait: %q, resources %s", got.Content, got.Embeds)
	}
	// The log channel is opened to everyone: no alert goes there any more.
	w.fake.SetOverwrite(logChannel, fakediscord.Overwrite{ID: w.guild, Type: 0, Allow: permView})
	w.clock.Advance(11 * time.Minute)
	if got := w.press(w.alice, ask[0]); got.Content != es.SupportNoLog() {
		t.Errorf("asking with a public log channel: %q", got.Content)
	}
	if n := len(w.fake.Messages(logChannel)) - notesBefore; n != 2 {
		t.Errorf("%d alerts, want 2 (none in the public channel)", n)
	}
}

// A server writes its own crisis resources with /setup support:true (a
// form, for Manage Server only); /support shows them.
func TestSupportShowsTheServersOwnResources(t *testing.T) {
	w := newWorld(t)
	w.start()
	if r := w.do(w.alice, "setup", fakediscord.Opt{Name: "support", Type: 5, Value: true}); r.Type == 9 {
		t.Fatal("a member opened the support form")
	}
	form := w.do(w.owner(), "setup", fakediscord.Opt{Name: "support", Type: 5, Value: true})
	if form.Type != 9 {
		t.Fatalf("/setup support:true answered %+v, want a form", form)
	}
	const own = "Call the Samaritans on 116 123, any time, free."
	r, err := w.fake.ModalSubmit(w.guild, w.owner(), form.CustomID, map[string]string{"text": own}).Wait(5 * time.Second)
	if err != nil || r.Content != en.SupportSaved() {
		t.Fatalf("saving: %q %v", r.Content, err)
	}
	if r := w.do(w.alice, "support"); !strings.Contains(string(r.Embeds), "116 123") {
		t.Errorf("/support shows %s, want the server's text", r.Embeds)
	}
}
