package scheduler

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"hearth/domain"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"hearth/store"
)

// TestScale measures Hearth's scheduler, and beside it a robfig/cron runner
// given the same schedules, at 1,000, 10,000 and 100,000 groups with weekly
// schedules and two reminders each (24h and 30m before): start-up time,
// peak resident memory and how late reminders fire. Targets at 100,000:
// start-up under 1 s, the process under 150 MB, p99 lateness under 50 ms.
//
//	HEARTH_SCALE=1 go test -run '^TestScale$' -v -timeout 30m ./scheduler/
//
// (HEARTH_SCALE_SIZES=1000,10000 picks the sizes.) hearth-1by1 is Hearth
// recording each due reminder in a transaction of its own, as it did before
// it recorded them in batches; hearth-postgres is Hearth on PostgreSQL (the
// same database copied there), when PostgreSQL is at hand. Each
// measurement runs in
// a fresh process (this test binary run again), so that its peak RSS
// (VmHWM in /proc/self/status, read at its end) is that of one runner
// alone, from a cold start: open the database, or read it and fill cron,
// then fire.
//
// Lateness is measured on reminders made due over the next seconds of real
// time, beside the 200,000 that stay weeks away: "spread", 40 a second for
// five seconds (twice the density of these schedules, where about 20 fall
// on each minute's first second), then "burst", 100 due in the same second.
// Hearth's lateness is until SendMessage is called, after the reminder's
// intent is recorded in the database; cron's until its job function runs,
// recording nothing.
func TestScale(t *testing.T) {
	if mode := os.Getenv("HEARTH_SCALE_CHILD"); mode != "" {
		scaleChild(t, mode)
		return
	}
	if os.Getenv("HEARTH_SCALE") == "" {
		t.Skip("set HEARTH_SCALE=1 to run the scale test")
	}
	sizes := []int{1_000, 10_000, 100_000}
	if s := os.Getenv("HEARTH_SCALE_SIZES"); s != "" {
		sizes = nil
		for _, f := range strings.Split(s, ",") {
			n, err := strconv.Atoi(f)
			if err != nil {
				t.Fatal(err)
			}
			sizes = append(sizes, n)
		}
	}
	var rows []scaleResult
	for _, n := range sizes {
		path := filepath.Join(t.TempDir(), "hearth.db")
		began := time.Now()
		buildScaleDB(t, path, n, time.Now())
		t.Logf("%d groups: database built in %s", n, time.Since(began).Round(time.Millisecond))
		for _, runner := range scaleRunners() {
			target := path
			if runner == "hearth-postgres" {
				target = scalePostgres(t, path)
			}
			r := runScaleChild(t, runner, target, n)
			rows = append(rows, r)
			t.Logf("%d groups, %s: %s", n, runner, r)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n| groups | runner | start-up | peak RSS (VmHWM) | spread p50 / p99 / max | burst of 100: p50 / p99 / max | fired |\n")
	fmt.Fprintf(&b, "|---:|---|---:|---:|---|---|---:|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %d | %s | %s | %d MB | %s / %s / %s | %s / %s / %s | %d of %d |\n", r.Groups, r.Runner,
			ms(r.Startup), r.PeakKB/1024, ms(r.Spread[0]), ms(r.Spread[1]), ms(r.Spread[2]),
			ms(r.Burst[0]), ms(r.Burst[1]), ms(r.Burst[2]), r.Fired, r.Probes)
	}
	t.Log(b.String())
	for _, r := range rows {
		if r.Runner != "hearth" || r.Groups < 100_000 {
			continue
		}
		if r.Startup > time.Second {
			t.Errorf("%d groups: start-up %s, target < 1s", r.Groups, r.Startup)
		}
		if r.PeakKB > 150*1024 {
			t.Errorf("%d groups: peak RSS %d MB, target < 150 MB", r.Groups, r.PeakKB/1024)
		}
		if p99 := max(r.Spread[1], r.Burst[1]); p99 > 50*time.Millisecond {
			t.Errorf("%d groups: p99 lateness %s, target < 50ms", r.Groups, p99)
		}
		if r.Fired != r.Probes {
			t.Errorf("%d groups: fired %d of %d", r.Groups, r.Fired, r.Probes)
		}
	}
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + " ms"
}

type scaleResult struct {
	Runner  string
	Groups  int
	Startup time.Duration    // to ready: Hearth's loop asleep; cron filled and started
	PeakKB  int              // VmHWM of the process
	Spread  [3]time.Duration // p50, p99, max
	Burst   [3]time.Duration
	Fired   int
	Probes  int
}

func (r scaleResult) String() string {
	return fmt.Sprintf("start-up %s, peak RSS %d MB, spread p50/p99/max %s/%s/%s, burst %s/%s/%s, fired %d of %d",
		ms(r.Startup), r.PeakKB/1024, ms(r.Spread[0]), ms(r.Spread[1]), ms(r.Spread[2]),
		ms(r.Burst[0]), ms(r.Burst[1]), ms(r.Burst[2]), r.Fired, r.Probes)
}

func runScaleChild(t *testing.T, runner, path string, n int) scaleResult {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestScale$", "-test.v", "-test.timeout=2m")
	cmd.Env = append(os.Environ(), "HEARTH_SCALE_CHILD="+runner, "HEARTH_SCALE_DB="+path, "HEARTH_SCALE_N="+strconv.Itoa(n))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s child: %v\n%s", runner, err, out.String())
	}
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		if _, js, ok := strings.Cut(sc.Text(), "SCALE-RESULT "); ok {
			var r scaleResult
			if err := json.Unmarshal([]byte(js), &r); err != nil {
				t.Fatal(err)
			}
			return r
		}
	}
	t.Fatalf("%s child printed no result:\n%s", runner, out.String())
	return scaleResult{}
}

