package main

import (
	"slices"
	"testing"
	"time"

	"hearth/domain"
	"hearth/internal/fakediscord"
	"hearth/messages"
)

var (
	en = messages.For(messages.English)
	es = messages.For(messages.Spanish)
)

// Replies follow the language of the person who typed: the same commands
// by someone whose Discord is in Spanish and someone whose is in English.
func TestRepliesFollowThePersonsLocale(t *testing.T) {
	w := newWorld(t)
	w.start()
	w.group(w.mod, "create", str("name", "Duelo"), str("type", "open"), num("capacity", 1))
	g := w.groupNamed(w.db(), "Duelo")
	carol := w.carol()
	w.fake.SetUserLocale(w.alice, "es-ES")
	w.fake.SetUserLocale(carol, "es-419")

	for _, c := range []struct {
		name string
		p    *messages.Printer
		user string
	}{{"es-ES", es, w.alice}, {"en-US", en, w.bob}} {
		t.Run(c.name, func(t *testing.T) {
			// alice (first) sees the one seat; bob, after she took it, a full group.
			line := c.p.GroupLine("Duelo", domain.KindOpen, domain.StatusOpen, 1, time.Time{}, false, 0)
			if c.user == w.bob {
				line = c.p.GroupLine("Duelo", domain.KindOpen, domain.StatusFull, 0, time.Time{}, false, 0)
			}
			if r, want := w.do(c.user, "groups"), c.p.GroupList([]string{line}, 1); r.Content != want {
				t.Errorf("/groups = %q, want %q", r.Content, want)
			}
			if c.user == w.bob {
				// alice took the only seat: bob is refused, in English.
				if got, want := w.do(c.user, "join", str("group", "Duelo")).Content, c.p.FullWaitlist("Duelo"); got != want {
					t.Errorf("/join full = %q, want %q", got, want)
				}
			} else if got, want := w.do(c.user, "join", str("group", "Duelo")).Content, c.p.Joined("Duelo", g.ChannelID, time.Time{}); got != want {
				t.Errorf("/join = %q, want %q", got, want)
			}
			bad := w.do(c.user, "join", str("group", "   "))
			if want := c.p.Input(&domain.InputError{Field: "group", Problem: domain.ProblemRequired}); bad.Content != want {
				t.Errorf("bad input = %q, want %q", bad.Content, want)
			}
			if got, want := w.do(c.user, "group", fakediscord.Opt{Name: "archive", Type: optSub,
				Options: []fakediscord.Opt{str("group", "Duelo")}}).Content, c.p.NotModerator(); got != want {
				t.Errorf("refusal = %q, want %q", got, want)
			}
		})
	}
	// Any es-* locale is Spanish: es-419 too.
	if got, want := w.do(carol, "join", str("group", "Duelo")).Content, es.FullWaitlist("Duelo"); got != want {
		t.Errorf("es-419 /join = %q, want %q", got, want)
	}
}

// Channel posts follow the server: a reminder in a server set to
// language:es is Spanish and still mentions exactly the members.
func TestReminderInASpanishServer(t *testing.T) {
	w := newWorld(t)
	w.start()
	r := w.do(w.owner(), "setup", str("language", "es"))
	wantReply(t, r, en.SettingsLanguage("Español", false))
	w.group(w.mod, "create", str("name", "Tarde"), str("type", "open"),
		str("schedule", "0 18 * * *"), str("timezone", "UTC"), str("reminder", "30m"))
	w.do(w.alice, "join", str("group", "Tarde"))
	w.do(w.bob, "join", str("group", "Tarde"))
	g := w.groupNamed(w.db(), "Tarde")
	session := time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC)
	w.clock.Set(session.Add(-30 * time.Minute))
	msgs := w.waitReminders(g.ChannelID, 1)
	if want := es.Reminder(session, 30*time.Minute, []string{w.alice, w.bob}); msgs[0].Content != want {
		t.Errorf("reminder = %q, want %q", msgs[0].Content, want)
	}
	got := slices.Clone(msgs[0].Mentions)
	slices.Sort(got)
	want := []string{w.alice, w.bob}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("reminder mentions %v, want exactly %v", got, want)
	}
}

// Without /setup language:, channel posts follow the server's preferred
// locale as Discord tells it.
func TestChannelPostsFollowTheServersLocale(t *testing.T) {
	w := newWorld(t)
	w.fake.SetGuildLocale(w.guild, "es-ES")
	w.start()
	w.group(w.mod, "create", str("name", "Tarde"), str("type", "open"),
		str("schedule", "0 18 * * *"), str("timezone", "UTC"))
	w.do(w.alice, "join", str("group", "Tarde"))
	g := w.groupNamed(w.db(), "Tarde")
	session := time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC)
	w.clock.Set(session.Add(-30 * time.Minute))
	msgs := w.waitReminders(g.ChannelID, 1)
	if want := es.Reminder(session, 30*time.Minute, []string{w.alice}); msgs[0].Content != want {
		t.Errorf("reminder = %q, want %q", msgs[0].Content, want)
	}
}

// Every registered command, option and choice carries Spanish descriptions
// for es-ES and es-419.
func TestCommandsCarrySpanishDescriptions(t *testing.T) {
	w := newWorld(t)
	w.start()
	cmds := w.fake.RegisteredCommands(w.guild)
	if len(cmds) == 0 {
		t.Fatal("no commands registered")
	}
	check := func(what string, loc map[string]string, english string) {
		t.Helper()
		for _, l := range []string{"es-ES", "es-419"} {
			if loc[l] == "" || loc[l] == english {
				t.Errorf("%s: %s description %q (English %q)", what, l, loc[l], english)
			}
		}
	}
	var walk func(prefix string, opts []fakediscord.CommandOption)
	walk = func(prefix string, opts []fakediscord.CommandOption) {
		for _, o := range opts {
			check(prefix+" "+o.Name, o.DescriptionLocalizations, o.Description)
			for _, c := range o.Choices {
				if c.NameLocalizations["es-ES"] == "" || c.NameLocalizations["es-419"] == "" {
					if o.Name != "language" { // language choices are named in their own language
						t.Errorf("%s %s choice %q lacks Spanish names", prefix, o.Name, c.Name)
					}
				}
			}
			walk(prefix+" "+o.Name, o.Options)
		}
	}
	for _, c := range cmds {
		check("/"+c.Name, c.DescriptionLocalizations, c.Description)
		walk("/"+c.Name, c.Options)
	}
}
