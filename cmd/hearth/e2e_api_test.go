package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// Hearth speaks API v10 over REST and the gateway alike.
func TestHearthUsesAPIv10(t *testing.T) {
	w := newWorld(t)
	w.start()
	if v := w.fake.GatewayVersions(); len(v) == 0 || slices.ContainsFunc(v, func(s string) bool { return s != "10" }) {
		t.Errorf("gateway versions %v, want v=10", v)
	}
	for _, c := range w.fake.Journal() {
		if !strings.HasPrefix(c.Path, "/api/v10/") {
			t.Errorf("REST %s %s is not v10", c.Method, c.Path)
		}
	}
}

// Registered globally, every command is for guild installs, in servers
// only, but /support, which also works in a direct message with Hearth.
func TestGlobalCommandsAreForGuildInstallsInServers(t *testing.T) {
	w := newWorld(t)
	w.start(func(c *Config) { c.Discord.GuildID = "" })
	cmds := w.fake.RegisteredCommands("")
	if len(cmds) == 0 {
		t.Fatal("no global commands registered")
	}
	for _, c := range cmds {
		var raw struct {
			Contexts         []int `json:"contexts"`
			IntegrationTypes []int `json:"integration_types"`
		}
		if err := json.Unmarshal(c.Raw, &raw); err != nil {
			t.Fatal(err)
		}
		contexts := []int{0}
		if c.Name == "support" { // also in a direct message with Hearth
			contexts = []int{0, 1}
		}
		if !slices.Equal(raw.Contexts, contexts) || !slices.Equal(raw.IntegrationTypes, []int{0}) {
			t.Errorf("/%s: contexts %v, integration_types %v; want [0] and [0]", c.Name, raw.Contexts, raw.IntegrationTypes)
		}
	}
}
