// Package commands defines Hearth's slash commands and decides what each
// interaction does: it validates input, calls the store for the rules that
// must hold atomically, asks Discord for the channel changes through a small
// interface, and returns the reply.
package commands

import (
	"context"
	"log/slog"
	"runtime/debug"
	"strings"

	"hearth/messages"
)

// Type tells a command invocation from an autocomplete request.
type Type int

const (
	TypeCommand Type = iota
	TypeAutocomplete
)

// Interaction is what a handler needs to know of a Discord interaction.
type Interaction struct {
	Type        Type
	GuildID     string // empty in DMs
	ChannelID   string
	UserID      string
	Permissions int64    // the member's permissions in the channel, as Discord computed them
	RoleIDs     []string // the member's roles
	Command     string   // "group"
	Subcommand  string   // "create", or empty for top-level commands
	Options     Options
	Focused     string // the option being typed, for autocomplete
}

// Route names the handler for i: "join", or "group create".
func (i *Interaction) Route() string {
	if i.Subcommand == "" {
		return i.Command
	}
	return i.Command + " " + i.Subcommand
}

// Choice is one autocomplete suggestion.
type Choice struct {
	Name  string
	Value string
}

// Response is the reply to an interaction. Replies are always ephemeral and
// mention nobody; autocomplete answers with Choices.
type Response struct {
	Content string
	Choices []Choice
}

// Reply is a Response with only text.
func Reply(content string) Response { return Response{Content: content} }

// Handler answers an interaction.
type Handler func(ctx context.Context, in *Interaction) Response

// Middleware wraps a Handler with a concern shared by many.
type Middleware func(next Handler) Handler

// Router maps a route ("join", "group create") to its handler.
type Router struct {
	routes     map[string]Handler
	complete   map[string]Handler // autocomplete, by route
	middleware []Middleware
}

// NewRouter returns an empty router; mw wrap every handler, outermost first.
func NewRouter(mw ...Middleware) *Router {
	return &Router{routes: map[string]Handler{}, complete: map[string]Handler{}, middleware: mw}
}

// Handle registers h for route, wrapped in mw (innermost, after the router's own).
func (r *Router) Handle(route string, h Handler, mw ...Middleware) {
	r.routes[route] = r.wrap(h, mw)
}

// HandleAutocomplete registers h for the autocomplete requests of route.
func (r *Router) HandleAutocomplete(route string, h Handler, mw ...Middleware) {
	r.complete[route] = r.wrap(h, mw)
}

func (r *Router) wrap(h Handler, mw []Middleware) Handler {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	for i := len(r.middleware) - 1; i >= 0; i-- {
		h = r.middleware[i](h)
	}
	return h
}

// Serve answers in with the handler of its route.
func (r *Router) Serve(ctx context.Context, in *Interaction) Response {
	if in.Type == TypeAutocomplete {
		if h, ok := r.complete[in.Route()]; ok {
			return h(ctx, in)
		}
		return Response{}
	}
	if h, ok := r.routes[in.Route()]; ok {
		return h(ctx, in)
	}
	return Reply(messages.UnknownCmd)
}

// Recover turns a panic in a handler into a logged error and an apology.
func Recover(log *slog.Logger) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, in *Interaction) (resp Response) {
			defer func() {
				if p := recover(); p != nil {
					log.Error("handler panicked", "route", in.Route(), "panic", p, "stack", string(debug.Stack()))
					resp = Reply(messages.Apology)
				}
			}()
			return next(ctx, in)
		}
	}
}

// GuildOnly refuses commands used outside a server.
func GuildOnly(next Handler) Handler {
	return func(ctx context.Context, in *Interaction) Response {
		if in.GuildID == "" {
			if in.Type == TypeAutocomplete {
				return Response{}
			}
			return Reply(messages.NotInServer)
		}
		return next(ctx, in)
	}
}

// Options are the values of a command's options by name.
type Options map[string]any

// String returns a string option, trimmed, or "".
func (o Options) String(name string) string {
	s, _ := o[name].(string)
	return strings.TrimSpace(s)
}

// Int returns an integer option and whether it was given. Discord sends
// integers as JSON numbers, which decode as float64.
func (o Options) Int(name string) (int64, bool) {
	switch v := o[name].(type) {
	case float64:
		return int64(v), true
	case int64:
		return v, true
	case int:
		return int64(v), true
	}
	return 0, false
}

// Has reports whether an option was given.
func (o Options) Has(name string) bool { _, ok := o[name]; return ok }
