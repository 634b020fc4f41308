package bot

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// Payloads Discord should never send, and a handler that panics, do not
// end the process (issue 10, defect 10).
func TestGatewayHandlersSurviveOddPayloads(t *testing.T) {
	var logged strings.Builder
	log := slog.New(slog.NewTextHandler(&logged, nil))
	b, err := New(Config{Token: "x", APIURL: "http://127.0.0.1:1"}, nil, log)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		call func()
	}{
		{"null INTERACTION_CREATE", func() { b.onInteraction(nil, &discordgo.InteractionCreate{}) }},
		{"no INTERACTION_CREATE at all", func() { b.onInteraction(nil, nil) }},
		{"READY without a user or application", func() { b.onReady(nil, &discordgo.Ready{}) }},
		{"a handler that panics", func() {
			recovered(log, "GUILD_DELETE", func(*discordgo.Session, *discordgo.GuildDelete) { panic("boom") })(nil, nil)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if p := recover(); p != nil {
					t.Fatalf("panicked: %v", p)
				}
			}()
			c.call()
		})
	}
	if !strings.Contains(logged.String(), "boom") {
		t.Errorf("the panic was not logged: %s", logged.String())
	}
}
