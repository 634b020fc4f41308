package commands

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"

	"hearth/messages"
	"hearth/store"
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

func TestMatchGroupsCapsAt25(t *testing.T) {
	var groups []store.Group
	for i := range 40 {
		groups = append(groups, store.Group{ID: int64(i), Name: fmt.Sprintf("Group %02d", i)})
	}
	got := matchGroups(groups, "GROUP", func(g store.Group) bool { return g.ID != 0 })
	if len(got) != 25 || got[0].Name != "Group 01" {
		t.Fatalf("got %d choices starting %v; want 25 starting Group 01", len(got), got[0])
	}
	if got := matchGroups(groups, "39", nil); len(got) != 1 || got[0].Value != "Group 39" {
		t.Fatalf("match on a part of the name = %v", got)
	}
}
