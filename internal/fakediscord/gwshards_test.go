package fakediscord

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// IDENTIFY's shard: an invalid one is closed with 4010, too few shards
// when sharding is required with 4011; GET /gateway/bot recommends the
// count and tells the session start limit.
func TestShardIdentifyChecks(t *testing.T) {
	t.Parallel()
	f := New(t, Options{Shards: 2, RequireSharding: true, MaxConcurrency: 2, SessionStarts: 10})
	dg := newClient(t, f)
	dg.ShouldReconnectOnError = false
	gb, err := dg.GatewayBot()
	if err != nil {
		t.Fatal(err)
	}
	if l := gb.SessionStartLimit; gb.Shards != 2 || l.Total != 10 || l.Remaining != 10 || l.MaxConcurrency != 2 || l.ResetAfter <= 0 {
		t.Errorf("GET /gateway/bot = %+v", gb)
	}
	var ce *websocket.CloseError
	for _, c := range []struct {
		shard *[2]int
		code  int
	}{{&[2]int{2, 2}, 4010}, {&[2]int{-1, 2}, 4010}, {&[2]int{0, 0}, 4010}, {nil, 4011}, {&[2]int{0, 1}, 4011}} {
		dg.Identify.Shard = c.shard
		if err := dg.Open(); !errors.As(err, &ce) || ce.Code != c.code {
			t.Errorf("IDENTIFY shard %v: %v, want close %d", c.shard, err, c.code)
		}
	}
	if len(f.Identifies()) != 0 {
		t.Errorf("refused IDENTIFYs were counted: %+v", f.Identifies())
	}
}

// Each shard's session gets only its guilds in READY and GUILD_CREATE,
// only their events, and only their interactions; direct messages'
// interactions go to shard 0.
func TestShardsGetOnlyTheirGuilds(t *testing.T) {
	t.Parallel()
	f := New(t, Options{Shards: 2, MaxConcurrency: 2})
	var own [2][]string
	for i := range 4 {
		own[i%2] = append(own[i%2], f.AddGuildOnShard("g", i%2, 2))
	}
	var created [2]eventSink[string]
	var interactions [2]eventSink[string]
	var channels [2]eventSink[string]
	for shard := range 2 {
		dg := newClient(t, f)
		dg.ShardID, dg.ShardCount = shard, 2
		dg.AddHandler(func(_ *discordgo.Session, g *discordgo.GuildCreate) { created[shard].add(g.ID) })
		dg.AddHandler(func(_ *discordgo.Session, c *discordgo.ChannelCreate) { channels[shard].add(c.GuildID) })
		dg.AddHandler(func(_ *discordgo.Session, i *discordgo.InteractionCreate) { interactions[shard].add(i.GuildID) })
		openClient(t, f, dg)
	}
	if err := f.WaitGateway(2, 0, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	for shard := range 2 {
		for _, g := range own[shard] {
			if ShardOf(g, 2) != shard {
				t.Fatalf("guild %s made for shard %d is on %d", g, shard, ShardOf(g, 2))
			}
		}
		eventually(t, "GUILD_CREATEs", func() bool { return len(created[shard].all()) >= len(own[shard]) })
		for _, g := range created[shard].all() {
			if ShardOf(g, 2) != shard {
				t.Errorf("shard %d got GUILD_CREATE of %s (shard %d)", shard, g, ShardOf(g, 2))
			}
		}
		f.AddChannel(own[shard][0], "room")
		user := f.AddMember(own[shard][0], "u")
		f.Command(own[shard][0], user, "ping")
		f.Command("", user, "ping") // a DM: shard 0
	}
	eventually(t, "interactions", func() bool {
		return len(interactions[0].all()) == 3 && len(interactions[1].all()) == 1 && len(channels[0].all()) == 1 && len(channels[1].all()) == 1
	})
	if got := interactions[1].all(); got[0] != own[1][0] {
		t.Errorf("shard 1 got interactions %v", got)
	}
	for shard := range 2 {
		if got := channels[shard].all(); got[0] != own[shard][0] {
			t.Errorf("shard %d got CHANNEL_CREATE of %v", shard, got)
		}
	}
}

// The Developer Portal refuses an interactions endpoint URL that does not
// check signatures: a PING with a bad one must be answered 401.
func TestInteractionsEndpointMustCheckSignatures(t *testing.T) {
	t.Parallel()
	f := New(t)
	careless := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"type":1}`))
	}))
	defer careless.Close()
	if err := f.SetInteractionsEndpoint(careless.URL); err == nil {
		t.Fatal("an endpoint answering every PING was accepted")
	}
	careful := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Header.Get("X-Signature-Ed25519") != f.Sign(r.Header.Get("X-Signature-Timestamp"), body) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"type":1}`))
	}))
	defer careful.Close()
	if err := f.SetInteractionsEndpoint(careful.URL); err != nil {
		t.Fatal(err)
	}
}
