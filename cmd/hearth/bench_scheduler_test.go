package main

import (
	"context"
	"hearth/domain"
	"hearth/internal/fakeclock"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"hearth/bot"
	"hearth/internal/fakediscord"
	"hearth/store"
)

// BenchmarkReminderFanOut: 1,000 groups (in two servers, as Discord allows
// 500 channels a server) whose reminders fall due in the same second, sent
// by the real bot (serve) against the fake Discord enforcing its global
// limit of 50 requests a second with 429s. Every reminder must arrive once,
// in due order (due time, then group id: all are due the same second, so
// group id decides), within 10% of the 20 s the limit allows.
//
//	go test -run '^$' -bench ReminderFanOut -benchtime 1x ./cmd/hearth/
//
// paced is Hearth as it ships (it paces its own requests under the limit);
// reactive turns the pacing off, leaving discordgo to wait out the 429s.
// Each takes about 25 s.
func BenchmarkReminderFanOut(b *testing.B) {
	for _, v := range []struct {
		name  string
		limit int
	}{{"paced", 50}, {"reactive", 0}} {
		b.Run(v.name, func(b *testing.B) {
			for range b.N {
				benchFanOut(b, 1000, v.limit)
			}
		})
	}
}

func benchFanOut(b *testing.B, groups, botLimit int) {
	b.StopTimer()
	ctx := context.Background()
	fake := fakediscord.New(b)
	guilds := []string{fake.GuildID, fake.AddGuild("Second Server")}
	start := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	session := time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC) // a Thursday
	due := session.Add(-30 * time.Minute)
	clock := fakeclock.New(start)
	dbPath := b.TempDir() + "/hearth.db"

	// The groups, each with one member, straight into the database; the
	// bot makes their channels at start-up (Reconcile), unpaced.
	st, err := store.Open(ctx, dbPath)
	if err != nil {
		b.Fatal(err)
	}
	for i := range groups {
		guild := guilds[i%len(guilds)]
		user := fake.AddMember(guild, "member"+strconv.Itoa(i))
		g, err := st.CreateGroup(ctx, domain.Group{GuildID: guild, Name: "group " + strconv.Itoa(i), Kind: domain.KindOpen,
			Schedule: "0 18 * * THU", Timezone: "UTC", Reminders: "30m", CreatedAt: start}, start)
		if err != nil {
			b.Fatal(err)
		}
		if err := st.Join(ctx, g.ID, user, start, 0); err != nil {
			b.Fatal(err)
		}
	}
	st.Close()

	cfg := defaultConfig()
	cfg.Discord.Token, cfg.Discord.APIURL, cfg.Discord.GuildID = fake.Token, fake.APIURL(), fake.GuildID
	cfg.Store.Path = dbPath
	runCtx, cancel := context.WithCancel(ctx)
	ready := make(chan struct{})
	done := make(chan error, 1)
	var hearth *bot.Bot
	go func() {
		done <- serve(runCtx, cfg, slog.New(slog.DiscardHandler), hooks{clock: clock,
			beforeOpen: func(b *bot.Bot) { b.SetGlobalRateLimit(0) }, // start-up makes 1,000 channels
			ready:      func(b *bot.Bot) { hearth = b; close(ready) }})
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			b.Errorf("serve: %v", err)
		}
	}()
	select {
	case <-ready:
	case err := <-done:
		b.Fatalf("hearth stopped at start-up: %v", err)
	case <-time.After(60 * time.Second):
		b.Fatal("hearth was not ready within 60s")
	}
	st, err = store.Open(ctx, dbPath)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	groupOf := map[string]int64{} // channel -> group
	for _, guild := range guilds {
		gs, err := st.Groups(ctx, guild)
		if err != nil {
			b.Fatal(err)
		}
		for _, g := range gs {
			if g.ChannelID == "" {
				b.Fatalf("group %d has no channel after start-up", g.ID)
			}
			groupOf[g.ChannelID] = g.ID
		}
	}
	if len(groupOf) != groups {
		b.Fatalf("%d groups with channels, want %d", len(groupOf), groups)
	}

	// Discord's limit on, Hearth's pacing as the variant says; wait out the
	// start-up's second so that the window starts fresh.
	hearth.SetGlobalRateLimit(botLimit)
	time.Sleep(1100 * time.Millisecond)
	fake.SetGlobalRateLimit(50)
	before := len(fake.Journal())
	b.StartTimer()
	began := time.Now()
	clock.Set(due)
	const bound = 45 * time.Second
	var sends []fakediscord.Call
	for {
		sends = sends[:0]
		for _, c := range fake.Journal()[before:] {
			if c.Method == "POST" && c.Route == "/channels/{channel_id}/messages" && c.Status == 200 {
				sends = append(sends, c)
			}
		}
		if len(sends) >= groups || time.Since(began) > bound {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	b.StopTimer()
	journal := fake.Journal()[before:]
	time.Sleep(200 * time.Millisecond) // anything more would be a duplicate

	// Delivered, once each, in order.
	delivered, twice := 0, 0
	for ch := range groupOf {
		n := 0
		for _, m := range fake.Messages(ch) {
			if m.AuthorID == fake.BotUserID && m.InteractionID == "" {
				n++
			}
		}
		if n > 0 {
			delivered++
		}
		if n > 1 {
			twice++
		}
	}
	var late []time.Duration
	outOfOrder, maxBack := 0, 0
	var highest int64
	rank := map[int64]int{}
	ids := slices.Sorted(func(yield func(int64) bool) {
		for _, id := range groupOf {
			if !yield(id) {
				return
			}
		}
	})
	for i, id := range ids {
		rank[id] = i
	}
	for _, c := range sends {
		late = append(late, c.At.Sub(began))
		id, ok := groupOf[channelOf(c.Path)]
		if !ok {
			b.Fatalf("a reminder went to %s, no group's channel", c.Path)
		}
		if id < highest {
			outOfOrder++
			maxBack = max(maxBack, rank[highest]-rank[id])
		}
		highest = max(highest, id)
	}
	limited, failed := 0, 0
	for _, c := range journal {
		switch {
		case c.Status == 429:
			limited++
		case c.Status >= 400 || c.Status == 0:
			failed++
		}
	}
	slices.Sort(late)
	var last, p50, p99 time.Duration
	if len(late) > 0 {
		last, p50, p99 = late[len(late)-1], late[len(late)/2], late[len(late)*99/100]
	}
	b.ReportMetric(last.Seconds(), "s/all")
	b.ReportMetric(float64(delivered), "delivered")
	b.ReportMetric(float64(twice), "twice")
	b.ReportMetric(float64(limited), "429s")
	b.ReportMetric(float64(outOfOrder), "out-of-order")
	b.ReportMetric(0, "ns/op")
	b.Logf("bot pacing %d/s: %d of %d reminders delivered in %.2fs (p50 %.2fs, p99 %.2fs), %d twice, "+
		"%d answered 429, %d other failures, %d out of due order (furthest %d places back), %d requests in all",
		botLimit, delivered, groups, last.Seconds(), p50.Seconds(), p99.Seconds(), twice, limited, failed,
		outOfOrder, maxBack, len(journal))
	if delivered != groups || twice != 0 {
		b.Errorf("%d of %d delivered, %d twice", delivered, groups, twice)
	}
}

// channelOf is the channel id in a path such as /api/v10/channels/123/messages.
func channelOf(path string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts[:len(parts)-1] {
		if p == "channels" {
			return parts[i+1]
		}
	}
	return ""
}
