package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"hearth/domain"
	"hearth/internal/fakediscord"
	"hearth/store"
)

// multiprocRig is several real hearth processes (this test binary run as
// `hearth run`, see TestMain) on one PostgreSQL database and one fake
// Discord with as many shards as processes.
type multiprocRig struct {
	t      *testing.T
	fake   *fakediscord.Server
	url    string        // the shared database
	st     *store.Store  // the test's own view of it, for setting up and checking
	db     *sql.DB       // raw SQL on it, for what no store method says
	guilds [][]string    // servers by shard
	procs  []*crashChild // by shard id; nil once killed
	base   []string      // each process's http://addr of /metrics and /interactions
}

// multiprocLease is the processes' store.lease_seconds: short, so that a
// killed process's work is taken over in seconds, but not the shortest
// allowed (3): a lease is counted from the start of the loop pass that
// claimed the work, and on a loaded machine under -race recording a
// thousand reminders takes seconds of it, so that a live process's lease
// could lapse and its work be sent again by another (dropped by the nonce,
// but not what this test is about).
const multiprocLease = 5

// multiprocRESTRate is discord.rest_rate of the processes together (each
// paces at a third, less a margin): fast enough for the test, slow enough
// that a thousand reminders take seconds to fan out, with time to kill a
// process in the middle.
const multiprocRESTRate = 300

func newMultiprocRig(t *testing.T, shards, perShard int) *multiprocRig {
	t.Helper()
	r := &multiprocRig{t: t, url: postgresURL(t)}
	r.fake = fakediscord.New(t, fakediscord.Options{Shards: shards, RequireSharding: true, MaxConcurrency: shards})
	r.guilds = make([][]string, shards)
	for i := range perShard {
		for shard := range shards {
			r.guilds[shard] = append(r.guilds[shard], r.fake.AddGuildOnShard(fmt.Sprintf("Server %d.%d", shard, i), shard, shards))
		}
	}
	st, err := store.OpenDatabase(context.Background(), r.url, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	r.st = st
	db, err := sql.Open("pgx", r.url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	r.db = db
	return r
}

// config is process shard's configuration file: its shard, the shared
// database, HTTP interactions on (the fake sends over the gateway until
// the test sets an endpoint), /metrics on a port of its choosing.
func (r *multiprocRig) config(shard int) string {
	return writeConfig(r.t, fmt.Sprintf(`[discord]
api_url = %q
shard_id = %d
shard_count = %d
rest_rate = %d
public_key = %q
[store]
url = %q
instance = "hearth-%d"
lease_seconds = %d
[http]
listen = "127.0.0.1:0"
interactions = true
`, r.fake.APIURL(), shard, len(r.guilds), multiprocRESTRate, r.fake.PublicKey(), r.url, shard, multiprocLease))
}

// start runs one process per shard, all at once, and waits until each has
// reconciled its servers' channels.
func (r *multiprocRig) start() {
	r.t.Helper()
	n := len(r.guilds)
	r.procs, r.base = make([]*crashChild, n), make([]string, n)
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		c := runChild(r.t, r.config(i), r.fake.Token)
		cmd := c.cmd
		r.procs[i] = c
		wg.Go(func() {
			select {
			case <-c.ready:
			case <-c.done:
				errs[i] = fmt.Errorf("hearth %d exited at start-up: %v\n%s", i, cmd.ProcessState, c.output())
			case <-time.After(45 * time.Second):
				errs[i] = fmt.Errorf("hearth %d was not ready within 45s:\n%s", i, c.output())
			}
		})
	}
	r.t.Cleanup(r.stop)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			r.t.Fatal(err)
		}
	}
	for i, c := range r.procs {
		m := httpAddr.FindStringSubmatch(c.output())
		if m == nil {
			r.t.Fatalf("hearth %d logged no HTTP address:\n%s", i, c.output())
		}
		r.base[i] = "http://" + m[1]
	}
}

