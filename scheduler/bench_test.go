package scheduler

import (
	"context"
	"hearth/domain"
	"testing"
	"time"
)

// BenchmarkFireAndSend measures the database work of one reminder: the
// loop's part (record the intent, advance the job) and the worker's (send
// and record).
func BenchmarkFireAndSend(b *testing.B) {
	h := newHarness(b, madrid("2026-03-02 12:00"))
	g := h.group(domain.Group{Schedule: "* * * * *", Reminders: "0m"}, "u1", "u2")
	ctx := context.Background()
	q := newWorkQueue(nil)
	for b.Loop() {
		h.clock.Advance(time.Minute)
		now := h.clock.Now()
		jobs, _ := h.st.DueJobs(ctx, now, 10)
		for _, j := range jobs {
			if err := h.s.fireReminder(ctx, q, j, now); err != nil {
				b.Fatal(err)
			}
		}
		for len(q.tasks) > 0 {
			task, _ := q.pop()
			task(ctx)
		}
	}
	b.StopTimer()
	if n := len(h.firings(g.ID)); n < b.N/2 {
		b.Fatalf("%d firings for %d runs", n, b.N)
	}
}
