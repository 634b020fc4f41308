package commands

import (
	"context"
	"fmt"
	"strings"
)

// Type is the kind of interaction.
type Type int

const (
	TypeCommand      Type = iota // a slash command
	TypeAutocomplete             // an option being typed
	TypeComponent                // a button pressed
	TypeModal                    // a modal submitted
)

// Interaction is what a handler needs to know of a Discord interaction.
type Interaction struct {
	Type        Type
	GuildID     string // empty in DMs
	ChannelID   string
	UserID      string
	Locale      string   // the person's Discord locale, such as es-ES
	GuildLocale string   // the server's preferred locale
	RoleIDs     []string // the member's roles
	Command     string   // "group"
	Subcommand  string   // "create", or empty for top-level commands
	Options     Options
	Focused     string            // the option being typed, for autocomplete
	CustomID    string            // buttons and modals: "prefix:arguments"
	Fields      map[string]string // modals: each text input's value by its custom id

	deferReply func(context.Context) error // set by Serve
	dmAllowed  bool                        // set by Serve: the route serves direct messages too
}

// Route names the handler for i: "join", "group create", or for buttons
// and modals the part of the custom id before the first colon.
func (i *Interaction) Route() string {
	switch {
	case i.Type == TypeComponent || i.Type == TypeModal:
		prefix, _, _ := strings.Cut(i.CustomID, ":")
		return prefix
	case i.Subcommand == "":
		return i.Command
	}
	return i.Command + " " + i.Subcommand
}

// Choice is one autocomplete suggestion.
type Choice struct {
	Name  string
	Value string
}

// ButtonStyle is a button's colour, as Discord numbers them.
type ButtonStyle int

const (
	ButtonPrimary   ButtonStyle = 1
	ButtonSecondary ButtonStyle = 2
	ButtonDanger    ButtonStyle = 4
)

// Button is a button under a reply; pressing it is an interaction routed
// by its custom id.
type Button struct {
	CustomID string
	Label    string
	Style    ButtonStyle
}

// TextInput is one field of a modal.
type TextInput struct {
	CustomID  string
	Label     string
	Paragraph bool
	Required  bool
	MaxLength int
	Value     string
}

// Modal is a form Discord shows the person; submitting it is an
// interaction routed by its custom id.
type Modal struct {
	CustomID string
	Title    string
	Inputs   []TextInput
}

// Response is the answer to an interaction. Replies are always ephemeral
// and mention nobody; autocomplete answers with Choices; a Modal opens a
// form; Update edits the message whose button was pressed instead of
// replying anew.
type Response struct {
	Content string
	Notice  string // a longer text shown in a box under Content (up to 4,096 characters)
	Buttons []Button
	Choices []Choice
	Modal   *Modal
	Files   []File // attached to the reply
	Update  bool
	// None means no answer at all: autocomplete that came too late.
	None bool
}

// File is a file attached to a reply.
type File struct {
	Name        string
	ContentType string
	Data        []byte
}

// Reply is a Response with only text.
func Reply(content string) Response { return Response{Content: content} }

// Responder sends the answer to one interaction over its transport: the
// gateway's REST callbacks, or an HTTP response.
type Responder interface {
	// Defer acknowledges the interaction now, within the deadline; the
	// Respond that follows edits the acknowledgement.
	Defer(ctx context.Context, in *Interaction) error
	// Respond sends the answer.
	Respond(ctx context.Context, in *Interaction, resp Response) error
}

// Handler answers an interaction. An error it returns is turned into words
// by middleware: an input error tells the person what to fix, anything
// else is logged and apologised for.
type Handler func(ctx context.Context, in *Interaction) (Response, error)

// Middleware wraps a Handler with a concern shared by many.
type Middleware func(next Handler) Handler

// Router maps each route to its handler.
type Router struct {
	tables     map[Type]map[string]Handler
	middleware []Middleware
	fallback   Handler
	dm         map[string]bool // commands that serve direct messages too
}

// NewRouter returns an empty router; mw wrap every handler, outermost
// first. fallback answers routes nobody handles (it gets the same
// middleware).
func NewRouter(fallback Handler, mw ...Middleware) *Router {
	r := &Router{tables: map[Type]map[string]Handler{}, middleware: mw}
	r.fallback = r.wrap(fallback, nil)
	return r
}

// Handle registers h for the slash command route ("join", "group create"),
// wrapped in mw (innermost, after the router's own).
func (r *Router) Handle(route string, h Handler, mw ...Middleware) {
	r.add(TypeCommand, route, h, mw)
}

// AllowDM lets a slash command be used in direct messages with Hearth as
// well as in servers (GuildOnly refuses the others there).
func (r *Router) AllowDM(route string) {
	if r.dm == nil {
		r.dm = map[string]bool{}
	}
	r.dm[route] = true
}

// HandleAutocomplete registers h for the autocomplete requests of route.
func (r *Router) HandleAutocomplete(route string, h Handler, mw ...Middleware) {
	r.add(TypeAutocomplete, route, h, mw)
}

// HandleComponent registers h for buttons whose custom id starts with
// prefix and a colon (or is prefix).
func (r *Router) HandleComponent(prefix string, h Handler, mw ...Middleware) {
	r.add(TypeComponent, prefix, h, mw)
}

// HandleModal registers h for modals whose custom id starts with prefix
// and a colon (or is prefix).
func (r *Router) HandleModal(prefix string, h Handler, mw ...Middleware) {
	r.add(TypeModal, prefix, h, mw)
}

// add registers a route; registering one twice is a programming error.
func (r *Router) add(t Type, route string, h Handler, mw []Middleware) {
	table := r.tables[t]
	if table == nil {
		table = map[string]Handler{}
		r.tables[t] = table
	}
	if _, dup := table[route]; dup {
		panic(fmt.Sprintf("commands: route %q (type %d) registered twice", route, t))
	}
	table[route] = r.wrap(h, mw)
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

// Handler returns the handler of in's route, with its middleware, or the
// fallback.
func (r *Router) Handler(in *Interaction) Handler {
	if h, ok := r.tables[in.Type][in.Route()]; ok {
		return h
	}
	return r.fallback
}

// Serve answers in through w: it runs the route's handler (middleware
// included) and sends what it returns. A handler that runs late is
// deferred by the Deadline middleware, through w, without knowing it.
func (r *Router) Serve(ctx context.Context, in *Interaction, w Responder) error {
	in.deferReply = func(ctx context.Context) error { return w.Defer(ctx, in) }
	in.dmAllowed = in.Type == TypeCommand && r.dm[in.Route()]
	resp, err := r.Handler(in)(ctx, in)
	if err != nil {
		return err // middleware words every error; this is a router without it
	}
	if resp.None {
		return nil
	}
	return w.Respond(ctx, in, resp)
}