var httpAddr = regexp.MustCompile(`"msg":"serving /healthz and /metrics","addr":"([^"]+)"`)

// kill SIGKILLs process i, as a machine dying would.
func (r *multiprocRig) kill(i int) {
	c := r.procs[i]
	r.procs[i] = nil
	c.cmd.Process.Signal(syscall.SIGKILL)
	<-c.done
	r.checkNoRace(i, c)
}

// stop ends the processes still running with SIGTERM, as at the end of a
// deployment.
func (r *multiprocRig) stop() {
	for i, c := range r.procs {
		if c == nil {
			continue
		}
		c.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-c.done:
		case <-time.After(15 * time.Second):
			r.t.Errorf("hearth %d did not stop on SIGTERM within 15s", i)
			c.cmd.Process.Kill()
			<-c.done
		}
		r.procs[i] = nil
		r.checkNoRace(i, c)
	}
}

func (r *multiprocRig) checkNoRace(i int, c *crashChild) {
	if out := c.output(); strings.Contains(out, "WARNING: DATA RACE") {
		r.t.Errorf("hearth %d reported a data race:\n%s", i, out)
	}
}

// roundRobin is a load balancer in front of the processes' POST
// /interactions, handing each request to the next process in turn; it
// counts what each got.
type roundRobin struct {
	next   atomic.Int64
	served []atomic.Int64
}

func (r *multiprocRig) loadBalancer() (*httptest.Server, *roundRobin) {
	rr := &roundRobin{served: make([]atomic.Int64, len(r.base))}
	proxies := make([]*httputil.ReverseProxy, len(r.base))
	for i, b := range r.base {
		u, err := url.Parse(b)
		if err != nil {
			r.t.Fatal(err)
		}
		proxies[i] = httputil.NewSingleHostReverseProxy(u)
	}
	lb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		i := int(rr.next.Add(1)-1) % len(proxies)
		rr.served[i].Add(1)
		proxies[i].ServeHTTP(w, req)
	}))
	r.t.Cleanup(lb.Close)
	return lb, rr
}

