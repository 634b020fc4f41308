package main

// Benchmarks of Hearth's interaction path against the in-process fake
// Discord, over loopback, with a real SQLite file, side by side with a bare
// discordgo bot (the floor of the stack: the same fake, the same discordgo,
// the same kind of transport, but a handler that answers at once).
//
//	go test -run '^$' -bench . -benchtime=3000x ./cmd/hearth/
//
// Each benchmark op is one interaction. Latency is measured inside the fake:
// from the INTERACTION_CREATE dispatch (Interaction.DispatchedAt) to the
// arrival of the bot's callback request (the journal's At of
// POST /interactions/{id}/{token}/callback). "closed-N" runs N injectors
// that each wait for the reply before the next interaction (maximum
// throughput); "paced-R" offers R interactions per second whatever the bot
// does (open loop) and reports the latency at that load.

import (
	"context"
	"fmt"
	"hearth/domain"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"hearth/bot"
	"hearth/commands"
	"hearth/internal/fakediscord"
	"hearth/store"
)

const (
	benchWorkers   = 16   // closed-loop injectors
	benchRate      = 1000 // paced offered load, interactions/s
	benchUsers     = 3000 // members of the fake guild used as invokers
	benchGroups    = 20   // groups made with /group create
	benchWait      = 5 * time.Second
	benchOptString = 3
	benchOptSub    = 1
)

// benchEnv is one fake Discord with one bot connected to it.
type benchEnv struct {
	fake  *fakediscord.Server
	guild string
	mod   string
	users []string
	db    string // Hearth's database file; "" for the bare bot
}

func newBenchFake(b *testing.B) *benchEnv {
	b.Helper()
	// Discord limits each route to ~50 requests/s per channel; the fake
	// enforces that by default, which would cap /join+/leave on one group at
	// 50/s whatever the bot does. Lift it: this measures the bot.
	fake := fakediscord.New(b, fakediscord.Options{RouteRateLimit: 1 << 30})
	e := &benchEnv{fake: fake, guild: fake.GuildID}
	modRole := fake.AddRole(e.guild, "Moderators", commands.PermManageChannels)
	e.mod = fake.AddMember(e.guild, "mod", modRole)
	for i := range benchUsers {
		e.users = append(e.users, fake.AddMember(e.guild, fmt.Sprintf("user%04d", i)))
	}
	return e
}

// startBenchHearth runs Hearth the way `hearth run` does (serve) against a
// new fake, on a database in b.TempDir(), and stops it at cleanup.
func startBenchHearth(b *testing.B, edit ...func(*Config)) *benchEnv {
	b.Helper()
	e := newBenchFake(b)
	e.db = filepath.Join(b.TempDir(), "hearth.db")
	cfg := defaultConfig()
	cfg.Discord.Token = e.fake.Token
	cfg.Discord.APIURL = e.fake.APIURL()
	cfg.Discord.GuildID = e.guild
	cfg.Store.Path = e.db
	for _, ed := range edit {
		ed(&cfg)
	}
	if err := cfg.validate(true); err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan struct{})
	done := make(chan error, 1)
	log := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))
	// Discord's global limit (50 REST calls a second) caps /join and /leave
	// for any bot, and Hearth paces itself under it; these benchmarks measure
	// Hearth's own cost, so its pacing is off, as is the fake's limit.
	unpaced := func(b *bot.Bot) { b.SetGlobalRateLimit(0) }
	go func() {
		done <- serve(ctx, cfg, log, hooks{beforeOpen: unpaced, ready: func(*bot.Bot) { close(ready) }})
	}()
	select {
	case <-ready:
	case err := <-done:
		cancel()
		b.Fatalf("hearth stopped at start-up: %v", err)
	case <-time.After(10 * time.Second):
		cancel()
		b.Fatal("hearth was not ready within 10s")
	}
	b.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				b.Errorf("hearth stopped with %v", err)
			}
		case <-time.After(10 * time.Second):
			b.Error("hearth did not stop within 10s")
		}
	})
	for i := 1; i <= benchGroups; i++ {
		r, err := e.fake.Command(e.guild, e.mod, "group", fakediscord.Opt{Name: "create", Type: benchOptSub, Options: []fakediscord.Opt{
			{Name: "name", Type: benchOptString, Value: fmt.Sprintf("Bench Circle %02d", i)},
			{Name: "type", Type: benchOptString, Value: "open"},
		}}).Wait(benchWait)
		if err != nil || !strings.Contains(r.Content, "Created") {
			b.Fatalf("/group create: %q, %v", r.Content, err)
		}
	}
	return e
}

