// Package playground is the web page of `hearth try`: a demo server on the
// fake Discord, seen as one of its people sees it in Discord's client. It
// shows only what the fake holds — channels the person may view (from the
// permission overwrites), messages with their embeds, components and
// attachments, ephemeral replies meant for them, their direct messages,
// who is in the voice channels they see, the scheduled events they may
// see — and acts only through what a Discord client does: interactions the
// fake sends to Hearth (commands, autocomplete, buttons, selects, modals)
// and voice states (joining and leaving voice), so whatever Hearth learns
// to do appears here without changes.
//
// The page is server-rendered HTML with one small script (embedded; no
// build step) that refreshes by polling and posts forms with fetch.
package playground

import (
	"context"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"hearth/internal/fakeclock"
	"hearth/internal/fakediscord"
)

//go:embed assets
var assets embed.FS

// Role is what a demo person is in the server, for the person picker.
type Role string

const (
	Moderator   Role = "moderator"
	Facilitator Role = "facilitator"
	Member      Role = "member"
)

// Person is someone one can act as.
type Person struct {
	ID, Name string
	Role     Role
}

// Config is what the page shows and drives.
type Config struct {
	Fake    *fakediscord.Server
	GuildID string
	People  []Person
	Clock   *fakeclock.Clock
	// Idle reports that Hearth's scheduler has nothing left to do now; the
	// clock moves on to the next due time only then. Nil: do not wait.
	Idle func() bool
	Log  *slog.Logger
	// Overrides are the people a server admin let use a command despite
	// its default_member_permissions (Server Settings → Integrations in
	// Discord's client), by command name.
	Overrides map[string][]string
}

// Server serves the page. Create it with New.
type Server struct {
	cfg   Config
	clock *clockControl
	tmpl  *template.Template
	mux   *http.ServeMux
}

// New returns the page's server.
func New(cfg Config) *Server {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	p := &Server{cfg: cfg, clock: &clockControl{clock: cfg.Clock, idle: cfg.Idle}}
	p.tmpl = template.Must(template.New("").Funcs(template.FuncMap{}).ParseFS(assets, "assets/*.html"))
	static, _ := fs.Sub(assets, "assets")
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", p.page)
	mux.HandleFunc("GET /live", p.live)
	mux.HandleFunc("GET /form", p.form)
	mux.HandleFunc("POST /command", p.command)
	mux.HandleFunc("POST /autocomplete", p.autocomplete)
	mux.HandleFunc("POST /component", p.component)
	mux.HandleFunc("POST /modal", p.modal)
	mux.HandleFunc("POST /clock", p.forward)
	mux.HandleFunc("POST /locale", p.locale)
	mux.HandleFunc("POST /voice", p.voice)
	mux.HandleFunc("GET /attachment", p.attachment)
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	p.mux = mux
	return p
}

// RunClock keeps the demo's clock going at real speed until ctx ends.
func (p *Server) RunClock(ctx context.Context) { p.clock.run(ctx, time.Second) }

// Advance moves the demo's clock forward by d, through every due time.
func (p *Server) Advance(d time.Duration) { p.clock.advance(d) }

// ServeHTTP answers only requests made to a loopback address from this
// page: a web site open in the same browser can neither read the page
// (DNS rebinding, caught by the Host check) nor act through it (caught by
// the Origin check).
func (p *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !loopbackHost(r.Host) {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	if r.Method != http.MethodGet {
		if o := r.Header.Get("Origin"); o != "" && o != "http://"+r.Host {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: http://127.0.0.1:*; frame-ancestors 'none'")
	p.mux.ServeHTTP(w, r)
}

func loopbackHost(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// Listen listens on addr, which must be a loopback address ("127.0.0.1:0"
// picks a free port): the page acts as anyone in the demo, so it is for
// this machine only.
func Listen(addr string) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, &AddrError{Addr: addr}
	}
	if !loopbackHost(host) {
		return nil, &AddrError{Addr: addr}
	}
	return net.Listen("tcp", addr)
}

// AddrError is a --listen address that is not a loopback one.
type AddrError struct{ Addr string }

func (e *AddrError) Error() string {
	return "listen address " + e.Addr + " must be a loopback host and port, such as 127.0.0.1:8080"
}

// person finds who the request acts as (the first person by default).
func (p *Server) person(v url.Values) Person {
	id := v.Get("as")
	for _, pr := range p.cfg.People {
		if pr.ID == id {
			return pr
		}
	}
	if len(p.cfg.People) == 0 {
		return Person{}
	}
	return p.cfg.People[0]
}
