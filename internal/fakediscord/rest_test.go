package fakediscord

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

func TestRateLimitedRouteIsRetried(t *testing.T) {
	t.Parallel()
	f := New(t)
	dg := newClient(t, f)
	f.FailNext("POST", "/channels/{channel_id}/messages", 1, 429)
	m, err := dg.ChannelMessageSend(f.GeneralChannelID, "after a 429")
	if err != nil {
		t.Fatal(err)
	}
	var statuses []int
	for _, c := range f.Journal() {
		if c.Route == "/channels/{channel_id}/messages" {
			statuses = append(statuses, c.Status)
		}
	}
	if len(statuses) != 2 || statuses[0] != 429 || statuses[1] != 200 {
		t.Errorf("statuses = %v, want [429 200]", statuses)
	}
	msgs := f.Messages(f.GeneralChannelID)
	if len(msgs) != 1 || msgs[0].ID != m.ID || msgs[0].Content != "after a 429" {
		t.Errorf("messages = %+v", msgs)
	}
}

func TestFailNext5xx(t *testing.T) {
	t.Parallel()
	f := New(t)
	dg := newClient(t, f)
	f.FailNext("GET", "/channels/{channel_id}", 1, 503)
	_, err := dg.Channel(f.GeneralChannelID)
	var rerr *discordgo.RESTError
	if !errors.As(err, &rerr) || rerr.Response.StatusCode != 503 {
		t.Fatalf("err = %v, want a 503", err)
	}
	if _, err := dg.Channel(f.GeneralChannelID); err != nil {
		t.Fatalf("second call: %v", err)
	}
}

func TestSpecViolationFailsTheTest(t *testing.T) {
	t.Parallel()
	rec := &recorder{TB: t}
	f := New(rec)
	dg := newClient(t, f)
	// type 7 is not an overwrite type, and allow must be a bit set.
	_, err := dg.RequestWithBucketID("PUT", discordgo.EndpointChannelPermission(f.GeneralChannelID, f.GuildID),
		map[string]any{"type": 7, "allow": "lots"}, "x")
	var rerr *discordgo.RESTError
	if !errors.As(err, &rerr) || rerr.Message == nil || rerr.Message.Code != 50035 {
		t.Fatalf("err = %v, want 400 code 50035", err)
	}
	errs := rec.errors()
	if len(errs) != 1 || !strings.Contains(errs[0], "set_channel_permission_overwrite") || !strings.Contains(errs[0], "/type") {
		t.Errorf("recorded = %q", errs)
	}

	_, err = dg.RequestWithBucketID("GET", discordgo.EndpointAPI+"no/such/route", nil, "y")
	if !errors.As(err, &rerr) || rerr.Response.StatusCode != 404 {
		t.Fatalf("unknown route: err = %v, want 404", err)
	}
	if errs := rec.errors(); len(errs) != 2 || !strings.Contains(errs[1], "no such route") {
		t.Errorf("recorded = %q", errs)
	}

	_, err = dg.RequestWithBucketID("GET", discordgo.EndpointChannel("not-a-snowflake"), nil, "z")
	if err == nil || len(rec.errors()) != 3 {
		t.Errorf("bad snowflake: err=%v recorded=%q", err, rec.errors())
	}
}