// benchTransport sends discordgo's https://discord.com/api/vN/... to the fake.
type benchTransport struct{ base *url.URL }

var benchAPIPrefix = regexp.MustCompile(`^/api/v\d+/`)

func (t benchTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	loc := benchAPIPrefix.FindStringIndex(req.URL.Path)
	if req.URL.Host != "discord.com" || loc == nil {
		return nil, fmt.Errorf("bench transport: refusing to reach %s", req.URL)
	}
	r := req.Clone(req.Context())
	r.URL.Scheme, r.URL.Host, r.Host = t.base.Scheme, t.base.Host, t.base.Host
	r.URL.Path = t.base.Path + "/" + req.URL.Path[loc[1]:]
	r.URL.RawPath = ""
	return http.DefaultTransport.RoundTrip(r)
}

// startBareBot connects a plain discordgo session to a new fake, registers
// Hearth's command definitions (so the interactions are the same ones
// Hearth gets) and answers every interaction at once: a fixed ephemeral
// message, or fixed choices for autocomplete.
func startBareBot(b *testing.B) *benchEnv {
	b.Helper()
	e := newBenchFake(b)
	dg, err := discordgo.New("Bot " + e.fake.Token)
	if err != nil {
		b.Fatal(err)
	}
	base, _ := url.Parse(e.fake.APIURL())
	dg.Client = &http.Client{Transport: benchTransport{base: base}, Timeout: 15 * time.Second}
	dg.Identify.Intents = discordgo.IntentsGuilds
	dg.StateEnabled = false
	dg.LogLevel = -1
	// discordgo's Close sleeps 1 s; the fake's cleanup cuts the connection
	// instead, and the session must not try to come back.
	dg.ShouldReconnectOnError = false
	reply := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: "ok", Flags: discordgo.MessageFlagsEphemeral,
			AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}}}
	choices := &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{
			{Name: "Bench Circle 01", Value: "Bench Circle 01"}}}}
	dg.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
		r := reply
		if ic.Type == discordgo.InteractionApplicationCommandAutocomplete {
			r = choices
		}
		if err := s.InteractionRespond(ic.Interaction, r); err != nil {
			b.Errorf("bare bot: %v", err)
		}
	})
	if _, err := dg.ApplicationCommandBulkOverwrite(e.fake.AppID, e.guild, commands.Definitions(false)); err != nil {
		b.Fatal(err)
	}
	if err := dg.Open(); err != nil {
		b.Fatal(err)
	}
	if err := e.fake.WaitGateway(1, 0, 5*time.Second); err != nil {
		b.Fatal(err)
	}
	return e
}

// scenario makes the k-th interaction of a run; done checks the reply and
// releases what inject took.
type scenario func(e *benchEnv, k int) (in *fakediscord.Interaction, done func(fakediscord.Reply, error) error)

// userPool hands out invokers; a user is taken until their reply arrived,
// so /join and /leave of one user never overlap. It is a stack: the same
// few users are reused, so a group's channel holds about as many member
// overwrites as there are interactions in flight, not one per pool member.
type userPool struct {
	mu   sync.Mutex
	cond *sync.Cond
	free []*poolUser
}

type poolUser struct {
	id     string
	joined bool
}

func newUserPool(ids []string) *userPool {
	p := &userPool{}
	p.cond = sync.NewCond(&p.mu)
	for i := len(ids) - 1; i >= 0; i-- {
		p.free = append(p.free, &poolUser{id: ids[i]})
	}
	return p
}

func (p *userPool) take() *poolUser {
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.free) == 0 {
		p.cond.Wait()
	}
	u := p.free[len(p.free)-1]
	p.free = p.free[:len(p.free)-1]
	return u
}

func (p *userPool) put(u *poolUser) {
	p.mu.Lock()
	p.free = append(p.free, u)
	p.mu.Unlock()
	p.cond.Signal()
}

func groupsScenario(p *userPool) scenario {
	return func(e *benchEnv, k int) (*fakediscord.Interaction, func(fakediscord.Reply, error) error) {
		u := p.take()
		in := e.fake.Command(e.guild, u.id, "groups")
		return in, func(r fakediscord.Reply, err error) error {
			p.put(u)
			if err == nil && (!r.Ephemeral || r.Content == "") {
				err = fmt.Errorf("/groups reply %q (ephemeral %v)", r.Content, r.Ephemeral)
			}
			return err
		}
	}
}

