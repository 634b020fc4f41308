package store

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"hearth/domain"
)

// The same store operations on SQLite and PostgreSQL, side by side in one
// run: go test -run '^$' -bench BenchmarkDialects ./store
//
// PostgreSQL here is the tests' local server (unix socket, fsync off), so
// the numbers compare the two stores' code paths, not a production disk.

func BenchmarkDialects(b *testing.B) {
	if onPG {
		b.Skip("runs both dialects in the first pass")
	}
	dialects := []struct {
		name string
		open func(b *testing.B) *Store
	}{
		{"sqlite", openBench},
		{"postgres", func(b *testing.B) *Store { return openPostgresTest(b) }},
	}
	for _, d := range dialects {
		b.Run("join-leave/"+d.name, func(b *testing.B) {
			s := d.open(b)
			g := createBenchGroups(b, s, "g", "join", 1, 1000)[0]
			ctx := context.Background()
			i := 0
			for b.Loop() {
				u := fmt.Sprintf("u%d", i%500)
				i++
				if err := s.Join(ctx, g.ID, u, time.Now(), 0); err != nil {
					b.Fatal(err)
				}
				if _, err := s.Leave(ctx, g.ID, u); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("join-contended-16/"+d.name, func(b *testing.B) { benchContended(b, d.open(b)) })
		if d.name == "postgres" {
			// The 16 callers spread over 3 processes' stores on one database,
			// then the same as before writers were queued.
			for _, unqueued := range []bool{false, true} {
				name := "join-contended-16/postgres-3-processes"
				if unqueued {
					name += "-unqueued"
				}
				b.Run(name, func(b *testing.B) {
					url := newPostgresURL(b)
					var handles []*Store
					for range 3 {
						s, err := OpenDatabase(context.Background(), url, "")
						if err != nil {
							b.Fatal(err)
						}
						b.Cleanup(func() { s.Close() })
						if unqueued {
							s.unqueued = true
							s.db.SetMaxIdleConns(2)
						}
						handles = append(handles, s)
					}
					benchContended(b, handles...)
				})
			}
			// As before writers of one group were queued: they collided and
			// ran again, on a pool keeping database/sql's default 2 idle
			// connections.
			b.Run("join-contended-16/postgres-unqueued", func(b *testing.B) {
				s := d.open(b)
				s.unqueued = true
				s.db.SetMaxIdleConns(2)
				benchContended(b, s)
			})
		}
		b.Run("claim-100-due-jobs/"+d.name, func(b *testing.B) {
			s := d.open(b)
			ctx := context.Background()
			now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
			for _, g := range createBenchGroups(b, s, "g", "due", 200, 10) {
				if err := s.ReplaceJobs(ctx, g.ID, []domain.Job{{GroupID: g.ID, Kind: domain.JobReminder,
					SessionAt: now.Add(time.Hour), Lead: 30 * time.Minute, DueAt: now}}); err != nil {
					b.Fatal(err)
				}
			}
			for b.Loop() {
				jobs, err := s.ClaimDueJobs(ctx, now, 100)
				if err != nil || len(jobs) != 100 {
					b.Fatalf("claimed %d: %v", len(jobs), err)
				}
				b.StopTimer()
				if _, err := s.exec(ctx, `UPDATE jobs SET claimed_by = '', lease_until = NULL`); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
		})
	}
}

// benchContended has 16 callers, spread over handles, join and leave one
// group.
func benchContended(b *testing.B, handles ...*Store) {
	groups := createBenchGroups(b, handles[0], "g", "contended", 1, 1000)
	ctx := context.Background()
	var n, caller atomic.Int64
	b.SetParallelism(8) // 8 goroutines a core: 16 on this 2-core machine
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		s := handles[int(caller.Add(1))%len(handles)]
		for pb.Next() {
			u := fmt.Sprintf("u%d", n.Add(1))
			if err := s.Join(ctx, groups[0].ID, u, time.Now(), 0); err != nil && err != domain.ErrFull {
				b.Error(err)
				return
			}
			if _, err := s.Leave(ctx, groups[0].ID, u); err != nil && err != domain.ErrNotMember {
				b.Error(err)
				return
			}
		}
	})
	var retries int64
	for _, s := range handles {
		retries += s.retries.Load()
	}
	b.ReportMetric(float64(retries)/float64(b.N), "retries/op")
}