func TestCallbackDeadlineAndDoubleAck(t *testing.T) {
	t.Parallel()
	f := New(t, Options{CallbackDeadline: 100 * time.Millisecond})
	dg := newClient(t, f)
	user := f.AddMember(f.GuildID, "carol")
	respond := func(in *Interaction) error {
		return dg.InteractionRespond(&discordgo.Interaction{ID: in.ID, Token: in.Token, AppID: f.AppID},
			&discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
				Data: &discordgo.InteractionResponseData{Content: "hi"}})
	}
	wantCode := func(err error, code int) {
		t.Helper()
		var rerr *discordgo.RESTError
		if !errors.As(err, &rerr) || rerr.Message == nil || rerr.Message.Code != code {
			t.Errorf("err = %v, want code %d", err, code)
		}
	}

	late := f.Command(f.GuildID, user, "ping")
	time.Sleep(150 * time.Millisecond)
	wantCode(respond(late), 10062)
	if late.Acknowledged() {
		t.Error("late callback was accepted")
	}

	in := f.Command(f.GuildID, user, "ping")
	if err := respond(in); err != nil {
		t.Fatal(err)
	}
	wantCode(respond(in), 40060)
	r, err := in.Wait(time.Second)
	if err != nil || r.Content != "hi" || r.Type != 4 {
		t.Errorf("Wait = %+v, %v", r, err)
	}
	// Followups work after the callback.
	if _, err := dg.FollowupMessageCreate(&discordgo.Interaction{ID: in.ID, Token: in.Token, AppID: f.AppID}, true,
		&discordgo.WebhookParams{Content: "more"}); err != nil {
		t.Errorf("followup: %v", err)
	}
	if rs := in.Replies(); len(rs) != 2 || rs[1].Kind != "followup" || rs[1].Content != "more" {
		t.Errorf("replies = %+v", rs)
	}
}

func TestEnforceNonceDeduplicates(t *testing.T) {
	t.Parallel()
	f := New(t)
	dg := newClient(t, f)
	send := func(nonce string) string {
		body, err := dg.RequestWithBucketID("POST", discordgo.EndpointChannelMessages(f.GeneralChannelID),
			map[string]any{"content": "once", "nonce": nonce, "enforce_nonce": true}, "m")
		if err != nil {
			t.Fatal(err)
		}
		var m struct{ ID, Nonce string }
		_ = json.Unmarshal(body, &m)
		return m.ID
	}
	a, b, c := send("n-1"), send("n-1"), send("n-2")
	if a != b || a == c {
		t.Errorf("ids %s %s %s: want the first two equal", a, b, c)
	}
	if msgs := f.Messages(f.GeneralChannelID); len(msgs) != 2 || msgs[0].Nonce != "n-1" {
		t.Errorf("messages = %+v", msgs)
	}
}

func TestGlobalRateLimit(t *testing.T) {
	t.Parallel()
	f := New(t)
	f.SetGlobalRateLimit(2)
	get := func(path string, auth bool) *http.Response {
		req, _ := http.NewRequest("GET", f.APIURL()+path, nil)
		if auth {
			req.Header.Set("Authorization", "Bot "+f.Token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	for i := 0; i < 2; i++ {
		if r := get("/channels/"+f.GeneralChannelID, true); r.StatusCode != 200 || r.Header.Get("X-RateLimit-Bucket") == "" {
			t.Fatalf("call %d: %d %v", i, r.StatusCode, r.Header)
		}
	}
	r := get("/channels/"+f.GeneralChannelID, true)
	if r.StatusCode != 429 || r.Header.Get("X-RateLimit-Global") != "true" || r.Header.Get("X-RateLimit-Scope") != "global" || r.Header.Get("Retry-After") == "" {
		t.Errorf("third call: %d %v", r.StatusCode, r.Header)
	}
	if r := get("/channels/"+f.GeneralChannelID, false); r.StatusCode != 401 {
		t.Errorf("no token: %d, want 401", r.StatusCode)
	}
	f.SetGlobalRateLimit(0)
	if r := get("/channels/"+f.GeneralChannelID, true); r.StatusCode != 200 {
		t.Errorf("limit off: %d", r.StatusCode)
	}
}

func TestHangNextStillCarriesOutTheCall(t *testing.T) {
	t.Parallel()
	f := New(t)
	dg := newClient(t, f)
	dg.Client.Timeout = 100 * time.Millisecond
	f.HangNext("POST", "/channels/{channel_id}/messages", 1, 5*time.Second)
	start := time.Now()
	if _, err := dg.ChannelMessageSend(f.GeneralChannelID, "lost answer"); err == nil {
		t.Fatal("expected a client timeout")
	}
	eventually(t, "the hung call to be carried out", func() bool { return len(f.Messages(f.GeneralChannelID)) == 1 })
	if time.Since(start) > 2*time.Second {
		t.Errorf("hang did not end when the client gave up")
	}
	if _, err := dg.ChannelMessageSend(f.GeneralChannelID, "second"); err != nil {
		t.Fatal(err)
	}
}