// reminderGroups makes n open groups with a yearly session and a reminder
// an hour before it, spread over every server, each with one member and a
// channel as Hearth makes it (so start-up reconciliation leaves it be). The
// rows are written in bulk, and the store's plan of the first (Replan)
// copied to the others: a thousand groups made one transaction at a time
// would take most of the test's time under -race.
// It returns the groups and each server's member.
func (r *multiprocRig) reminderGroups(n int) ([]domain.Group, map[string]string) {
	r.t.Helper()
	ctx := context.Background()
	var all []string
	member := map[string]string{}
	for _, list := range r.guilds {
		for _, g := range list {
			all = append(all, g)
			member[g] = r.fake.AddMember(g, "remindee")
		}
	}
	now := time.Now()
	out := make([]domain.Group, n)
	var guilds, names, keys, channels, owners, users []string
	for i := range out {
		guild := all[i%len(all)]
		name := fmt.Sprintf("remind-%04d", i)
		ch := r.fake.AddChannel(guild, name,
			fakediscord.Overwrite{ID: guild, Type: 0, Deny: permView},
			fakediscord.Overwrite{ID: r.fake.BotUserID, Type: 1, Allow: memberAllow},
			fakediscord.Overwrite{ID: member[guild], Type: 1, Allow: memberAllow})
		out[i] = domain.Group{GuildID: guild, Name: name, ChannelID: ch}
		guilds, names, keys, channels = append(guilds, guild), append(names, name), append(keys, domain.NameKey(name)), append(channels, ch)
		owners, users = append(owners, r.fake.OwnerOf(guild)), append(users, member[guild])
	}
	rows, err := r.db.QueryContext(ctx, `INSERT INTO groups (guild_id, name, name_key, channel_id, created_by,
			kind, schedule, timezone, reminders, created_at)
		SELECT *, 'open', '0 0 1 1 *', 'UTC', '1h', $6 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
		RETURNING id, name`, guilds, names, keys, channels, owners, now.Unix())
	if err != nil {
		r.t.Fatal(err)
	}
	ids := map[string]int64{}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			r.t.Fatal(err)
		}
		ids[name] = id
	}
	if err := rows.Err(); err != nil {
		r.t.Fatal(err)
	}
	groupIDs := make([]int64, n)
	for i := range out {
		out[i].ID = ids[out[i].Name]
		groupIDs[i] = out[i].ID
	}
	if _, err := r.db.ExecContext(ctx, `INSERT INTO memberships (group_id, user_id, joined_at)
		SELECT *, $3 FROM unnest($1::bigint[], $2::text[])`, groupIDs, users, now.Unix()); err != nil {
		r.t.Fatal(err)
	}
	// The store plans the first; the others, alike, get the same plan.
	if err := r.st.Replan(ctx, groupIDs[0], now); err != nil {
		r.t.Fatal(err)
	}
	plan, err := r.st.Jobs(ctx, groupIDs[0])
	if err != nil {
		r.t.Fatal(err)
	}
	reminders := 0
	for _, j := range plan {
		if j.Kind == domain.JobReminder {
			reminders++
			if j.Lead != time.Hour || j.DueAt.Before(now.Add(24*time.Hour)) {
				r.t.Fatalf("the reminder planned: %+v, want one 1h before a session on 1 January", j)
			}
		}
		var until sql.NullInt64
		if !j.UntilAt.IsZero() {
			until = sql.NullInt64{Int64: j.UntilAt.Unix(), Valid: true}
		}
		if _, err := r.db.ExecContext(ctx, `INSERT INTO jobs (group_id, kind, session_at, lead_seconds, due_at, until_at, attempts)
			SELECT id, $2, $3, $4, $5, $6, 0 FROM unnest($1::bigint[]) AS id`,
			groupIDs[1:], j.Kind, j.SessionAt.Unix(), int64(j.Lead/time.Second), j.DueAt.Unix(), until); err != nil {
			r.t.Fatal(err)
		}
	}
	if reminders != 1 {
		r.t.Fatalf("the plan of a group with a yearly session and one reminder: %+v", plan)
	}
	if _, err := r.db.ExecContext(ctx, `UPDATE groups SET planned_at = $2 WHERE id = ANY($1::bigint[])`, groupIDs, now.Unix()); err != nil {
		r.t.Fatal(err)
	}
	return out, member
}

// firingCounts is how many reminders are in each state, and how many
// still being sent each process holds.
func (r *multiprocRig) firingCounts() (byState map[string]int, sendingBy map[string]int) {
	r.t.Helper()
	rows, err := r.db.Query(`SELECT state, claimed_by, count(*) FROM firings GROUP BY state, claimed_by`)
	if err != nil {
		r.t.Fatal(err)
	}
	defer rows.Close()
	byState, sendingBy = map[string]int{}, map[string]int{}
	for rows.Next() {
		var state, by string
		var n int
		if err := rows.Scan(&state, &by, &n); err != nil {
			r.t.Fatal(err)
		}
		byState[state] += n
		if state == string(domain.FiringSending) && by != "" {
			sendingBy[by] += n
		}
	}
	if err := rows.Err(); err != nil {
		r.t.Fatal(err)
	}
	return byState, sendingBy
}

// heldBy is the ids of the reminders process instance holds unsent.
func (r *multiprocRig) heldBy(instance string) map[int64]bool {
	r.t.Helper()
	rows, err := r.db.Query(`SELECT id FROM firings WHERE claimed_by = $1 AND state = 'sending'`, instance)
	if err != nil {
		r.t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			r.t.Fatal(err)
		}
		out[id] = true
	}
	return out
}

// instanceShard is the shard of the process named instance ("hearth-N").
func instanceShard(t *testing.T, instance string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(instance, "hearth-"))
	if err != nil {
		t.Fatalf("instance %q", instance)
	}
	return n
}
