package playground

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"hearth/internal/fakeclock"
	"hearth/internal/fakediscord"
)

// A voice channel on the page: who may connect gets a Join voice button
// (Leave voice once in); who may only view it sees who is in it and no
// button, and is refused if they try; who may not view it sees nothing.
func TestVoiceChannelJoinLeaveAndWhoIsIn(t *testing.T) {
	f := fakediscord.New(t)
	ana, bo, cy := f.AddMember(f.GuildID, "ana"), f.AddMember(f.GuildID, "bo"), f.AddMember(f.GuildID, "cy")
	voice := f.AddVoiceChannel(f.GuildID, "circle",
		fakediscord.Overwrite{ID: f.GuildID, Type: 0, Deny: fakediscord.PermViewChannel | fakediscord.PermConnect},
		fakediscord.Overwrite{ID: ana, Type: 1, Allow: fakediscord.PermViewChannel | fakediscord.PermConnect},
		fakediscord.Overwrite{ID: bo, Type: 1, Allow: fakediscord.PermViewChannel})
	p := New(Config{Fake: f, GuildID: f.GuildID, Clock: fakeclock.New(time.Unix(1_800_000_000, 0)),
		People: []Person{{ID: ana, Name: "Ana Ruiz", Role: Member}, {ID: bo, Name: "Bo", Role: Member}, {ID: cy, Name: "Cy", Role: Member}}})
	do := func(method, path string, v url.Values) string {
		req := httptest.NewRequest(method, path+"?"+v.Encode(), nil)
		if method == "POST" {
			req = httptest.NewRequest(method, path, strings.NewReader(v.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		req.Host = "127.0.0.1:8080"
		w := httptest.NewRecorder()
		p.ServeHTTP(w, req)
		if w.Code != 200 {
			t.Fatalf("%s %s: %d %s", method, path, w.Code, w.Body)
		}
		return w.Body.String()
	}
	live := func(who string) string { return do("GET", "/live", url.Values{"as": {who}}) }
	join := `id="voice-` + voice + `" data-voice="` + voice + `" aria-label="Join voice: circle">Join voice</button>`
	if got := live(ana); !strings.Contains(got, join) {
		t.Errorf("Ana, who may connect, has no Join voice button:\n%s", got)
	}
	if got := live(bo); !strings.Contains(got, "circle") || strings.Contains(got, "data-voice") {
		t.Errorf("Bo, who may view but not connect, sees a button or no channel:\n%s", got)
	}
	if got := live(cy); strings.Contains(got, "circle") {
		t.Errorf("Cy, who may not view it, sees the voice channel:\n%s", got)
	}

	if got := do("POST", "/voice", url.Values{"as": {bo}, "ch": {voice}}); !strings.Contains(got, "You can't connect to that voice channel.") {
		t.Errorf("Bo joining: %s", got)
	}
	do("POST", "/voice", url.Values{"as": {ana}, "ch": {voice}})
	if f.InVoice(f.GuildID, ana) != voice || f.InVoice(f.GuildID, bo) != "" {
		t.Fatalf("in voice: Ana %q, Bo %q", f.InVoice(f.GuildID, ana), f.InVoice(f.GuildID, bo))
	}
	in := `<ul class="in-voice" aria-label="In voice"><li><span class="avatar" style="--h:` + hue(ana) + `" aria-hidden="true">AR</span> Ana Ruiz</li></ul>`
	if got := live(bo); !strings.Contains(got, in) {
		t.Errorf("Bo does not see Ana in voice:\n%s", got)
	}
	if got := live(ana); !strings.Contains(got, `id="voice-`+voice+`" data-voice="" aria-label="Leave voice: circle">Leave voice</button>`) {
		t.Errorf("Ana in voice has no Leave voice button:\n%s", got)
	}
	do("POST", "/voice", url.Values{"as": {ana}, "ch": {""}})
	if f.InVoice(f.GuildID, ana) != "" || strings.Contains(live(bo), "in-voice") {
		t.Error("Ana is still in voice after Leave voice")
	}
}
