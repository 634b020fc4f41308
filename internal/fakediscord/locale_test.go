package fakediscord

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/bwmarrin/discordgo"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// payloadLocales reads locale, guild_locale and guild.locale of a dispatched
// interaction ("" for an absent field).
func payloadLocales(t *testing.T, in *Interaction) (locale, guildLocale, partialGuildLocale string) {
	t.Helper()
	var p struct {
		Locale      string `json:"locale"`
		GuildLocale string `json:"guild_locale"`
		Guild       *struct {
			Locale string `json:"locale"`
		} `json:"guild"`
	}
	if err := json.Unmarshal(in.Payload, &p); err != nil {
		t.Fatalf("payload %s: %v", in.Payload, err)
	}
	if p.Guild != nil {
		partialGuildLocale = p.Guild.Locale
	}
	return p.Locale, p.GuildLocale, partialGuildLocale
}

func TestUserLocaleOnEveryInteraction(t *testing.T) {
	t.Parallel()
	f := New(t)
	alice := f.AddMember(f.GuildID, "alice")
	bob := f.AddMember(f.GuildID, "bob")
	f.SetUserLocale(alice, "es-ES")

	kinds := map[string]func(user string) *Interaction{
		"command": func(u string) *Interaction { return f.Command(f.GuildID, u, "group") },
		"autocomplete": func(u string) *Interaction {
			return f.Autocomplete(f.GuildID, u, "group", Opt{Name: "name", Type: 3, Value: "g"})
		},
		"component": func(u string) *Interaction { return f.Component(f.GuildID, u, "join", 2) },
		"modal":     func(u string) *Interaction { return f.ModalSubmit(f.GuildID, u, "m", map[string]string{"a": "b"}) },
	}
	for kind, invoke := range kinds {
		if loc, gl, pg := payloadLocales(t, invoke(alice)); loc != "es-ES" || gl != "en-US" || pg != "en-US" {
			t.Errorf("%s by alice: locale=%q guild_locale=%q guild.locale=%q, want es-ES en-US en-US", kind, loc, gl, pg)
		}
		if loc, gl, _ := payloadLocales(t, invoke(bob)); loc != "en-US" || gl != "en-US" {
			t.Errorf("%s by bob: locale=%q guild_locale=%q, want the en-US defaults", kind, loc, gl)
		}
	}
	// In a DM: the user's locale, no guild_locale and no guild.
	dmUser := f.AddMember("", "carol")
	f.SetUserLocale(dmUser, "es-419")
	for kind, in := range map[string]*Interaction{
		"command":   f.Command("", dmUser, "help"),
		"component": f.Component("", dmUser, "dm-button", 2),
		"modal":     f.ModalSubmit("", dmUser, "dm-modal", nil),
	} {
		if loc, gl, pg := payloadLocales(t, in); loc != "es-419" || gl != "" || pg != "" {
			t.Errorf("DM %s: locale=%q guild_locale=%q guild.locale=%q, want es-419 and no guild fields", kind, loc, gl, pg)
		}
	}

	// The guild's locale shows as guild_locale whatever the user's locale.
	f.SetGuildLocale(f.GuildID, "fr")
	if loc, gl, pg := payloadLocales(t, f.Command(f.GuildID, alice, "group")); loc != "es-ES" || gl != "fr" || pg != "fr" {
		t.Errorf("after SetGuildLocale: locale=%q guild_locale=%q guild.locale=%q, want es-ES fr fr", loc, gl, pg)
	}
}

func TestUnknownLocaleFailsTheTest(t *testing.T) {
	t.Parallel()
	rec := &recorder{TB: t}
	f := New(rec)
	alice := f.AddMember(f.GuildID, "alice")
	f.SetUserLocale(alice, "es")      // not a Discord locale (es-ES and es-419 are)
	f.SetGuildLocale(f.GuildID, "EN") // nor this
	f.SetUserLocale("42", "es-ES")    // unknown user
	if n := len(rec.errors()); n != 3 {
		t.Errorf("errors = %q, want 3", rec.errors())
	}
	if loc, gl, _ := payloadLocales(t, f.Command(f.GuildID, alice, "x")); loc != "en-US" || gl != "en-US" {
		t.Errorf("locale=%q guild_locale=%q, want the defaults kept", loc, gl)
	}
}

