package main

// BenchmarkDeployments: the same interactions served by one Hearth on
// SQLite, one on PostgreSQL, and three on PostgreSQL (shards 0-2 of 3),
// side by side in one run, each against a fake Discord of its own with
// three servers (one on each shard), over loopback sockets as
// BenchmarkInteractions does:
//
//	go test -run '^$' -bench BenchmarkDeployments -benchtime 2s ./cmd/hearth/
//
// The three are Hearth's serve, as `hearth run` runs it, three times in
// this one test process: each with its own gateway connection (its own
// shard's servers only), its own database pool, scheduler and lease name.
// The interactions go to the three servers in turn. Hearth's pacing under
// Discord's 50 REST calls a second and the fake's route limits are off:
// this measures Hearth. Targets: postgres-1 ≥ 70 % of sqlite-1's closed-16
// interactions/s, postgres-3 ≥ 2× postgres-1's, p99 < 10 ms at 1,000/s.

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hearth/bot"
	"hearth/commands"
	"hearth/internal/fakediscord"
	"hearth/internal/pgtest"
)

const (
	deployServers  = 3
	deployUsers    = 1000 // members of each server used as invokers
	deployGroups   = 5    // groups made in each server
	deployJoinName = "Bench Circle 01"
)

// deployment is one fake Discord with its servers and the Hearth
// processes serving it.
type deployment struct {
	servers []*benchEnv // one per server, all on the same fake
	pools   []*userPool
}

func newDeployment(b *testing.B) *deployment {
	b.Helper()
	fake := fakediscord.New(b, fakediscord.Options{RouteRateLimit: 1 << 30, Shards: deployServers, MaxConcurrency: deployServers})
	d := &deployment{}
	for shard := range deployServers {
		e := &benchEnv{fake: fake, guild: fake.AddGuildOnShard(fmt.Sprintf("Bench Server %d", shard), shard, deployServers)}
		e.mod = fake.AddMember(e.guild, "mod", fake.AddRole(e.guild, "Moderators", commands.PermManageChannels))
		for i := range deployUsers {
			e.users = append(e.users, fake.AddMember(e.guild, fmt.Sprintf("user%04d", i)))
		}
		d.servers = append(d.servers, e)
		d.pools = append(d.pools, newUserPool(e.users))
	}
	return d
}

// start runs processes Hearths on the deployment's fake, process i serving
// shard i of processes, on the PostgreSQL database at url or, when url is
// empty, a SQLite file; then makes each server's groups.
func (d *deployment) start(b *testing.B, processes int, url string) {
	b.Helper()
	fake := d.servers[0].fake
	db := filepath.Join(b.TempDir(), "hearth.db")
	log := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))
	for i := range processes {
		cfg := defaultConfig()
		cfg.Discord.Token, cfg.Discord.APIURL = fake.Token, fake.APIURL()
		cfg.Discord.GuildID = "" // commands registered globally, once, by shard 0
		cfg.Discord.ShardID, cfg.Discord.ShardCount = i, processes
		cfg.Store.URL, cfg.Store.Path = url, db
		cfg.Store.Instance = fmt.Sprintf("bench-%d", i)
		if err := cfg.validate(true); err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		ready, done := make(chan struct{}), make(chan error, 1)
		unpaced := func(b *bot.Bot) { b.SetGlobalRateLimit(0) }
		go func() {
			done <- serve(ctx, cfg, log, hooks{beforeOpen: unpaced, ready: func(*bot.Bot) { close(ready) }})
		}()
		select {
		case <-ready:
		case err := <-done:
			cancel()
			b.Fatalf("hearth %d stopped at start-up: %v", i, err)
		case <-time.After(30 * time.Second):
			cancel()
			b.Fatalf("hearth %d was not ready within 30s", i)
		}
		b.Cleanup(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					b.Errorf("hearth %d stopped with %v", i, err)
				}
			case <-time.After(10 * time.Second):
				b.Errorf("hearth %d did not stop within 10s", i)
			}
		})
	}
	for _, e := range d.servers {
		for i := 1; i <= deployGroups; i++ {
			r, err := fake.Command(e.guild, e.mod, "group", fakediscord.Opt{Name: "create", Type: benchOptSub, Options: []fakediscord.Opt{
				{Name: "name", Type: benchOptString, Value: fmt.Sprintf("Bench Circle %02d", i)},
				{Name: "type", Type: benchOptString, Value: "open"},
			}}).Wait(benchWait)
			if err != nil || !strings.Contains(r.Content, "Created") {
				b.Fatalf("/group create: %q, %v", r.Content, err)
			}
		}
	}
}

// inTurn sends the k-th interaction to server k mod n, through that
// server's scenario.
func (d *deployment) inTurn(newScenario func(p *userPool) scenario) scenario {
	scs := make([]scenario, len(d.servers))
	for i, p := range d.pools {
		scs[i] = newScenario(p)
	}
	return func(_ *benchEnv, k int) (*fakediscord.Interaction, func(fakediscord.Reply, error) error) {
		i := k % len(d.servers)
		return scs[i](d.servers[i], k)
	}
}

// benchPostgresURL is a new, empty PostgreSQL database for b on the
// server *srv, started for (and stopped after) the whole of parent
// (skipped without PostgreSQL).
func benchPostgresURL(b, parent *testing.B, srv **pgtest.Server) string {
	b.Helper()
	if *srv == nil {
		s, err := pgtest.Start()
		if err != nil {
			if pgtest.Required() {
				b.Fatal(err)
			}
			b.Skip(err)
		}
		*srv = s
		parent.Cleanup(s.Stop)
	}
	url, drop, err := (*srv).NewDatabase(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(drop)
	return url
}

func BenchmarkDeployments(b *testing.B) {
	parent := b
	var pg *pgtest.Server
	for _, dep := range []struct {
		name      string
		processes int
		postgres  bool
	}{
		{"sqlite-1", 1, false},
		{"postgres-1", 1, true},
		{"postgres-3", 3, true},
	} {
		// One deployment at a time, stopped before the next starts: an
		// idle one's gateway connections would share the cores with the
		// one measured, and a paced run that overloads them could drop
		// its sessions.
		b.Run(dep.name, func(b *testing.B) {
			url := ""
			if dep.postgres {
				url = benchPostgresURL(b, parent, &pg)
			}
			d := newDeployment(b)
			d.start(b, dep.processes, url)
			for _, sc := range []struct {
				name string
				make func(p *userPool) scenario
			}{
				{"groups", groupsScenario},
				{"join-leave", func(p *userPool) scenario { return joinLeaveScenario(p, deployJoinName, false) }},
			} {
				run, e := d.inTurn(sc.make), d.servers[0]
				b.Run(fmt.Sprintf("%s/closed-%d", sc.name, benchWorkers), func(b *testing.B) { runClosed(b, e, run, benchWorkers) })
				b.Run(fmt.Sprintf("%s/paced-%d", sc.name, benchRate), func(b *testing.B) { runPaced(b, e, run, benchRate) })
			}
		})
	}
}
