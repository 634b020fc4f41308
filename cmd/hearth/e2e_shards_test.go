package main

import (
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"hearth/internal/fakeclock"
	"hearth/internal/fakediscord"
)

// newShardedWorld is a fake Discord that recommends count shards and
// requires them, with one server per shard and more (perShard each); the
// world's own server (w.guild, with its moderator, alice and bob) is on
// the last shard, so that its direct messages are another process's.
func newShardedWorld(t *testing.T, count, perShard int) (*world, [][]string) {
	t.Helper()
	fake := fakediscord.New(t, fakediscord.Options{Shards: count, RequireSharding: true, MaxConcurrency: count})
	w := &world{t: t, fake: fake, dbPath: filepath.Join(t.TempDir(), "hearth.db"),
		clock: fakeclock.New(time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC))}
	guilds := make([][]string, count)
	for i := range perShard {
		for shard := range count {
			guilds[shard] = append(guilds[shard], fake.AddGuildOnShard("Server "+strconv.Itoa(shard)+"."+strconv.Itoa(i), shard, count))
		}
	}
	w.guild = guilds[count-1][0]
	modRole := fake.AddRole(w.guild, "Moderators", permManageChannels)
	w.mod = fake.AddMember(w.guild, "mod", modRole)
	w.alice = fake.AddMember(w.guild, "alice")
	w.bob = fake.AddMember(w.guild, "bob")
	return w, guilds
}

// startShard runs one Hearth process serving shard id of count, on the
// world's database, with commands registered globally (as in production),
// and returns the base URL of its /metrics.
func (w *world) startShard(id, count int) string {
	w.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		w.t.Fatal(err)
	}
	w.httpLn = ln
	w.start(func(c *Config) {
		c.Discord.GuildID = ""
		c.Discord.ShardID, c.Discord.ShardCount = id, count
		c.HTTP.Listen = ln.Addr().String()
	})
	return "http://" + ln.Addr().String()
}

// interactionsServed is how many interactions a Hearth process answered,
// from its /metrics.
func interactionsServed(t *testing.T, base string) int {
	t.Helper()
	_, body := httpGet(t, base+"/metrics")
	total := 0
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, "hearth_interactions_total{") {
			n, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
			if err != nil {
				t.Fatalf("metrics line %q: %v", line, err)
			}
			total += int(n)
		}
	}
	return total
}

// Two processes, shard 0 and shard 1 of 2, over four servers: each gets
// and answers only its own servers' commands, each exactly once; commands
// are registered once, by shard 0's process; a button pressed in a direct
// message (which Discord sends on shard 0) is served by shard 0's process
// although its group is in shard 1's server.
func TestShardsServeTheirOwnServers(t *testing.T) {
	w, guilds := newShardedWorld(t, 2, 2)
	base := []string{w.startShard(0, 2), w.startShard(1, 2)}

	ids := w.fake.Identifies()
	if len(ids) != 2 || ids[0].ShardID != 0 || ids[1].ShardID != 1 || ids[0].ShardCount != 2 || ids[1].ShardCount != 2 {
		t.Fatalf("identifies %+v, want shard 0 then 1 of 2", ids)
	}
	registrations := 0
	for _, c := range w.fake.Journal() {
		if c.Method == "PUT" && strings.HasSuffix(c.Route, "/commands") {
			registrations++
		}
	}
	if registrations != 1 || len(w.fake.RegisteredCommands("")) == 0 {
		t.Errorf("%d command registrations (%d global commands), want one", registrations, len(w.fake.RegisteredCommands("")))
	}

	for shard, list := range guilds {
		for _, g := range list {
			before := []int{interactionsServed(t, base[0]), interactionsServed(t, base[1])}
			in := w.fake.Command(g, w.fake.OwnerOf(g), "group", fakediscord.Opt{Name: "create", Type: optSub,
				Options: []fakediscord.Opt{str("name", "Circle"), str("type", "open")}})
			r, err := in.Wait(5 * time.Second)
			if err != nil || !strings.Contains(r.Content, "Circle") {
				t.Fatalf("/group create in server %s (shard %d): %q %v", g, shard, r.Content, err)
			}
			if n := len(in.Replies()); n != 1 {
				t.Errorf("server %s: %d replies, want exactly one", g, n)
			}
			eventually(t, "the answer counted", func() bool {
				return interactionsServed(t, base[shard]) == before[shard]+1
			})
			if other := 1 - shard; interactionsServed(t, base[other]) != before[other] {
				t.Errorf("shard %d's process answered a command of shard %d's server %s", other, shard, g)
			}
		}
	}

	// A seat offer in shard 1's server, taken from a direct message.
	w.group(w.mod, "create", str("name", "Small"), str("type", "open"), num("capacity", 1))
	w.do(w.alice, "join", str("group", "Small"))
	full := w.do(w.bob, "join", str("group", "Small"))
	if got := w.press(w.bob, buttons(t, full)[0]); got.Content != en.WaitlistJoined("Small", 1) {
		t.Fatalf("joining the waitlist: %q", got.Content)
	}
	w.do(w.alice, "leave", str("group", "Small"))
	offer := w.waitOffer(w.bob)
	shard0, shard1 := interactionsServed(t, base[0]), interactionsServed(t, base[1])
	g := w.groupNamed(w.db(), "Small")
	if r := w.pressDM(w.bob, offer[0]); r.Content != en.Joined("Small", g.ChannelID, time.Time{}) {
		t.Fatalf("taking the offer from a DM: %q", r.Content)
	}
	eventually(t, "shard 0 counting the DM button", func() bool { return interactionsServed(t, base[0]) == shard0+1 })
	if got := interactionsServed(t, base[1]); got != shard1 {
		t.Errorf("shard 1's process served %d interactions for the DM button, want none", got-shard1)
	}
	if ow, ok := w.overwrite(g.ChannelID, w.bob); !ok || ow.Allow&permView == 0 {
		t.Errorf("bob's overwrite in shard 1's server after taking the offer: %+v %v", ow, ok)
	}
	// /support in a direct message, too.
	shard0 = interactionsServed(t, base[0])
	r, err := w.fake.Command("", w.alice, "support").Wait(5 * time.Second)
	if err != nil || !strings.Contains(string(r.Embeds), "findahelpline.com") {
		t.Errorf("/support in a DM: %s %v", r.Embeds, err)
	}
	eventually(t, "shard 0 counting the DM command", func() bool { return interactionsServed(t, base[0]) == shard0+1 })
}

// With discord.shards = "auto", the shard count is the one GET /gateway/bot
// recommends, and a fake that requires sharding accepts the IDENTIFY.
func TestShardsAutoTakesDiscordsCount(t *testing.T) {
	w, _ := newShardedWorld(t, 3, 1)
	w.start(func(c *Config) {
		c.Discord.GuildID = ""
		c.Discord.Shards, c.Discord.ShardID = "auto", 2
	})
	if ids := w.fake.Identifies(); len(ids) != 1 || ids[0].ShardID != 2 || ids[0].ShardCount != 3 {
		t.Fatalf("identifies %+v, want shard 2 of 3", ids)
	}
	if r := w.do(w.alice, "support"); !strings.Contains(r.Content+string(r.Embeds), "findahelpline.com") {
		t.Errorf("/support in shard 2's server: %q %s", r.Content, r.Embeds)
	}
	if n := len(w.fake.RegisteredCommands("")); n != 0 {
		t.Errorf("shard 2 registered %d commands; only shard 0 does", n)
	}
}
