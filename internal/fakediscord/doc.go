// Package fakediscord is an in-process fake of Discord's HTTP API and
// Gateway for end-to-end tests. The real bot (a discordgo session whose REST
// base URL is rewritten to APIURL) talks to it over real sockets on
// 127.0.0.1.
//
// Every REST request is checked against Discord's official OpenAPI spec
// (testdata/discord-api/openapi.json): an unknown route, a bad parameter or
// a body that breaks the request schema fails the test that owns the Server
// (t.Errorf) and is answered the way Discord would (404 / 400 code 50035).
//
// The fake keeps an in-memory model of guilds, roles, members, channels,
// permission overwrites, messages, scheduled events, application commands
// and interactions, and dispatches the matching Gateway events.
//
// Typical use:
//
//	f := fakediscord.New(t)                      // guild f.GuildID, channel f.GeneralChannelID
//	alice := f.AddMember(f.GuildID, "alice")
//	// start the bot with token f.Token and REST base f.APIURL() (discordgo
//	// speaks v9: rewrite https://discord.com/api/v9/... to <fake>/api/v9/...)
//	if err := f.WaitGateway(1, 0, 5*time.Second); err != nil { t.Fatal(err) }
//	r, err := f.Command(f.GuildID, alice, "group", fakediscord.Opt{Name: "list", Type: 1}).Wait(5 * time.Second)
//
// Rules taken from Discord's docs beyond the spec (a violation fails the
// test like a spec violation, and is answered 400 code 50035): overwrite
// "type" is required, CHAT_INPUT commands need a lowercase name and a 1-100
// character description, messages may not be empty or longer than 2000
// characters, allowed_mentions may not combine parse "users" with users,
// callback types must fit the interaction type, EXTERNAL scheduled events
// need a location and an end time and no channel, localization dictionaries
// of commands, options and choices are keyed by Discord locales and the
// localized names of CHAT_INPUT commands and options follow the name rules.
//
// Outside tests (hearth try), Start makes a Server that reports to a
// logger instead of failing a test, and NoJournal keeps its memory flat;
// viewer.go has what a person's client needs (messages as the API returns
// them, interactions aimed at one message or channel). The fault hooks —
// FailNext, FailAppliedNext, FailAfter, HangNext, ClearFaults (http.go),
// and the gateway's Reconnect, InvalidSession, CloseGateway, DropGateway,
// SetAckDelay, SetHeartbeatAcks, SetHeartbeatInterval, Zombie
// (gwconn.go, gwfaults.go) — are for tests only; hearth try never calls
// them, and without them the fake behaves as Discord does.
//
// Locales: users and guilds default to "en-US"; SetUserLocale sets the
// "locale" of a user's interactions and SetGuildLocale a guild's
// preferred_locale (the interactions' guild_locale).
package fakediscord
