package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"hearth/domain"
	"hearth/internal/fakediscord"
)

// Three real Hearth processes, one per shard, on one PostgreSQL database,
// over six servers (issue 14, "How it is shown"):
//   - a command in every server is answered once, by the process of that
//     server's shard;
//   - 50 joins at once to one capped group, sent through a load balancer
//     to all three processes, let in exactly the capacity, with exactly
//     that many overwrites;
//   - 1,000 reminders due at the same second are each delivered once,
//     although one process is SIGKILLed in the middle of sending them: what
//     it held is delivered by the other two once its lease runs out.
func TestThreeProcessesShareOnePostgres(t *testing.T) {
	began := time.Now()
	const (
		shards    = 3
		perShard  = 2
		reminders = 1000
		joiners   = 50
		capacity  = 5
	)
	r := newMultiprocRig(t, shards, perShard)
	t.Logf("postgres up in %v", time.Since(began).Round(time.Millisecond))
	groups, remindee := r.reminderGroups(reminders)
	t.Logf("made %d groups in %v", reminders, time.Since(began).Round(time.Millisecond))
	r.start()
	t.Logf("set up %d groups and started %d processes in %v", reminders, shards, time.Since(began).Round(time.Millisecond))

	r.commandsInEveryServer()
	r.joinsAcrossProcesses(joiners, capacity)
	r.remindersDespiteAKill(groups, remindee)
	t.Logf("whole test: %v (lease %ds, REST rate %d/s shared)", time.Since(began).Round(time.Millisecond), multiprocLease, multiprocRESTRate)
}

// commandsInEveryServer runs /group create in each server: one reply, by
// the process of its shard only (each process's /metrics).
func (r *multiprocRig) commandsInEveryServer() {
	t := r.t
	t.Helper()
	for shard, list := range r.guilds {
		for _, g := range list {
			before := make([]int, len(r.base))
			for i, b := range r.base {
				before[i] = interactionsServed(t, b)
			}
			in := r.fake.Command(g, r.fake.OwnerOf(g), "group", fakediscord.Opt{Name: "create", Type: optSub,
				Options: []fakediscord.Opt{str("name", "Circle"), str("type", "open")}})
			reply, err := in.Wait(10 * time.Second)
			if err != nil || !strings.Contains(reply.Content, "Circle") {
				t.Fatalf("/group create in server %s (shard %d): %q %v", g, shard, reply.Content, err)
			}
			eventually(t, "the answer counted", func() bool { return interactionsServed(t, r.base[shard]) == before[shard]+1 })
			if n := len(in.Replies()); n != 1 {
				t.Errorf("server %s: %d replies, want exactly one", g, n)
			}
			for i, b := range r.base {
				if i != shard && interactionsServed(t, b) != before[i] {
					t.Errorf("process %d answered a command in server %s of shard %d", i, g, shard)
				}
			}
			if _, err := r.st.GroupByName(t.Context(), g, "Circle"); err != nil {
				t.Errorf("server %s: the group created is not in the database: %v", g, err)
			}
		}
	}
}