// joinLeaveScenario alternates /join and /leave of one open group per user.
// bare: the bot answers "ok" to anything (same interactions, no work).
func joinLeaveScenario(p *userPool, group string, bare bool) scenario {
	return func(e *benchEnv, k int) (*fakediscord.Interaction, func(fakediscord.Reply, error) error) {
		u := p.take()
		cmd, want := "join", "Welcome"
		if u.joined {
			cmd, want = "leave", "left"
		}
		if bare {
			want = "ok"
		}
		in := e.fake.Command(e.guild, u.id, cmd, fakediscord.Opt{Name: "group", Type: benchOptString, Value: group})
		return in, func(r fakediscord.Reply, err error) error {
			if err == nil && !strings.Contains(r.Content, want) {
				err = fmt.Errorf("/%s reply %q lacks %q", cmd, r.Content, want)
			}
			if err == nil {
				u.joined = !u.joined
			}
			p.put(u)
			return err
		}
	}
}

func autocompleteScenario(p *userPool, typed string) scenario {
	return func(e *benchEnv, k int) (*fakediscord.Interaction, func(fakediscord.Reply, error) error) {
		u := p.take()
		in := e.fake.Autocomplete(e.guild, u.id, "join", fakediscord.Opt{Name: "group", Type: benchOptString, Value: typed, Focused: true})
		return in, func(r fakediscord.Reply, err error) error {
			p.put(u)
			if err == nil && (r.Type != 8 || len(r.Choices) == 0) {
				err = fmt.Errorf("autocomplete reply type %d with %d choices", r.Type, len(r.Choices))
			}
			return err
		}
	}
}

// result gathers one run.
type result struct {
	ins     []*fakediscord.Interaction
	errs    atomic.Int64
	mu      sync.Mutex
	firstEr error
}

func (r *result) fail(err error) {
	if err == nil {
		return
	}
	if r.errs.Add(1) == 1 {
		r.mu.Lock()
		r.firstEr = err
		r.mu.Unlock()
	}
}

