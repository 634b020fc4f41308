package bot

import (
	"net/http"
	"testing"
)

type recordTransport struct{ got []string }

func (r *recordTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r.got = append(r.got, req.URL.String())
	return &http.Response{StatusCode: 204, Body: http.NoBody, Request: req}, nil
}

func TestRewriteTransport(t *testing.T) {
	cases := []struct{ apiURL, in, want string }{
		{"http://127.0.0.1:9/api/v10", "https://discord.com/api/v9/gateway/bot", "http://127.0.0.1:9/api/v10/gateway/bot"},
		{"https://proxy.example/discord/api/v10/", "https://discord.com/api/v9/channels/1/messages?limit=5", "https://proxy.example/discord/api/v10/channels/1/messages?limit=5"},
		{"http://127.0.0.1:9/api/v10", "https://cdn.discordapp.com/avatars/1.png", "https://cdn.discordapp.com/avatars/1.png"},
	}
	for _, c := range cases {
		rec := &recordTransport{}
		tr, err := newRewriteTransport(c.apiURL, rec)
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest("GET", c.in, nil)
		if _, err := tr.RoundTrip(req); err != nil {
			t.Fatal(err)
		}
		if rec.got[0] != c.want {
			t.Errorf("%s via %s: got %s, want %s", c.in, c.apiURL, rec.got[0], c.want)
		}
	}
	if _, err := newRewriteTransport("ftp://x", nil); err == nil {
		t.Error("ftp URL accepted")
	}
}