// validateAgainst checks a JSON document against a component schema of the spec.
func validateAgainst(t *testing.T, f *Server, schema string, doc []byte) {
	t.Helper()
	sch, err := f.spec.schema("#/components/schemas/" + schema)
	if err != nil {
		t.Fatal(err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(v); err != nil {
		t.Errorf("%s breaks %s: %v", doc, schema, err)
	}
}

func TestGuildLocaleUpdateOverGateway(t *testing.T) {
	t.Parallel()
	f := New(t)
	other := f.AddGuild("Other")
	dg := newClient(t, f)
	dg.ShouldReconnectOnError = false
	dg.StateEnabled = false
	var raw eventSink[[]byte]
	var creates eventSink[*discordgo.GuildCreate]
	var updates eventSink[*discordgo.GuildUpdate]
	var interactions eventSink[*discordgo.InteractionCreate]
	dg.AddHandler(func(_ *discordgo.Session, e *discordgo.Event) {
		if e.Type == "GUILD_UPDATE" {
			raw.add(e.RawData)
		}
	})
	dg.AddHandler(func(_ *discordgo.Session, g *discordgo.GuildCreate) { creates.add(g) })
	dg.AddHandler(func(_ *discordgo.Session, u *discordgo.GuildUpdate) { updates.add(u) })
	dg.AddHandler(func(_ *discordgo.Session, i *discordgo.InteractionCreate) { interactions.add(i) })
	openClient(t, f, dg)
	eventually(t, "GUILD_CREATE of both guilds", func() bool { return len(creates.all()) == 2 })
	for _, g := range creates.all() {
		if g.PreferredLocale != "en-US" {
			t.Errorf("GUILD_CREATE %s preferred_locale = %q, want en-US", g.ID, g.PreferredLocale)
		}
	}

	f.SetGuildLocale(f.GuildID, "es-ES")
	// discordgo runs each handler in a goroutine of its own: the raw and
	// the typed event arrive in either order.
	eventually(t, "GUILD_UPDATE", func() bool { return len(updates.all()) == 1 && len(raw.all()) == 1 })
	if u := updates.all()[0]; u.ID != f.GuildID || u.PreferredLocale != "es-ES" || u.Name != "Test Server" {
		t.Errorf("GUILD_UPDATE = id %s locale %q name %q", u.ID, u.PreferredLocale, u.Name)
	}
	validateAgainst(t, f, "GuildResponse", raw.all()[0])

	alice := f.AddMember(f.GuildID, "alice")
	f.SetUserLocale(alice, "es-ES")
	f.Command(f.GuildID, alice, "group")
	eventually(t, "INTERACTION_CREATE", func() bool { return len(interactions.all()) == 1 })
	in := interactions.all()[0]
	if in.Locale != discordgo.SpanishES || in.GuildLocale == nil || *in.GuildLocale != discordgo.SpanishES {
		t.Errorf("interaction locale=%q guild_locale=%v, want es-ES and es-ES", in.Locale, in.GuildLocale)
	}

	// REST sees it too, and other guilds keep the default.
	g, err := dg.Guild(f.GuildID)
	if err != nil || g.PreferredLocale != "es-ES" {
		t.Errorf("GET guild = %+v, %v; want preferred_locale es-ES", g, err)
	}
	body, err := dg.RequestWithBucketID("GET", discordgo.EndpointGuild(other)+"?with_counts=true", nil, "GET guild")
	if err != nil {
		t.Fatal(err)
	}
	validateAgainst(t, f, "GuildWithCountsResponse", body)
	var og struct {
		PreferredLocale string `json:"preferred_locale"`
		Members         int    `json:"approximate_member_count"`
	}
	if err := json.Unmarshal(body, &og); err != nil || og.PreferredLocale != "en-US" || og.Members != 2 {
		t.Errorf("GET other guild = %s", body)
	}
	if _, err := dg.Guild("1"); err == nil {
		t.Error("GET unknown guild succeeded")
	}
}

func TestGuildCreateCarriesGuildLocale(t *testing.T) {
	t.Parallel()
	f := New(t)
	f.SetGuildLocale(f.GuildID, "de") // before any session: no one to tell
	dg := newClient(t, f)
	dg.ShouldReconnectOnError = false
	dg.StateEnabled = false
	var guilds eventSink[*discordgo.GuildCreate]
	dg.AddHandler(func(_ *discordgo.Session, g *discordgo.GuildCreate) { guilds.add(g) })
	openClient(t, f, dg)
	eventually(t, "GUILD_CREATE", func() bool { return len(guilds.all()) == 1 })
	if l := guilds.all()[0].PreferredLocale; l != "de" {
		t.Errorf("GUILD_CREATE preferred_locale = %q, want de", l)
	}
}