// joinsAcrossProcesses sends joiners /join at once to one group of
// capacity seats, through a load balancer before all the processes.
func (r *multiprocRig) joinsAcrossProcesses(joiners, capacity int) {
	t := r.t
	t.Helper()
	guild := r.guilds[0][0]
	owner := r.fake.OwnerOf(guild)
	reply, err := r.fake.Command(guild, owner, "group", fakediscord.Opt{Name: "create", Type: optSub,
		Options: []fakediscord.Opt{str("name", "Capped"), str("type", "open"), num("capacity", capacity)}}).Wait(10 * time.Second)
	if err != nil || !strings.Contains(reply.Content, "Capped") {
		t.Fatalf("creating the capped group: %q %v", reply.Content, err)
	}
	g, err := r.st.GroupByName(t.Context(), guild, "Capped")
	if err != nil {
		t.Fatal(err)
	}
	users := make([]string, joiners)
	for i := range users {
		users[i] = r.fake.AddMember(guild, fmt.Sprintf("joiner%02d", i))
	}
	lb, rr := r.loadBalancer()
	if err := r.fake.SetInteractionsEndpoint(lb.URL + "/interactions"); err != nil {
		t.Fatal(err)
	}
	for i := range rr.served {
		rr.served[i].Store(0) // the endpoint check's PINGs are not joins
	}
	replies := make([]string, joiners)
	var wg sync.WaitGroup
	for i, u := range users {
		wg.Go(func() {
			r, err := r.fake.Command(guild, u, "join", str("group", "Capped")).Wait(20 * time.Second)
			if err != nil {
				t.Errorf("/join by %s: %v", u, err)
			}
			replies[i] = r.Content
		})
	}
	wg.Wait()
	if err := r.fake.SetInteractionsEndpoint(""); err != nil {
		t.Fatal(err)
	}
	joined, full := 0, 0
	for i, c := range replies {
		switch c {
		case en.Joined("Capped", g.ChannelID, time.Time{}):
			joined++
		case en.FullWaitlist("Capped"):
			full++
		default:
			t.Errorf("/join by %s answered %q", users[i], c)
		}
	}
	spread := make([]int64, len(rr.served))
	for i := range rr.served {
		spread[i] = rr.served[i].Load()
		if spread[i] == 0 {
			t.Errorf("process %d got none of the joins", i)
		}
	}
	members, err := r.st.Members(t.Context(), g.ID)
	if err != nil {
		t.Fatal(err)
	}
	if joined != capacity || full != joiners-capacity || len(members) != capacity {
		t.Errorf("%d joined, %d told it is full, %d members in the database; want %d, %d, %d",
			joined, full, len(members), capacity, joiners-capacity, capacity)
	}
	ch, _ := r.fake.Channel(g.ChannelID)
	var overwritten []string
	for _, ow := range ch.Overwrites {
		if ow.Type == 1 && ow.ID != r.fake.BotUserID {
			if ow.Allow != memberAllow || ow.Deny != 0 {
				t.Errorf("overwrite of %s: allow %d deny %d, want %d 0", ow.ID, ow.Allow, ow.Deny, memberAllow)
			}
			overwritten = append(overwritten, ow.ID)
		}
	}
	slices.Sort(overwritten)
	slices.Sort(members)
	if !slices.Equal(overwritten, members) {
		t.Errorf("member overwrites on the channel %v, members %v: want the same %d", overwritten, members, capacity)
	}
	t.Logf("%d joins through the load balancer, per process %v: %d joined, %d offered the waitlist", joiners, spread, joined, full)
}