// scaleZones are the groups' time zones, in turn.
var scaleZones = []string{"Europe/Madrid", "America/New_York", "Australia/Sydney"}

// scaleSpec is group i's weekly schedule: minute, hour (8-19), weekday.
func scaleSpec(i int) (minute, hour, weekday int) { return i % 60, 8 + i%12, i % 7 }

// buildScaleDB writes n open groups, each with a channel, a member and its
// two reminder jobs as they are planned at now, in one transaction.
func buildScaleDB(t *testing.T, path string, n int, now time.Time) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, path) // migrations
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	db, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL&_foreign_keys=on&_synchronous=NORMAL")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	group, _ := tx.Prepare(`INSERT INTO groups (id, guild_id, name, name_key, kind, schedule, timezone, reminders,
		channel_id, created_at, planned_at) VALUES (?, ?, ?, ?, 'open', ?, ?, '24h,30m', ?, ?, ?)`)
	member, _ := tx.Prepare(`INSERT INTO memberships (group_id, user_id, joined_at) VALUES (?, ?, ?)`)
	job, _ := tx.Prepare(`INSERT INTO jobs (group_id, kind, session_at, lead_seconds, due_at) VALUES (?, 'reminder', ?, ?, ?)`)
	for i := range n {
		id := int64(i + 1)
		m, h, d := scaleSpec(i)
		g := domain.Group{ID: id, Kind: domain.KindOpen, State: domain.StateActive,
			Schedule: fmt.Sprintf("%d %d * * %d", m, h, d), Timezone: scaleZones[i%3], Reminders: "24h,30m"}
		name := "g" + strconv.Itoa(i)
		if _, err := group.Exec(id, "guild"+strconv.Itoa(i/500), name, name, g.Schedule, g.Timezone, "c"+strconv.Itoa(i), now.Unix(), now.Unix()); err != nil {
			t.Fatal(err)
		}
		if _, err := member.Exec(id, "u"+strconv.Itoa(i), now.Unix()); err != nil {
			t.Fatal(err)
		}
		p, err := domain.PlanJobs(g, nil, now) // as a new group is planned
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range p.Jobs {
			if _, err := job.Exec(id, j.SessionAt.Unix(), int64(j.Lead/time.Second), j.DueAt.Unix()); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
}

// scaleProbes are the reminders made due soon: channel -> due time. 200
// spread over five seconds from base, then 100 in the second base+6s.
func scaleProbes(n int, base time.Time) (spread, burst map[string]time.Time) {
	spread, burst = map[string]time.Time{}, map[string]time.Time{}
	step := max(n/300, 1)
	for k := range 300 {
		i := (k * step) % n
		if k < 200 {
			spread["c"+strconv.Itoa(i)] = base.Add(time.Duration(k%5) * time.Second)
		} else {
			burst["c"+strconv.Itoa(i)] = base.Add(6 * time.Second)
		}
	}
	return spread, burst
}

func scaleChild(t *testing.T, runner string) {
	path := os.Getenv("HEARTH_SCALE_DB")
	n, _ := strconv.Atoi(os.Getenv("HEARTH_SCALE_N"))
	var r scaleResult
	switch runner {
	case "hearth":
		r = scaleHearth(t, path, n)
	case "hearth-1by1":
		oneByOne = true
		r = scaleHearth(t, path, n)
	case "hearth-postgres":
		r = scaleHearthPostgres(t, path, n)
	case "cron":
		r = scaleCron(t, path, n)
	default:
		t.Fatalf("unknown runner %q", runner)
	}
	r.Runner, r.Groups = runner, n
	r.PeakKB = peakRSSKB(t)
	js, _ := json.Marshal(r)
	fmt.Printf("SCALE-RESULT %s\n", js)
}

// peakRSSKB is the process's peak resident set size, VmHWM.
func peakRSSKB(t *testing.T) int {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.Atoi(f[1])
			return kb
		}
	}
	t.Fatal("no VmHWM in /proc/self/status")
	return 0
}

// latencies returns p50, p99 and max of the firings of probes in sent, and
// how many fired.
func latencies(probes, sent map[string]time.Time) ([3]time.Duration, int) {
	var lat []time.Duration
	for ch, due := range probes {
		if at, ok := sent[ch]; ok {
			lat = append(lat, at.Sub(due))
		}
	}
	if len(lat) == 0 {
		return [3]time.Duration{}, 0
	}
	slices.Sort(lat)
	return [3]time.Duration{lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1]}, len(lat)
}

// waitFor polls until done reports true or 20 s pass.
func waitFor(done func() bool) {
	deadline := time.Now().Add(20 * time.Second)
	for !done() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
}

func scaleHearth(t *testing.T, path string, n int) scaleResult {
	// The probes' jobs are written first, as a running Hearth would have.
	db, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL&_foreign_keys=on&_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	spread, burst := writeProbes(t, db, n, `DELETE FROM jobs WHERE group_id = ?`,
		`INSERT INTO jobs (group_id, kind, session_at, lead_seconds, due_at) VALUES (?, 'reminder', ?, 3600, ?)`)
	db.Close()
	return runScaleHearth(t, func() (*store.Store, error) { return store.Open(context.Background(), path) }, spread, burst)
}

// writeProbes makes the probes' reminders due soon, with the dialect's
// statements: delete a group's jobs, insert one.
func writeProbes(t *testing.T, db *sql.DB, n int, del, ins string) (spread, burst map[string]time.Time) {
	base := time.Now().Truncate(time.Second).Add(3 * time.Second)
	spread, burst = scaleProbes(n, base)
	for _, probes := range []map[string]time.Time{spread, burst} {
		for ch, at := range probes {
			id, _ := strconv.ParseInt(ch[1:], 10, 64)
			if _, err := db.Exec(del, id+1); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec(ins, id+1, at.Add(time.Hour).Unix(), at.Unix()); err != nil {
				t.Fatal(err)
			}
		}
	}
	return spread, burst
}

// runScaleHearth opens the database (start-up counts from here), runs the
// scheduler until it sleeps, and waits for the probes.
func runScaleHearth(t *testing.T, open func() (*store.Store, error), spread, burst map[string]time.Time) scaleResult {
	ctx := context.Background()
	runtime.GC()
	sender := &timingSender{sent: map[string]time.Time{}}
	began := time.Now()
	st, err := open()
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s := New(st, sender, nil, domain.SystemClock{}, nil)
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- s.Run(runCtx) }()
	for !s.asleep() {
		time.Sleep(100 * time.Microsecond)
	}
	r := scaleResult{Startup: time.Since(began), Probes: len(spread) + len(burst)}
	waitFor(func() bool { return sender.count() >= r.Probes })
	cancel()
	<-done
	sent := sender.snapshot()
	var fs, fb int
	r.Spread, fs = latencies(spread, sent)
	r.Burst, fb = latencies(burst, sent)
	r.Fired = fs + fb
	return r
}

func scaleCron(t *testing.T, path string, n int) scaleResult {
	ctx := context.Background()
	runtime.GC()

	// Without persistence, a cron runner reads every group at start-up and
	// adds one entry per group and reminder, the reminder's time written as
	// a cron spec of its own in the group's zone.
	var mu sync.Mutex
	sent := map[string]time.Time{}
	fired := func(ch string) func() {
		return func() {
			at := time.Now()
			mu.Lock()
			sent[ch] = at
			mu.Unlock()
		}
	}
	began := time.Now()
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	groups, err := st.LiveGroups(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c := cron.New(cron.WithSeconds())
	for _, g := range groups {
		i := int(g.ID - 1)
		m, h, d := scaleSpec(i)
		leads, err := domain.ParseReminders(g.Reminders)
		if err != nil {
			t.Fatal(err)
		}
		for _, lead := range leads {
			// The weekly minute of the session less the lead, wrapped.
			at := ((d*24+h)*60 + m - int(lead/time.Minute)) % (7 * 24 * 60)
			if at < 0 {
				at += 7 * 24 * 60
			}
			spec := fmt.Sprintf("CRON_TZ=%s 0 %d %d * * %d", g.Timezone, at%60, at/60%24, at/(24*60))
			if _, err := c.AddFunc(spec, fired("")); err != nil {
				t.Fatal(err)
			}
		}
	}
	// The probes are added once cron is filled, due from 2 s later: filled
	// from an empty start, cron would never fire those whose time passed
	// while it was filling.
	base := time.Now().Truncate(time.Second).Add(2 * time.Second)
	spread, burst := scaleProbes(n, base)
	for _, probes := range []map[string]time.Time{spread, burst} {
		for ch, at := range probes {
			u := at.UTC()
			spec := fmt.Sprintf("CRON_TZ=UTC %d %d %d %d %d *", u.Second(), u.Minute(), u.Hour(), u.Day(), int(u.Month()))
			if _, err := c.AddFunc(spec, fired(ch)); err != nil {
				t.Fatal(err)
			}
		}
	}
	c.Start()
	r := scaleResult{Startup: time.Since(began), Probes: len(spread) + len(burst)}
	count := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(sent) - 1 // less "" if the weekly entries fired
	}
	waitFor(func() bool { return count() >= r.Probes })
	<-c.Stop().Done()
	mu.Lock()
	defer mu.Unlock()
	var fs, fb int
	r.Spread, fs = latencies(spread, sent)
	r.Burst, fb = latencies(burst, sent)
	r.Fired = fs + fb
	return r
}

// timingSender records when each channel's message was sent.
type timingSender struct {
	mu   sync.Mutex
	sent map[string]time.Time
}

func (s *timingSender) SendMessage(ctx context.Context, channelID, content string, mentionIDs []string, nonce string) error {
	at := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent[channelID] = at
	return nil
}

func (s *timingSender) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sent)
}

func (s *timingSender) snapshot() map[string]time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]time.Time, len(s.sent))
	for k, v := range s.sent {
		out[k] = v
	}
	return out
}
