package fakediscord

import (
	"errors"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

func TestHandshakeReadyAndGuildCreate(t *testing.T) {
	t.Parallel()
	f := New(t)
	dg := newClient(t, f)
	dg.ShouldReconnectOnError = false
	dg.StateEnabled = false // the state cache would mark READY's guilds available
	var ready eventSink[*discordgo.Ready]
	var guilds eventSink[*discordgo.GuildCreate]
	dg.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) { ready.add(r) })
	dg.AddHandler(func(_ *discordgo.Session, g *discordgo.GuildCreate) { guilds.add(g) })
	openClient(t, f, dg)
	eventually(t, "READY and GUILD_CREATE", func() bool { return len(ready.all()) == 1 && len(guilds.all()) == 1 })

	r := ready.all()[0]
	if r.User.ID != f.BotUserID || !r.User.Bot || r.SessionID == "" || r.Version != 9 {
		t.Errorf("READY user=%+v session=%q v=%d", r.User, r.SessionID, r.Version)
	}
	if len(r.Guilds) != 1 || r.Guilds[0].ID != f.GuildID || !r.Guilds[0].Unavailable {
		t.Errorf("READY guilds = %+v", r.Guilds)
	}
	g := guilds.all()[0]
	if g.ID != f.GuildID || g.Name != "Test Server" || len(g.Channels) != 1 || g.Channels[0].Name != "general" {
		t.Errorf("GUILD_CREATE = %+v", g.Guild)
	}
	if len(g.Members) != 1 || g.Members[0].User.ID != f.BotUserID || len(g.Roles) != 2 {
		t.Errorf("GUILD_CREATE members=%d roles=%d", len(g.Members), len(g.Roles))
	}
	if f.GatewaySessions() != 1 || f.Resumes() != 0 {
		t.Errorf("sessions=%d resumes=%d", f.GatewaySessions(), f.Resumes())
	}

	// REST channel changes are dispatched.
	var created eventSink[*discordgo.ChannelCreate]
	dg.AddHandler(func(_ *discordgo.Session, c *discordgo.ChannelCreate) { created.add(c) })
	ch, err := dg.GuildChannelCreate(f.GuildID, "support", discordgo.ChannelTypeGuildText)
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, "CHANNEL_CREATE", func() bool { return len(created.all()) == 1 })
	if created.all()[0].ID != ch.ID {
		t.Errorf("CHANNEL_CREATE for %s, want %s", created.all()[0].ID, ch.ID)
	}
}

func TestReconnectResumesAndReplays(t *testing.T) {
	skipUnderRace(t)
	t.Parallel()
	// A heartbeat of 1 s, not shorter: discordgo v0.29.0 counts its
	// handshake against five heartbeat intervals without an ACK, and on a
	// loaded machine a resume within 500 ms is not certain; it then drops
	// the session it just resumed and identifies anew (the bot guards
	// against this, bot/gwclock.go; this test drives discordgo bare).
	f := New(t, Options{HeartbeatInterval: time.Second})
	dg := newClient(t, f)
	var resumed eventSink[*discordgo.Resumed]
	var roles eventSink[*discordgo.GuildRoleCreate]
	dg.AddHandler(func(_ *discordgo.Session, r *discordgo.Resumed) { resumed.add(r) })
	dg.AddHandler(func(_ *discordgo.Session, r *discordgo.GuildRoleCreate) { roles.add(r) })
	openClient(t, f, dg)
	if err := f.WaitGateway(1, 0, 5*time.Second); err != nil {
		t.Fatal(err)
	}

	f.Reconnect()
	// discordgo answers op 7 by closing (1012) and resuming after ~1 s.
	eventually(t, "client to disconnect", func() bool { return !f.GatewayConnected() })
	roleID := f.AddRole(f.GuildID, "missed while away", 0)
	if err := f.WaitGateway(1, 1, 10*time.Second); err != nil {
		t.Fatalf("no resume: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("closes %v, sessions %d, resumes %d, RESUMED %d, roles %d", f.GatewayCloseCodes(), f.GatewaySessions(), f.Resumes(), len(resumed.all()), len(roles.all()))
		}
	})
	eventually(t, "RESUMED and the replayed GUILD_ROLE_CREATE", func() bool {
		return len(resumed.all()) == 1 && len(roles.all()) == 1
	})
	if roles.all()[0].Role.ID != roleID {
		t.Errorf("replayed role %s, want %s", roles.all()[0].Role.ID, roleID)
	}
	if f.GatewaySessions() != 1 {
		t.Errorf("IDENTIFY count = %d, want 1 (resume only)", f.GatewaySessions())
	}
}

