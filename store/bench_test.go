package store

// Benchmarks of the store's rules on a real SQLite file.
//
//	go test -run '^$' -bench . -benchtime=3000x ./store/
//
// Each op is one call (one Join, one query). joins/s counts attempts,
// admitted and refused alike.

import (
	"hearth/domain"

	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const benchJoiners = 16

func openBench(b *testing.B) *Store {
	b.Helper()
	s, err := Open(context.Background(), filepath.Join(b.TempDir(), "hearth.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

func createBenchGroups(b *testing.B, s *Store, guild, prefix string, n, capacity int) []domain.Group {
	b.Helper()
	out := make([]domain.Group, 0, n)
	for i := range n {
		g, err := s.CreateGroup(context.Background(), domain.Group{GuildID: guild, Name: fmt.Sprintf("%s %05d", prefix, i),
			Kind: domain.KindOpen, Capacity: capacity, Timezone: "UTC", ChannelID: "1"}, time.Now())
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, g)
	}
	return out
}

// runWorkers runs op for k = 0..b.N-1 on workers goroutines and reports
// ops/s under unit.
func runWorkers(b *testing.B, workers int, unit string, op func(k int) error) {
	b.Helper()
	var next atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Int64
	var first atomic.Value
	b.ResetTimer()
	start := time.Now()
	for range workers {
		wg.Go(func() {
			for {
				k := int(next.Add(1)) - 1
				if k >= b.N {
					return
				}
				if err := op(k); err != nil {
					if failed.Add(1) == 1 {
						first.Store(err)
					}
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d of %d ops failed; first: %v", n, b.N, first.Load())
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), unit)
}

func memberCount(b *testing.B, s *Store, groupID int64) int {
	b.Helper()
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM memberships WHERE group_id = ?`, groupID).Scan(&n); err != nil {
		b.Fatal(err)
	}
	return n
}

// contendedJoins makes 16 goroutines join one group at a time: op k goes to
// group k/(2C) with C seats, so every group gets 2C attempts by distinct
// users and half are refused. It fails if any group ends over capacity or
// with a seat left.
func contendedJoins(b *testing.B, workers int, wrap func(func() error) error) {
	s := openBench(b)
	ctx := context.Background()
	seats := min(max(b.N/2, 1), 1000) // the schema caps capacity at 1000
	perGroup := 2 * seats
	groups := createBenchGroups(b, s, "g1", "Contended", (b.N+perGroup-1)/perGroup, seats)
	now := time.Now()
	var admitted, refused atomic.Int64
	runWorkers(b, workers, "joins/s", func(k int) error {
		err := wrap(func() error { return s.Join(ctx, groups[k/perGroup].ID, fmt.Sprintf("u%d", k), now, 0) })
		switch {
		case err == nil:
			admitted.Add(1)
		case errors.Is(err, domain.ErrFull):
			refused.Add(1)
		default:
			return err
		}
		return nil
	})
	for i, g := range groups {
		attempts := min(perGroup, b.N-i*perGroup)
		n := memberCount(b, s, g.ID)
		if n > seats {
			b.Fatalf("group %d has %d members, capacity %d", g.ID, n, seats)
		}
		if n != min(seats, attempts) {
			b.Fatalf("group %d has %d members after %d attempts at %d seats", g.ID, n, attempts, seats)
		}
	}
	b.ReportMetric(100*float64(refused.Load())/float64(b.N), "refused-%")
	st := s.db.Stats()
	b.ReportMetric(float64(st.MaxIdleClosed)/float64(b.N), "conns-reopened/op")
}

func direct(f func() error) error { return f() }

// BenchmarkJoin: joins under contention, and baselines without it.
func BenchmarkJoin(b *testing.B) {
	// 16 goroutines on one group with b.N/2 seats (capped at 1000 per group).
	b.Run("one-group/workers=16", func(b *testing.B) { contendedJoins(b, benchJoiners, direct) })
	b.Run("one-group/workers=1", func(b *testing.B) { contendedJoins(b, 1, direct) })
	// The same, with callers serialised in Go before they reach SQLite: what
	// an in-process writer lock in the store would give.
	b.Run("one-group/workers=16/go-mutex", func(b *testing.B) {
		var mu sync.Mutex
		contendedJoins(b, benchJoiners, func(f func() error) error {
			mu.Lock()
			defer mu.Unlock()
			return f()
		})
	})
	// Baseline: each goroutine joins its own uncapped group (no contention on
	// a group; SQLite still has one writer at a time).
	b.Run("own-group/workers=16", func(b *testing.B) {
		s := openBench(b)
		groups := createBenchGroups(b, s, "g1", "Own", benchJoiners, 0)
		now := time.Now()
		runWorkers(b, benchJoiners, "joins/s", func(k int) error {
			return s.Join(context.Background(), groups[k%benchJoiners].ID, fmt.Sprintf("u%d", k), now, 0)
		})
	})
	// Baseline: a plain insert of a membership, no rule checked.
	b.Run("plain-insert/workers=16", func(b *testing.B) {
		s := openBench(b)
		g := createBenchGroups(b, s, "g1", "Plain", 1, 0)[0]
		now := time.Now().Unix()
		runWorkers(b, benchJoiners, "joins/s", func(k int) error {
			_, err := s.db.Exec(`INSERT INTO memberships (group_id, user_id, joined_at) VALUES (?, ?, ?)`,
				g.ID, fmt.Sprintf("u%d", k), now)
			return err
		})
	})
}

// BenchmarkGrowth: how joins and the /groups queries cost with 20, 1k and
// 10k groups in one server.
func BenchmarkGrowth(b *testing.B) {
	for _, n := range []int{20, 1000, 10000} {
		b.Run(fmt.Sprintf("groups=%d", n), func(b *testing.B) {
			s := openBench(b)
			groups := createBenchGroups(b, s, "g1", "domain.Group", n, 0)
			ctx := context.Background()
			target := groups[len(groups)/2]
			now := time.Now()
			// A member of a few groups, as /groups and autocomplete look them up.
			for _, g := range groups[:min(5, n)] {
				if err := s.Join(ctx, g.ID, "regular", now, 0); err != nil {
					b.Fatal(err)
				}
			}
			var round atomic.Int64
			b.Run("join/workers=16", func(b *testing.B) {
				// A fresh group each round: Join counts the group's members,
				// so a group filled by earlier rounds would measure that.
				b.StopTimer()
				r := round.Add(1)
				fresh := createBenchGroups(b, s, "g2", fmt.Sprintf("Fresh %d", r), 1, 0)[0] // another server: not in g1's lists
				b.StartTimer()
				runWorkers(b, benchJoiners, "joins/s", func(k int) error {
					return s.Join(ctx, fresh.ID, fmt.Sprintf("u%d", k), now, 0)
				})
			})
			b.Run("GroupByName", func(b *testing.B) {
				runWorkers(b, 1, "queries/s", func(int) error {
					_, err := s.GroupByName(ctx, "g1", target.Name)
					return err
				})
			})
			b.Run("Groups", func(b *testing.B) {
				runWorkers(b, 1, "queries/s", func(int) error {
					gs, err := s.Groups(ctx, "g1")
					if err == nil && len(gs) != n {
						err = fmt.Errorf("%d groups, want %d", len(gs), n)
					}
					return err
				})
			})
		})
	}
}
