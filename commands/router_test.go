package commands

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"hearth/messages"
)

func TestRouterRecoversPanics(t *testing.T) {
	var logged strings.Builder
	log := slog.New(slog.NewTextHandler(&logged, nil))
	r := NewRouter(Recover(log), GuildOnly)
	r.Handle("boom", func(context.Context, *Interaction) Response { panic("nil map") })
	got := r.Serve(context.Background(), &Interaction{GuildID: "g", Command: "boom"})
	if got.Content != messages.Apology {
		t.Fatalf("reply = %q, want the apology", got.Content)
	}
	if !strings.Contains(logged.String(), "nil map") {
		t.Fatalf("panic not logged: %s", logged.String())
	}
}

func TestRouterRoutes(t *testing.T) {
	r := NewRouter(Recover(slog.New(slog.NewTextHandler(io.Discard, nil))), GuildOnly)
	r.Handle("group create", func(context.Context, *Interaction) Response { return Reply("created") })
	r.HandleAutocomplete("group create", func(context.Context, *Interaction) Response {
		return Response{Choices: []Choice{{Name: "a", Value: "a"}}}
	})
	cases := []struct {
		name string
		in   Interaction
		want string
	}{
		{"sub-command", Interaction{GuildID: "g", Command: "group", Subcommand: "create"}, "created"},
		{"unknown", Interaction{GuildID: "g", Command: "nope"}, messages.UnknownCmd},
		{"in a DM", Interaction{Command: "group", Subcommand: "create"}, messages.NotInServer},
		{"autocomplete in a DM", Interaction{Type: TypeAutocomplete, Command: "group", Subcommand: "create"}, ""},
	}
	for _, c := range cases {
		if got := r.Serve(context.Background(), &c.in); got.Content != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got.Content, c.want)
		}
	}
	got := r.Serve(context.Background(), &Interaction{Type: TypeAutocomplete, GuildID: "g", Command: "group", Subcommand: "create"})
	if len(got.Choices) != 1 {
		t.Errorf("autocomplete choices = %v", got.Choices)
	}
}

func TestChannelName(t *testing.T) {
	cases := map[string]string{
		"Grief Circle":            "grief-circle",
		"  Spring -- Cohort! ":    "spring-cohort",
		"Año Nuevo / Ñandú":       "año-nuevo-ñandú",
		"!!!":                     "group",
		strings.Repeat("ab ", 60): strings.TrimRight(strings.Repeat("ab-", 33), "-") + "-a",
	}
	for in, want := range cases {
		got := ChannelName(in)
		if got != want {
			t.Errorf("ChannelName(%q) = %q, want %q", in, got, want)
		}
		if n := len([]rune(got)); n > 100 {
			t.Errorf("ChannelName(%q) has %d characters", in, n)
		}
	}
}
