package commands

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"hearth/messages"
)

// recorder is a Responder that keeps what it was told.
type recorder struct {
	mu       sync.Mutex
	deferred bool
	answers  []Response
}

func (r *recorder) Defer(context.Context, *Interaction) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.deferred = true
	return nil
}

func (r *recorder) Respond(_ context.Context, _ *Interaction, resp Response) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.answers = append(r.answers, resp)
	return nil
}

func (r *recorder) answer(t *testing.T) Response {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.answers) != 1 {
		t.Fatalf("%d answers, want 1: %+v", len(r.answers), r.answers)
	}
	return r.answers[0]
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func testRouter(log *slog.Logger) *Router {
	unknown := func(_ context.Context, in *Interaction) (Response, error) {
		return Reply(Printer(in).UnknownCmd()), nil
	}
	return NewRouter(unknown, Deadline(50*time.Millisecond, log), Errors(log), Recover, RequireUser, GuildOnly)
}

var en = messages.For(messages.English)

func TestRouterRecoversPanics(t *testing.T) {
	var logged strings.Builder
	r := testRouter(slog.New(slog.NewTextHandler(&logged, nil)))
	r.Handle("boom", func(context.Context, *Interaction) (Response, error) { panic("nil map") })
	w := &recorder{}
	if err := r.Serve(context.Background(), &Interaction{GuildID: "g", UserID: "u", Command: "boom"}, w); err != nil {
		t.Fatal(err)
	}
	if got := w.answer(t).Content; got != en.Apology() {
		t.Fatalf("reply = %q, want the apology", got)
	}
	if !strings.Contains(logged.String(), "nil map") {
		t.Fatalf("panic not logged: %s", logged.String())
	}
}

func TestRouterRoutes(t *testing.T) {
	r := testRouter(quiet())
	r.Handle("group create", func(context.Context, *Interaction) (Response, error) { return Reply("created"), nil })
	r.HandleAutocomplete("group create", func(context.Context, *Interaction) (Response, error) {
		return Response{Choices: []Choice{{Name: "a", Value: "a"}}}, nil
	})
	r.HandleComponent("agree", func(_ context.Context, in *Interaction) (Response, error) {
		return Reply("agreed " + in.CustomID), nil
	})
	r.HandleModal("guidelines", func(_ context.Context, in *Interaction) (Response, error) {
		return Reply("saved " + in.Fields["text"]), nil
	})
	cases := []struct {
		name string
		in   Interaction
		want string
	}{
		{"sub-command", Interaction{GuildID: "g", UserID: "u", Command: "group", Subcommand: "create"}, "created"},
		{"unknown", Interaction{GuildID: "g", UserID: "u", Command: "nope"}, en.UnknownCmd()},
		{"in a DM", Interaction{UserID: "u", Command: "group", Subcommand: "create"}, en.NotInServer()},
		{"autocomplete in a DM", Interaction{Type: TypeAutocomplete, UserID: "u", Command: "group", Subcommand: "create"}, ""},
		{"button by prefix", Interaction{Type: TypeComponent, GuildID: "g", UserID: "u", CustomID: "agree:12:3"}, "agreed agree:12:3"},
		{"modal by prefix", Interaction{Type: TypeModal, GuildID: "g", UserID: "u", CustomID: "guidelines:12",
			Fields: map[string]string{"text": "be kind"}}, "saved be kind"},
		{"unknown button", Interaction{Type: TypeComponent, GuildID: "g", UserID: "u", CustomID: "nope:1"}, en.UnknownCmd()},
		{"Spanish caller", Interaction{GuildID: "g", UserID: "u", Command: "nope", Locale: "es-ES"},
			messages.For(messages.Spanish).UnknownCmd()},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := &recorder{}
			if err := r.Serve(context.Background(), &c.in, w); err != nil {
				t.Fatal(err)
			}
			if got := w.answer(t).Content; got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
	w := &recorder{}
	r.Serve(context.Background(), &Interaction{Type: TypeAutocomplete, GuildID: "g", UserID: "u", Command: "group", Subcommand: "create"}, w)
	if got := w.answer(t); len(got.Choices) != 1 {
		t.Errorf("autocomplete choices = %v", got.Choices)
	}
}

func TestRegisteringARouteTwicePanics(t *testing.T) {
	cases := []struct {
		name     string
		register func(r *Router)
	}{
		{"command", func(r *Router) { r.Handle("join", nil) }},
		{"autocomplete", func(r *Router) { r.HandleAutocomplete("join", nil) }},
		{"button", func(r *Router) { r.HandleComponent("agree", nil) }},
		{"modal", func(r *Router) { r.HandleModal("guidelines", nil) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := testRouter(quiet())
			c.register(r) // once is fine
			defer func() {
				if recover() == nil {
					t.Fatal("a second registration did not panic")
				}
			}()
			c.register(r)
		})
	}
}

func TestSlowHandlerIsDeferredThenAnswered(t *testing.T) {
	r := testRouter(quiet())
	r.Handle("slow", func(context.Context, *Interaction) (Response, error) {
		time.Sleep(200 * time.Millisecond)
		return Reply("done"), nil
	})
	r.HandleAutocomplete("slow", func(context.Context, *Interaction) (Response, error) {
		time.Sleep(200 * time.Millisecond)
		return Response{Choices: []Choice{{Name: "late", Value: "late"}}}, nil
	})
	w := &recorder{}
	r.Serve(context.Background(), &Interaction{GuildID: "g", UserID: "u", Command: "slow"}, w)
	if got := w.answer(t).Content; !w.deferred || got != "done" {
		t.Fatalf("deferred %v, answer %q; want deferred, then done", w.deferred, got)
	}
	w = &recorder{}
	r.Serve(context.Background(), &Interaction{Type: TypeAutocomplete, GuildID: "g", UserID: "u", Command: "slow"}, w)
	if w.deferred || len(w.answers) != 0 {
		t.Fatalf("late autocomplete: deferred %v, answers %+v; want neither", w.deferred, w.answers)
	}
}

func TestInteractionWithoutAUserIsRefused(t *testing.T) {
	r := testRouter(quiet())
	r.Handle("join", func(context.Context, *Interaction) (Response, error) { return Reply("joined"), nil })
	w := &recorder{}
	r.Serve(context.Background(), &Interaction{GuildID: "g", Command: "join"}, w)
	if got := w.answer(t).Content; got != en.Apology() {
		t.Fatalf("got %q, want a refusal", got)
	}
}
