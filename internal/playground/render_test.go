package playground

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"hearth/internal/fakeclock"
	"hearth/internal/fakediscord"
	"hearth/messages"
)

// What people type is shown as text: markup Discord knows becomes HTML,
// anything else is escaped.
func TestMessagesAreEscapedAndMentionsNamed(t *testing.T) {
	f := fakediscord.New(t)
	ana := f.AddMember(f.GuildID, "ana")
	bo := f.AddMember(f.GuildID, "bo")
	p := New(Config{Fake: f, GuildID: f.GuildID, Clock: fakeclock.New(time.Unix(1_800_000_000, 0)),
		People: []Person{{ID: ana, Name: "Ana <b>", Role: Member}, {ID: bo, Name: "Bo", Role: Member}}})
	f.PostMessage(f.GeneralChannelID, bo, `<script>alert(1)</script> **hi** <@`+ana+`> <t:1800003600:R> <t:1800003600:F>`)

	en, es := messages.For(messages.English).TryPage(), messages.For(messages.Spanish).TryPage()
	msgs := p.messagesFor(ana, f.GeneralChannelID, en)
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want 1", len(msgs))
	}
	m := msgs[0]
	got := string(m.Content)
	for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "<strong>hi</strong>",
		`<span class="mention me">@Ana &lt;b&gt;</span>`, ">+1.0 h</time>", ">Fri 2027-01-15 09:00 UTC</time>"} {
		if !strings.Contains(got, want) {
			t.Errorf("content %q lacks %q", got, want)
		}
	}
	if strings.Contains(got, "<script>") || !m.MentionsMe || m.Author != "Bo" || m.Initials != "B" {
		t.Errorf("message %+v", m)
	}
	if others := p.messagesFor(bo, f.GeneralChannelID, en); others[0].MentionsMe {
		t.Error("the mention of Ana is marked for Bo too")
	}
	if spanish := string(p.messagesFor(ana, f.GeneralChannelID, es)[0].Content); !strings.Contains(spanish, ">vie 2027-01-15 09:00 UTC</time>") {
		t.Errorf("in Spanish, the date reads %q", spanish)
	}
}

func TestInitialsAndListenOnlyOnLoopback(t *testing.T) {
	for name, want := range map[string]string{"Dana Kim": "DK", "chen": "C", "  ": "?", "Ana María López": "AM"} {
		if got := initials(name); got != want {
			t.Errorf("initials(%q) = %q, want %q", name, got, want)
		}
	}
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:80", "example.com:80", "nonsense"} {
		if ln, err := Listen(addr); err == nil {
			ln.Close()
			t.Errorf("Listen(%q) accepted a non-loopback address", addr)
		}
	}
	ln, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
}

// The live part, as the page polls it each second: a channel of 200
// messages with mentions and buttons, rendered for one person.
func BenchmarkLive(b *testing.B) {
	f := fakediscord.New(b)
	ana := f.AddMember(f.GuildID, "ana")
	p := New(Config{Fake: f, GuildID: f.GuildID, Clock: fakeclock.New(time.Unix(1_800_000_000, 0)),
		People: []Person{{ID: ana, Name: "Ana", Role: Member}}})
	for range 200 {
		f.PostMessage(f.GeneralChannelID, ana, "**Reminder**: session <t:1800003600:F> <@"+ana+">")
	}
	req := httptest.NewRequest("GET", "/live?as="+ana, nil)
	req.Host = "127.0.0.1:8080"
	b.ResetTimer()
	for b.Loop() {
		w := httptest.NewRecorder()
		p.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
}
