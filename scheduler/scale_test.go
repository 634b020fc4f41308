package scheduler

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"hearth/store"
)

// timingSender records when each message was sent, by nonce.
type timingSender struct {
	mu   sync.Mutex
	sent map[string]time.Time
}

func (s *timingSender) SendMessage(ctx context.Context, channelID, content string, mentionIDs []string, nonce string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent[channelID] = time.Now()
	return nil
}

func (s *timingSender) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sent)
}

// TestScale: 100,000 groups with weekly schedules and two reminders each.
// Start-up must be well under a second, the process under 150 MB, and
// firing p99 under 50 ms. Set HEARTH_SCALE=1 to run it (it takes a while
// to build the database).
func TestScale(t *testing.T) {
	if os.Getenv("HEARTH_SCALE") == "" {
		t.Skip("set HEARTH_SCALE=1 to run the scale test")
	}
	const groups = 100_000
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hearth.db")
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	clock := NewFakeClock(time.Now())
	setup := New(st, nil, nil, clock, nil)
	began := time.Now()
	for i := range groups {
		spec := fmt.Sprintf("%d %d * * %d", i%60, 8+i%12, i%7)
		g, err := st.CreateGroup(ctx, store.Group{GuildID: "guild", Name: "g" + strconv.Itoa(i), Kind: store.KindOpen,
			Schedule: spec, Timezone: []string{"Europe/Madrid", "America/New_York", "Australia/Sydney"}[i%3],
			Reminders: "24h,30m"})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.SetGroupChannel(ctx, g.ID, "c"+strconv.Itoa(i)); err != nil {
			t.Fatal(err)
		}
		if err := st.Join(ctx, g.ID, "u"+strconv.Itoa(i), time.Now()); err != nil {
			t.Fatal(err)
		}
		if err := setup.Reschedule(ctx, g.ID); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("built %d groups in %s", groups, time.Since(began))

	// These schedules put about 20 reminders on each minute's first second.
	// Make 200 groups due over the next five seconds of real time, 40 a
	// second: twice that density.
	base := time.Now().Truncate(time.Second).Add(2 * time.Second)
	due := map[string]time.Time{}
	for i := range 200 {
		id := int64(i*331 + 1)
		at := base.Add(time.Duration(i%5) * time.Second)
		session := at.Add(time.Hour)
		if err := st.ReplaceJobs(ctx, id, []store.Job{{Kind: store.JobReminder, SessionAt: session, Lead: time.Hour, DueAt: at}}); err != nil {
			t.Fatal(err)
		}
		due["c"+strconv.Itoa(int(id-1))] = at
	}
	st.Close()

	if f := os.Getenv("HEARTH_SCALE_PROFILE"); f != "" {
		out, _ := os.Create(f)
		pprof.StartCPUProfile(out)
		defer pprof.StopCPUProfile()
	}
	// A restart: open the database and run.
	sender := &timingSender{sent: map[string]time.Time{}}
	began = time.Now()
	st2, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	s := New(st2, sender, nil, RealClock{}, nil)
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- s.Run(runCtx) }()
	for !s.sleeping.Load() {
		time.Sleep(100 * time.Microsecond)
	}
	ready := time.Since(began)
	t.Logf("ready in %s", ready)
	if ready > 500*time.Millisecond {
		t.Errorf("start-up took %s", ready)
	}
	deadline := time.Now().Add(10 * time.Second)
	for sender.count() < len(due) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	var lat []time.Duration
	for ch, at := range sender.sent {
		lat = append(lat, at.Sub(due[ch]))
	}
	if len(lat) != len(due) {
		t.Fatalf("sent %d of %d", len(lat), len(due))
	}
	slices.Sort(lat)
	p50, p99 := lat[len(lat)/2], lat[len(lat)*99/100]
	t.Logf("fire latency p50 %s p99 %s max %s", p50, p99, lat[len(lat)-1])
	if p99 > 50*time.Millisecond {
		t.Errorf("p99 fire latency %s", p99)
	}
	status, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "VmHWM") || strings.HasPrefix(line, "VmRSS") {
			t.Log(line)
			var kb int
			fmt.Sscanf(strings.Fields(line)[1], "%d", &kb)
			if kb > 150*1024 {
				t.Errorf("%s", line)
			}
		}
	}
}