// remindersDespiteAKill makes every reminder due at the same second, kills
// the process holding the most of them once the fan-out is well under way,
// and checks that each is delivered exactly once all the same.
func (r *multiprocRig) remindersDespiteAKill(groups []domain.Group, remindee map[string]string) {
	t := r.t
	t.Helper()
	ids := make([]int64, len(groups))
	for i, g := range groups {
		ids[i] = g.ID
	}
	// All due together, 2 s from now: the processes, polling the shared
	// database each second, each find them and wake at that second.
	due := time.Now().Truncate(time.Second).Add(2 * time.Second)
	res, err := r.db.Exec(`UPDATE jobs SET due_at = $1 WHERE kind = 'reminder'`, due.Unix())
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != int64(len(groups)) {
		t.Fatalf("%d reminder jobs made due, want %d", n, len(groups))
	}
	// Kill once a tenth is sent: the process holding the most unsent.
	var victim string
	var held map[int64]bool
	var sentAtKill int
	for deadline := time.Now().Add(30 * time.Second); victim == ""; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the reminders did not begin going out within 30s")
		}
		byState, sendingBy := r.firingCounts()
		if byState[string(domain.FiringSent)] < len(groups)/10 {
			continue
		}
		for who, n := range sendingBy {
			if victim == "" || n > sendingBy[victim] {
				victim = who
			}
		}
		if victim == "" {
			t.Fatalf("every reminder was sent before a process could be killed: %v", byState)
		}
		r.kill(instanceShard(t, victim))
		held, sentAtKill = r.heldBy(victim), byState[string(domain.FiringSent)]
	}
	killedAt := time.Now()
	if len(held) == 0 {
		t.Fatalf("%s held no reminder when killed", victim)
	}
	var byState map[string]int
	for deadline := time.Now().Add(40 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		byState, _ = r.firingCounts()
		if byState[string(domain.FiringSent)] == len(groups) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("40s after the kill, reminders by state: %v", byState)
		}
	}
	tookOver := time.Since(killedAt)
	if len(byState) != 1 {
		t.Errorf("reminders by state %v, want all %d sent", byState, len(groups))
	}

	// What people see: one reminder in each group's channel, mentioning its
	// member; a repeated send (same nonce) only of what the killed process
	// held, and dropped by Discord.
	byChannel := map[string]domain.Group{}
	for _, g := range groups {
		byChannel[g.ChannelID] = g
		var got []fakediscord.Message
		for _, m := range r.fake.Messages(g.ChannelID) {
			if m.AuthorID == r.fake.BotUserID {
				got = append(got, m)
			}
		}
		if len(got) != 1 {
			t.Errorf("group %s: %d reminders in its channel, want 1", g.Name, len(got))
			continue
		}
		if want := remindee[g.GuildID]; !slices.Equal(got[0].Mentions, []string{want}) || !strings.Contains(got[0].Content, "<@"+want+">") {
			t.Errorf("group %s: reminder %q mentions %v, want only %s", g.Name, got[0].Content, got[0].Mentions, want)
		}
	}
	heldChannels := map[string]bool{}
	for _, g := range groups {
		fs, err := r.st.Firings(t.Context(), g.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			if held[f.ID] {
				heldChannels[g.ChannelID] = true
			}
		}
	}
	posts, heldRepeats, otherRepeats := 0, 0, 0
	seen := map[string]bool{}
	for _, c := range r.fake.Journal() {
		if c.Method != "POST" || c.Route != "/channels/{channel_id}/messages" {
			continue
		}
		channel := strings.TrimSuffix(strings.TrimPrefix(c.Path[strings.Index(c.Path, "/channels/"):], "/channels/"), "/messages")
		if _, ok := byChannel[channel]; !ok {
			continue
		}
		posts++
		var body struct {
			Nonce        string `json:"nonce"`
			EnforceNonce bool   `json:"enforce_nonce"`
		}
		if err := json.Unmarshal(c.Body, &body); err != nil || body.Nonce == "" || !body.EnforceNonce {
			t.Errorf("a reminder posted without an enforced nonce: %s", c.Body)
		}
		switch key := channel + " " + body.Nonce; {
		case !seen[key]:
			seen[key] = true
		case heldChannels[channel]:
			heldRepeats++
		default:
			otherRepeats++
		}
	}
	// A repeat of what a live process held is a send retried after an
	// unknown outcome (a timeout), or work taken over from a process that
	// stalled past its lease: by design, and dropped by the nonce. Say so.
	// (What a process held is taken over in the log's count once its lease
	// ran out, unless it was between claiming a retry and starting it,
	// which the next claim takes without a count.)
	var survivors []string
	for i, c := range r.procs {
		if c == nil {
			continue
		}
		out, takenOver := c.output(), 0
		for _, m := range tookOverLine.FindAllStringSubmatch(out, -1) {
			n, _ := strconv.Atoi(m[1])
			takenOver += n
		}
		survivors = append(survivors, fmt.Sprintf("hearth-%d took over %d, retried %d", i,
			takenOver, strings.Count(out, "sending a reminder failed; will retry")))
	}
	t.Logf("%d reminders due at one second: %s killed with %d sent and %d held unsent; all %d sent %v after the kill; "+
		"%d POSTs: %d repeats of what the killed process held, %d of others' (%s), each dropped by its nonce",
		len(groups), victim, sentAtKill, len(held), len(groups), tookOver.Round(time.Millisecond), posts,
		heldRepeats, otherRepeats, strings.Join(survivors, "; "))
}

var tookOverLine = regexp.MustCompile(`"msg":"scheduler: took over work a process left unfinished \(its lease ran out\)","count":(\d+)`)