func TestInvalidSessionReidentifies(t *testing.T) {
	t.Parallel()
	f := New(t)
	dg := newClient(t, f)
	dg.ShouldReconnectOnError = false
	openClient(t, f, dg)
	if err := f.WaitGateway(1, 0, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	f.InvalidSession(false)
	if err := f.WaitGateway(2, 0, 5*time.Second); err != nil {
		t.Fatalf("no second IDENTIFY: %v", err)
	}
}

func TestIdentifyChecks(t *testing.T) {
	t.Parallel()
	f := New(t)
	dg := newClient(t, f)
	dg.Identify.Intents = discordgo.IntentsAll // privileged, not enabled
	dg.ShouldReconnectOnError = false
	err := dg.Open()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != 4014 {
		t.Errorf("Open with privileged intents: %v, want close 4014", err)
	}
	if f.GatewaySessions() != 0 {
		t.Errorf("sessions = %d", f.GatewaySessions())
	}

	dg.Token = "Bot wrong"
	dg.Identify.Token = ""
	dg.Identify.Intents = discordgo.IntentsAllWithoutPrivileged
	if err := dg.Open(); !errors.As(err, &ce) || ce.Code != 4004 {
		t.Errorf("Open with a bad token: %v, want close 4004", err)
	}

	f2 := New(t, Options{PrivilegedIntents: int(discordgo.IntentsGuildMembers | discordgo.IntentGuildPresences | discordgo.IntentMessageContent)})
	dg2 := newClient(t, f2)
	dg2.ShouldReconnectOnError = false
	dg2.Identify.Intents = discordgo.IntentsAll
	openClient(t, f2, dg2)
	if err := f2.WaitGateway(1, 0, 5*time.Second); err != nil {
		t.Fatal(err)
	}
}

func TestInteractionRoundTrip(t *testing.T) {
	t.Parallel()
	f := New(t)
	dg := newClient(t, f)
	dg.ShouldReconnectOnError = false
	dg.AddHandler(func(s *discordgo.Session, i *discordgo.InteractionCreate) {
		switch i.Type {
		case discordgo.InteractionApplicationCommand:
			opt := i.ApplicationCommandData().Options[0]
			_ = s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{
				Type: discordgo.InteractionResponseChannelMessageWithSource,
				Data: &discordgo.InteractionResponseData{
					Content: "hello " + opt.UserValue(nil).Mention() + " from " + i.Member.User.Username,
					Flags:   discordgo.MessageFlagsEphemeral,
				},
			})
		case discordgo.InteractionMessageComponent:
			_ = s.InteractionRespond(i.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate})
			_, _ = s.InteractionResponseEdit(i.Interaction, &discordgo.WebhookEdit{Content: ptr("clicked " + i.MessageComponentData().CustomID)})
		}
	})
	openClient(t, f, dg)
	if err := f.WaitGateway(1, 0, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	alice := f.AddMember(f.GuildID, "alice")
	bob := f.AddMember(f.GuildID, "bob")
	r, err := f.Command(f.GuildID, alice, "greet", Opt{Name: "who", Type: 6, Value: bob}).Wait(5 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if r.Type != 4 || !r.Ephemeral || r.Content != "hello <@"+bob+"> from alice" {
		t.Errorf("reply = %+v", r)
	}
	r, err = f.Component(f.GuildID, alice, "join:1", 2).Wait(5 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Deferred || r.Type != 6 || r.Kind != "edit-original" || r.Content != "clicked join:1" {
		t.Errorf("component reply = %+v", r)
	}
}

// slowHeartbeat keeps discordgo's own heartbeat-driven reconnect out of
// tests that drive another reconnect: on a loaded machine five 500 ms
// intervals without an ACK can pass during a handshake, and discordgo
// v0.29.0's two reconnects at once race inside it (seen under -race).
const slowHeartbeat = 3 * time.Second

func TestDropGatewayResumes(t *testing.T) {
	t.Parallel()
	f := New(t, Options{HeartbeatInterval: slowHeartbeat})
	dg := newClient(t, f)
	openClient(t, f, dg)
	if err := f.WaitGateway(1, 0, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	f.DropGateway()
	if err := f.WaitGateway(1, 1, 10*time.Second); err != nil {
		t.Fatalf("no resume after a dropped connection: %v", err)
	}
	if f.GatewaySessions() != 1 {
		t.Errorf("IDENTIFY count = %d", f.GatewaySessions())
	}
}

func TestCloseWithNonResumableCodeReidentifies(t *testing.T) {
	t.Parallel()
	f := New(t, Options{HeartbeatInterval: slowHeartbeat})
	dg := newClient(t, f)
	openClient(t, f, dg)
	if err := f.WaitGateway(1, 0, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	// After 4009 the session is gone: discordgo's RESUME gets op 9 false
	// and it identifies again.
	f.CloseGateway(4009)
	if err := f.WaitGateway(2, 0, 10*time.Second); err != nil {
		t.Fatalf("no new IDENTIFY: %v", err)
	}
	if f.Resumes() != 0 {
		t.Errorf("resumes = %d, want 0", f.Resumes())
	}
}

func ptr[T any](v T) *T { return &v }
