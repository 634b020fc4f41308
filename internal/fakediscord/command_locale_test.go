package fakediscord

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// localized makes the es-ES / es-419 dictionary for a text.
func localized(text string) *map[discordgo.Locale]string {
	return &map[discordgo.Locale]string{discordgo.SpanishES: text + " (es)", discordgo.SpanishLATAM: text + " (419)"}
}

func TestCommandLocalizationsRoundTrip(t *testing.T) {
	t.Parallel()
	f := New(t) // any spec or docs violation fails this test
	dg := newClient(t, f)
	choice := func(name string) *discordgo.ApplicationCommandOptionChoice {
		return &discordgo.ApplicationCommandOptionChoice{Name: name, NameLocalizations: *localized(name), Value: name}
	}
	option := func(typ discordgo.ApplicationCommandOptionType, name string, sub ...*discordgo.ApplicationCommandOption) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: typ, Name: name, Description: "About " + name,
			NameLocalizations:        map[discordgo.Locale]string{discordgo.SpanishES: name + "-es", discordgo.SpanishLATAM: name + "-419"},
			DescriptionLocalizations: *localized("About " + name), Options: sub}
	}
	lang := option(discordgo.ApplicationCommandOptionString, "language")
	lang.Choices = []*discordgo.ApplicationCommandOptionChoice{choice("English"), choice("Español")}
	cmds := []*discordgo.ApplicationCommand{
		{Name: "group", Description: "Manage groups", NameLocalizations: &map[discordgo.Locale]string{discordgo.SpanishES: "grupo"},
			DescriptionLocalizations: localized("Manage groups"), Options: []*discordgo.ApplicationCommandOption{
				option(discordgo.ApplicationCommandOptionSubCommandGroup, "admin",
					option(discordgo.ApplicationCommandOptionSubCommand, "rename", option(discordgo.ApplicationCommandOptionString, "name"))),
				option(discordgo.ApplicationCommandOptionSubCommand, "create", option(discordgo.ApplicationCommandOptionString, "name"), lang),
			}},
		{Name: "language", Description: "Set the language", DescriptionLocalizations: localized("Set the language"),
			Options: []*discordgo.ApplicationCommandOption{lang}},
	}
	for _, scope := range []string{f.GuildID, ""} {
		got, err := dg.ApplicationCommandBulkOverwrite(f.AppID, scope, cmds)
		if err != nil {
			t.Fatal(err)
		}
		if d := got[0].DescriptionLocalizations; d == nil || (*d)[discordgo.SpanishLATAM] != "Manage groups (419)" {
			t.Errorf("bulk overwrite answer lost the localizations: %+v", got[0])
		}

		reg := f.RegisteredCommands(scope)
		if len(reg) != 2 || reg[0].GuildID != scope || reg[0].NameLocalizations["es-ES"] != "grupo" {
			t.Fatalf("RegisteredCommands(%q) = %+v", scope, reg)
		}
		var checkOptions func(path string, opts []CommandOption)
		checkDesc := func(path string, loc map[string]string) {
			if loc["es-ES"] == "" || loc["es-419"] == "" {
				t.Errorf("%s: description_localizations = %v, want es-ES and es-419", path, loc)
			}
		}
		checkOptions = func(path string, opts []CommandOption) {
			for _, o := range opts {
				p := path + " " + o.Name
				checkDesc(p, o.DescriptionLocalizations)
				if o.DescriptionLocalizations["es-ES"] != "About "+o.Name+" (es)" || o.NameLocalizations["es-419"] != o.Name+"-419" {
					t.Errorf("%s: localizations changed: %v %v", p, o.NameLocalizations, o.DescriptionLocalizations)
				}
				for _, c := range o.Choices {
					if c.NameLocalizations["es-ES"] != c.Name+" (es)" || c.NameLocalizations["es-419"] != c.Name+" (419)" {
						t.Errorf("%s choice %s: name_localizations = %v", p, c.Name, c.NameLocalizations)
					}
				}
				checkOptions(p, o.Options)
			}
		}
		for _, c := range reg {
			checkDesc("/"+c.Name, c.DescriptionLocalizations)
			checkOptions("/"+c.Name, c.Options)
		}
		rename := reg[0].Options[0].Options[0].Options[0]
		if rename.Name != "name" || rename.DescriptionLocalizations["es-419"] != "About name (419)" {
			t.Errorf("sub-command group option = %+v", rename)
		}
		if n := len(reg[1].Options[0].Choices); n != 2 {
			t.Errorf("choices = %d", n)
		}

		// discordgo lists with with_localizations=true and gets them back;
		// without it Discord leaves the dictionaries out.
		listed, err := dg.ApplicationCommands(f.AppID, scope)
		if err != nil || len(listed) != 2 || listed[0].Options[1].Options[1].Choices[1].NameLocalizations[discordgo.SpanishES] != "Español (es)" {
			t.Errorf("ApplicationCommands = %+v, %v", listed, err)
		}
		endpoint := discordgo.EndpointApplicationGlobalCommands(f.AppID)
		if scope != "" {
			endpoint = discordgo.EndpointApplicationGuildCommands(f.AppID, scope)
		}
		body, err := dg.RequestWithBucketID("GET", endpoint, nil, "GET commands")
		if err != nil || strings.Contains(string(body), "_localizations") {
			t.Errorf("GET without with_localizations = %s, %v", body, err)
		}
	}
}

func TestBadCommandLocalizationsAreRejected(t *testing.T) {
	t.Parallel()
	rec := &recorder{TB: t}
	f := New(rec)
	dg := newClient(t, f)
	cases := map[string]*discordgo.ApplicationCommand{ // name: what the failure says
		"Invalid locale es": {Name: "help", Description: "Help", DescriptionLocalizations: &map[discordgo.Locale]string{"es": "Ayuda"}},
		"0.options.0.name_localizations.es-ES: invalid localized name": {Name: "help", Description: "Help", Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "topic", Description: "Topic",
				NameLocalizations: map[discordgo.Locale]string{discordgo.SpanishES: "Tema Nuevo"}}}},
		"0.options.0.choices.0.name_localizations.xx: Invalid locale xx": {Name: "help", Description: "Help", Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionString, Name: "topic", Description: "Topic", Choices: []*discordgo.ApplicationCommandOptionChoice{
				{Name: "All", Value: "all", NameLocalizations: map[discordgo.Locale]string{"xx": "Todo"}}}}}},
		"breaks the spec": {Name: "help", Description: "Help",
			DescriptionLocalizations: &map[discordgo.Locale]string{discordgo.SpanishES: strings.Repeat("a", 101)}},
	}
	for name, cmd := range cases {
		before := len(rec.errors())
		_, err := dg.ApplicationCommandBulkOverwrite(f.AppID, f.GuildID, []*discordgo.ApplicationCommand{cmd})
		var rerr *discordgo.RESTError
		if !errors.As(err, &rerr) || rerr.Response.StatusCode != http.StatusBadRequest || rerr.Message == nil || rerr.Message.Code != 50035 {
			t.Errorf("%s: err = %v, want 400 code 50035", name, err)
		}
		if errs := rec.errors(); len(errs) == before || !strings.Contains(errs[len(errs)-1], name) {
			t.Errorf("failures %q, want one saying %q", errs[before:], name)
		}
	}
	if n := len(f.RegisteredCommands(f.GuildID)); n != 0 {
		t.Errorf("%d commands registered from rejected overwrites", n)
	}
}
