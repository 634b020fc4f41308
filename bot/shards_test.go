package bot

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"hearth/internal/fakediscord"
)

func TestShardOfFollowsDiscordsFormula(t *testing.T) {
	// Discord's example: (guild_id >> 22) % num_shards.
	id := uint64(197038439483310086)
	for count := 1; count <= 5; count++ {
		if got, want := ShardOf(strconv.FormatUint(id, 10), count), int((id>>22)%uint64(count)); got != want {
			t.Errorf("ShardOf(%d, %d) = %d, want %d", id, count, got, want)
		}
	}
	if ShardOf("", 4) != 0 {
		t.Error("direct messages are not on shard 0")
	}
}

func TestIdentifyDelayRespectsTheSessionStartLimit(t *testing.T) {
	limit := func(maxConcurrency, remaining int) *discordgo.GatewayBotResponse {
		return &discordgo.GatewayBotResponse{SessionStartLimit: discordgo.SessionInformation{
			Total: 1000, Remaining: remaining, ResetAfter: 60_000, MaxConcurrency: maxConcurrency}}
	}
	cases := []struct {
		name  string
		gb    *discordgo.GatewayBotResponse
		shard int
		want  time.Duration
	}{
		{"shard 0 at once", limit(1, 1000), 0, 0},
		{"one at a time: shard 3 after three windows", limit(1, 1000), 3, 15 * time.Second},
		{"16 at a time: shard 15 at once", limit(16, 1000), 15, 0},
		{"16 at a time: shard 16 in the second window", limit(16, 1000), 16, 5 * time.Second},
		{"no starts left: wait for the reset", limit(16, 0), 0, time.Minute},
		{"max_concurrency missing", limit(0, 1000), 2, 10 * time.Second},
	}
	for _, c := range cases {
		if got := identifyDelay(c.gb, c.shard); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

func TestValidSignature(t *testing.T) {
	pub, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	now := time.Unix(1_800_000_000, 0)
	body := []byte(`{"type":1}`)
	signed := func(k ed25519.PrivateKey, at time.Time, b []byte) http.Header {
		ts := strconv.FormatInt(at.Unix(), 10)
		h := http.Header{}
		h.Set("X-Signature-Timestamp", ts)
		h.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(k, append([]byte(ts), b...))))
		return h
	}
	missing := func(name string) http.Header { h := signed(key, now, body); h.Del(name); return h }
	cases := []struct {
		name string
		hdr  http.Header
		body []byte
		want bool
	}{
		{"valid", signed(key, now, body), body, true},
		{"four minutes old", signed(key, now.Add(-4*time.Minute), body), body, true},
		{"six minutes old", signed(key, now.Add(-6*time.Minute), body), body, false},
		{"six minutes ahead", signed(key, now.Add(6*time.Minute), body), body, false},
		{"another key", signed(other, now, body), body, false},
		{"body changed", signed(key, now, body), []byte(`{"type":2}`), false},
		{"no signature", missing("X-Signature-Ed25519"), body, false},
		{"no timestamp", missing("X-Signature-Timestamp"), body, false},
	}
	for _, c := range cases {
		if got := validSignature(pub, c.hdr, c.body, now); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// Three processes sharing one token (shard_count 3), each pacing at its
// share of Discord's 50 requests a second, stay under 50 together in every
// one-second window, as the fake records the requests arriving.
func TestShardsShareTheGlobalRateLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("sends requests for three seconds")
	}
	fake := fakediscord.New(t)
	fake.SetGlobalRateLimit(50)
	const processes, perProcess = 3, 40
	var wg sync.WaitGroup
	for range processes {
		b, err := New(Config{Token: fake.Token, APIURL: fake.APIURL(), ShardCount: processes}, nil, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		for range perProcess {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := b.session.User("@me"); err != nil {
					t.Errorf("GET /users/@me: %v", err)
				}
			}()
		}
	}
	wg.Wait()
	var at []time.Time
	for _, c := range fake.Journal() {
		if strings.HasSuffix(c.Path, "/users/@me") {
			at = append(at, c.At)
			if c.Status == http.StatusTooManyRequests {
				t.Errorf("a request was rate limited")
			}
		}
	}
	sort.Slice(at, func(i, j int) bool { return at[i].Before(at[j]) })
	busiest := 0
	for i := range at {
		n := sort.Search(len(at), func(j int) bool { return !at[j].Before(at[i].Add(time.Second)) }) - i
		busiest = max(busiest, n)
	}
	t.Logf("%d requests from %d processes; busiest one-second window: %d", len(at), processes, busiest)
	if len(at) != processes*perProcess || busiest >= 50 {
		t.Errorf("%d requests, busiest window %d; want %d, under 50", len(at), busiest, processes*perProcess)
	}
}
