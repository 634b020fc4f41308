package fakediscord

import (
	"net/url"
	"testing"
)

func TestSpecRouteMatching(t *testing.T) {
	t.Parallel()
	s, err := loadSpec()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ method, path, want string }{
		{"PATCH", "/webhooks/1/tok/messages/@original", "/webhooks/{webhook_id}/{webhook_token}/messages/@original"},
		{"PATCH", "/webhooks/1/tok/messages/2", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}"},
		{"POST", "/users/@me/channels", "/users/@me/channels"},
		{"PUT", "/channels/1/permissions/2", "/channels/{channel_id}/permissions/{overwrite_id}"},
		{"GET", "/guilds/1/members/2", "/guilds/{guild_id}/members/{user_id}"},
	}
	for _, c := range cases {
		op, _, _ := s.match(c.method, c.path)
		if op == nil || op.Template != c.want {
			t.Errorf("%s %s matched %+v, want %s", c.method, c.path, op, c.want)
		}
	}
	if op, _, known := s.match("POST", "/gateway/bot"); op != nil || !known {
		t.Errorf("POST /gateway/bot: op=%v known=%v, want a method mismatch", op, known)
	}
}

func TestSpecBodyValidation(t *testing.T) {
	t.Parallel()
	s, _ := loadSpec()
	op, params, _ := s.match("PUT", "/channels/1/permissions/2")
	if p := s.checkParams(op, params, url.Values{}); p != nil {
		t.Error(p.msg)
	}
	ok := []string{
		`{"type":0,"allow":"1024","deny":"0"}`, // strings, as the docs and discordgo use
		`{"type":1,"allow":1024,"deny":null}`,  // numbers and null, as the spec says
	}
	for _, b := range ok {
		if _, p := s.checkBody(op, "application/json", []byte(b)); p != nil {
			t.Errorf("%s: %s", b, p.msg)
		}
	}
	bad := []string{`{"type":7}`, `{"allow":"12x"}`, `{"allow":true}`, `[1]`}
	for _, b := range bad {
		if _, p := s.checkBody(op, "application/json", []byte(b)); p == nil {
			t.Errorf("%s: accepted", b)
		}
	}
	if _, p := s.checkBody(op, "text/plain", []byte(`{"type":0}`)); p == nil {
		t.Error("text/plain body accepted")
	}
	op, _, _ = s.match("GET", "/channels/1/messages")
	if p := s.checkParams(op, map[string]string{"channel_id": "1"}, url.Values{"limit": {"50"}}); p != nil {
		t.Error(p.msg)
	}
	if p := s.checkParams(op, map[string]string{"channel_id": "1"}, url.Values{"bogus": {"1"}}); p == nil {
		t.Error("unknown query parameter accepted")
	}
}

func BenchmarkValidateMessageBody(b *testing.B) {
	s, _ := loadSpec()
	op, _, _ := s.match("POST", "/channels/1/messages")
	body := []byte(`{"content":"hello","tts":false,"embeds":null,"components":null,"sticker_ids":null,"allowed_mentions":{"parse":["users"]}}`)
	for i := 0; i < b.N; i++ {
		if _, p := s.checkBody(op, "application/json", body); p != nil {
			b.Fatal(p.msg)
		}
	}
}
