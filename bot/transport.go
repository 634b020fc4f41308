package bot

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// apiPrefix matches discordgo's base path, "/api/v9/".
var apiPrefix = regexp.MustCompile(`^/api/v\d+/`)

// rewriteTransport sends every request discordgo makes to discord.com's API
// to another base URL (a REST proxy, or the fake Discord in tests) without
// touching discordgo's package globals.
type rewriteTransport struct {
	base *url.URL // such as http://127.0.0.1:8080/api/v10
	next http.RoundTripper
}

func newRewriteTransport(apiURL string, next http.RoundTripper) (*rewriteTransport, error) {
	u, err := url.Parse(strings.TrimRight(apiURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("discord.api_url %q is not an http(s) URL", apiURL)
	}
	if next == nil {
		next = http.DefaultTransport
	}
	return &rewriteTransport{base: u, next: next}, nil
}

func (t *rewriteTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	loc := apiPrefix.FindStringIndex(req.URL.Path)
	if req.URL.Host != "discord.com" || loc == nil { // log only: a host, not words
		return t.next.RoundTrip(req)
	}
	rest := req.URL.Path[loc[1]:]
	r := req.Clone(req.Context())
	r.URL.Scheme = t.base.Scheme
	r.URL.Host = t.base.Host
	r.URL.Path = t.base.Path + "/" + rest
	r.URL.RawPath = ""
	r.Host = t.base.Host
	return t.next.RoundTrip(r)
}