// runClosed injects b.N interactions from workers injectors, each waiting for
// its reply before the next.
func runClosed(b *testing.B, e *benchEnv, sc scenario, workers int) {
	res := &result{ins: make([]*fakediscord.Interaction, b.N)}
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range workers {
		wg.Go(func() {
			for {
				k := int(next.Add(1)) - 1
				if k >= b.N {
					return
				}
				in, done := sc(e, k)
				res.ins[k] = in
				res.fail(done(in.Wait(benchWait)))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	report(b, e, res, elapsed)
}

// runPaced offers b.N interactions at rate per second (open loop: the next
// one goes out on time whether or not earlier ones were answered) and
// records their latency.
func runPaced(b *testing.B, e *benchEnv, sc scenario, rate int) {
	res := &result{ins: make([]*fakediscord.Interaction, b.N)}
	var wg sync.WaitGroup
	period := time.Second / time.Duration(rate)
	b.ResetTimer()
	start := time.Now()
	var lastInject time.Time
	for k := range b.N {
		if d := time.Until(start.Add(time.Duration(k) * period)); d > 0 {
			time.Sleep(d)
		}
		in, done := sc(e, k)
		lastInject = time.Now()
		res.ins[k] = in
		wg.Go(func() { res.fail(done(in.Wait(benchWait))) })
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if b.N > 1 {
		b.ReportMetric(float64(b.N-1)/lastInject.Sub(start).Seconds(), "offered/s")
	}
	report(b, e, res, elapsed)
	b.ReportMetric(0, "ns/op") // meaningless under pacing
}

// report computes dispatch→callback latencies from the fake's journal.
func report(b *testing.B, e *benchEnv, res *result, elapsed time.Duration) {
	if n := res.errs.Load(); n > 0 {
		b.Errorf("%d of %d interactions failed; first: %v", n, b.N, res.firstEr)
	}
	arrived := map[string]time.Time{}
	for _, c := range e.fake.Journal() {
		if c.Method != "POST" || c.Route != "/interactions/{interaction_id}/{interaction_token}/callback" {
			continue
		}
		// /api/v9/interactions/{id}/{token}/callback
		if parts := strings.Split(c.Path, "/"); len(parts) == 7 {
			arrived[parts[4]] = c.At
		}
	}
	lat := make([]time.Duration, 0, len(res.ins))
	for _, in := range res.ins {
		if at, ok := arrived[in.ID]; ok {
			lat = append(lat, at.Sub(in.DispatchedAt))
		}
	}
	if len(lat) < len(res.ins) {
		b.Errorf("%d of %d interactions have no callback in the journal", len(res.ins)-len(lat), len(res.ins))
	}
	slices.Sort(lat)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "interactions/s")
	if len(lat) > 0 {
		ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
		b.ReportMetric(ms(percentile(lat, 0.50)), "p50-ms")
		b.ReportMetric(ms(percentile(lat, 0.99)), "p99-ms")
		b.ReportMetric(ms(lat[len(lat)-1]), "max-ms")
	}
}

// percentile of sorted durations (nearest rank).
func percentile(sorted []time.Duration, p float64) time.Duration {
	i := int(float64(len(sorted))*p+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// BenchmarkInteractions runs Hearth's member commands and the bare bot side
// by side. Compare hearth/*/closed-16 interactions/s with
// bare/command/closed-16 (target: ≥ 70%), and p99-ms of the paced-1000 runs
// (target: < 10 ms); hearth-metrics/* is Hearth with metrics on.
func BenchmarkInteractions(b *testing.B) {
	bare := startBareBot(b)
	hearth := startBenchHearth(b)
	// The same with metrics on (http.listen set), for their cost side by side.
	measured := startBenchHearth(b, func(c *Config) { c.HTTP.Listen = "127.0.0.1:0" })
	barePool, hearthPool := newUserPool(bare.users), newUserPool(hearth.users)
	measuredPool := newUserPool(measured.users)
	runs := []struct {
		name string
		env  *benchEnv
		sc   scenario
	}{
		{"bare/command", bare, groupsScenario(barePool)},
		{"bare/join-leave", bare, joinLeaveScenario(barePool, "Bench Circle 01", true)},
		{"bare/autocomplete", bare, autocompleteScenario(barePool, "circle 1")},
		{"hearth/groups", hearth, groupsScenario(hearthPool)},
		{"hearth/join-leave", hearth, joinLeaveScenario(hearthPool, "Bench Circle 01", false)},
		{"hearth/autocomplete-join", hearth, autocompleteScenario(hearthPool, "circle 1")},
		{"hearth-metrics/groups", measured, groupsScenario(measuredPool)},
		{"hearth-metrics/join-leave", measured, joinLeaveScenario(measuredPool, "Bench Circle 01", false)},
		{"hearth-metrics/autocomplete-join", measured, autocompleteScenario(measuredPool, "circle 1")},
	}
	for _, r := range runs {
		b.Run(fmt.Sprintf("%s/closed-%d", r.name, benchWorkers), func(b *testing.B) { runClosed(b, r.env, r.sc, benchWorkers) })
		b.Run(fmt.Sprintf("%s/paced-%d", r.name, benchRate), func(b *testing.B) { runPaced(b, r.env, r.sc, benchRate) })
	}
}

// BenchmarkInteractionsGrowth measures /groups, autocomplete on /join and
// /join+/leave with 1k and 10k groups in the server's database. The groups
// are written straight into Hearth's database (store.CreateGroup) while it
// runs, so start-up reconciliation does not have to visit them.
func BenchmarkInteractionsGrowth(b *testing.B) {
	hearth := startBenchHearth(b)
	pool := newUserPool(hearth.users)
	st, err := store.Open(context.Background(), hearth.db)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	have := benchGroups
	for _, n := range []int{1000, 10000, 100000} {
		fillGroups(b, st, hearth, have, n)
		have = n
		for _, r := range []struct {
			name string
			sc   scenario
		}{
			{"groups", groupsScenario(pool)},
			{"join-leave", joinLeaveScenario(pool, "Bench Circle 01", false)},
			{"autocomplete-join", autocompleteScenario(pool, "circle 1")},
		} {
			b.Run(fmt.Sprintf("groups=%d/%s/closed-%d", n, r.name, benchWorkers), func(b *testing.B) {
				runClosed(b, hearth, r.sc, benchWorkers)
			})
		}
	}
}

// fillGroups adds groups until the guild has n, alternating open groups and
// closed ones with seats; they all point at the general channel.
func fillGroups(b *testing.B, st *store.Store, e *benchEnv, have, n int) {
	b.Helper()
	ctx := context.Background()
	for i := have; i < n; i++ {
		g := domain.Group{GuildID: e.guild, Name: fmt.Sprintf("Filler Group %05d", i), Kind: domain.KindOpen,
			Timezone: "UTC", ChannelID: e.fake.GeneralChannelID, CreatedBy: e.mod}
		if i%2 == 1 {
			g.Kind, g.Capacity = domain.KindClosed, 12
		}
		if _, err := st.CreateGroup(ctx, g, time.Now()); err != nil {
			b.Fatal(err)
		}
	}
}
