package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"hearth/domain"
)

// Tests of what only several processes on PostgreSQL have. They run in
// the first pass (it does not matter which) and skip in the second.

func onceOnly(t *testing.T) {
	t.Helper()
	if onPG {
		t.Skip("runs once, in the first pass")
	}
}

// openHandles opens n stores on one new PostgreSQL database, as n
// processes would.
func openHandles(t *testing.T, n int) []*Store {
	t.Helper()
	url := newPostgresURL(t)
	var out []*Store
	for range n {
		s, err := OpenDatabase(context.Background(), url, "")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		out = append(out, s)
	}
	return out
}

func TestConcurrentJoinsFromSeveralProcessesNeverExceedCapacity(t *testing.T) {
	onceOnly(t)
	ctx := context.Background()
	handles := openHandles(t, 4)
	const capacity, people = 7, 60
	g := mustCreate(t, handles[0], domain.Group{Name: "Capped", Capacity: capacity})
	var wg sync.WaitGroup
	errs := make([]error, people)
	for i := range people {
		wg.Go(func() {
			errs[i] = handles[i%len(handles)].Join(ctx, g.ID, fmt.Sprintf("u%d", i), time.Now(), 0)
		})
	}
	wg.Wait()
	joined := 0
	for i, err := range errs {
		switch {
		case err == nil:
			joined++
		case !errors.Is(err, domain.ErrFull):
			t.Errorf("join %d: %v", i, err)
		}
	}
	got, err := handles[1].Group(ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	members, _ := handles[2].Members(ctx, g.ID)
	if joined != capacity || got.MemberCount != capacity || len(members) != capacity {
		t.Fatalf("%d joins succeeded, member_count %d, %d members; want %d each", joined, got.MemberCount, len(members), capacity)
	}
}

// Joins and leaves of one group from several processes wait for one
// another rather than collide: PostgreSQL refuses none of them.
func TestJoinsOfOneGroupQueueAcrossProcesses(t *testing.T) {
	onceOnly(t)
	ctx := context.Background()
	handles := openHandles(t, 3)
	g := mustCreate(t, handles[0], domain.Group{Name: "Busy", Capacity: 1000})
	var wg sync.WaitGroup
	for i := range 24 {
		wg.Go(func() {
			u := fmt.Sprintf("u%d", i)
			h := handles[i%len(handles)]
			if err := h.Join(ctx, g.ID, u, time.Now(), 0); err != nil {
				t.Errorf("join %s: %v", u, err)
			}
			if i%2 == 0 {
				if _, err := h.Leave(ctx, g.ID, u); err != nil {
					t.Errorf("leave %s: %v", u, err)
				}
			}
		})
	}
	wg.Wait()
	for i, h := range handles {
		if n := h.retries.Load(); n != 0 {
			t.Errorf("process %d ran %d transactions again", i, n)
		}
	}
	if got, _ := handles[1].Group(ctx, g.ID); got.MemberCount != 12 {
		t.Errorf("member_count %d, want 12", got.MemberCount)
	}
}

// A join made while its group's lock across processes is held (as the
// groups service holds it around a join) goes through: the two locks are
// not the same.
func TestJoinUnderTheGroupLock(t *testing.T) {
	onceOnly(t)
	handles := openHandles(t, 1)
	g := mustCreate(t, handles[0], domain.Group{Name: "Locked", Capacity: 5})
	unlock, err := handles[0].LockGroup(context.Background(), g.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := handles[0].Join(ctx, g.ID, "u1", time.Now(), 0); err != nil {
		t.Fatalf("join under the group lock: %v", err)
	}
	if _, err := handles[0].Leave(ctx, g.ID, "u1"); err != nil {
		t.Fatalf("leave under the group lock: %v", err)
	}
}

func TestGroupLockHoldsAcrossProcesses(t *testing.T) {
	onceOnly(t)
	handles := openHandles(t, 2)
	unlock, err := handles[0].LockGroup(context.Background(), 42)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := handles[1].LockGroup(ctx, 42); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second process took a held group lock: %v", err)
	}
	other, err := handles[1].LockGroup(context.Background(), 43) // another group is free
	if err != nil {
		t.Fatal(err)
	}
	other()
	unlock()
	again, err := handles[1].LockGroup(context.Background(), 42)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	again()
}

func TestServerLockHoldsAcrossProcesses(t *testing.T) {
	onceOnly(t)
	handles := openHandles(t, 2)
	unlock, err := handles[0].LockGuild(context.Background(), "1001")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := handles[1].LockGuild(ctx, "1001"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second process took a held server lock: %v", err)
	}
	other, err := handles[1].LockGuild(context.Background(), "events 1001")
	if err != nil {
		t.Fatal(err)
	}
	other()
	unlock()
	again, err := handles[1].LockGuild(context.Background(), "1001")
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	again()
}

func TestCopyFromSQLite(t *testing.T) {
	onceOnly(t)
	ctx := context.Background()
	src, err := Open(ctx, filepath.Join(t.TempDir(), "hearth.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	if err := src.SaveSettings(ctx, domain.Settings{GuildID: "g1", ModeratorRoleID: "r1", Timezone: "Europe/Madrid"}); err != nil {
		t.Fatal(err)
	}
	var last domain.Group
	for i := range 5 {
		last = mustCreate(t, src, domain.Group{Name: fmt.Sprintf("Group %d", i), Capacity: 3, Schedule: "0 18 * * MON",
			Kind: domain.KindClosed, Guidelines: "Be kind — sé amable"})
		for u := range 3 {
			if err := src.Join(ctx, last.ID, fmt.Sprintf("u%d", u), now, 1); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := src.AddWaiting(ctx, last.ID, "waiter", domain.SeatList, now); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := src.Secret(ctx, "buttons"); err != nil {
		t.Fatal(err)
	}

	dst := openPostgresTest(t)
	copied, err := dst.CopyFrom(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]int64{}
	for _, c := range copied {
		rows[c.Table] = c.DestRows
		if c.SourceSum != c.DestSum || c.SourceRows != c.DestRows {
			t.Errorf("%+v", c)
		}
	}
	if rows["groups"] != 5 || rows["memberships"] != 15 || rows["waiting"] != 5 || rows["secrets"] != 1 || rows["jobs"] == 0 {
		t.Errorf("copied %v", rows)
	}
	// The copy works as the database: counts kept, new ids after the old.
	g, err := dst.Group(ctx, last.ID)
	if err != nil || g.MemberCount != 3 {
		t.Fatalf("copied group %+v, %v", g, err)
	}
	next := mustCreate(t, dst, domain.Group{Name: "After the copy"})
	if next.ID <= last.ID {
		t.Errorf("new group id %d reuses a copied one (last %d)", next.ID, last.ID)
	}
	if _, err := dst.Leave(ctx, last.ID, "u0"); err != nil {
		t.Fatal(err)
	}
	if g, _ := dst.Group(ctx, last.ID); g.MemberCount != 2 {
		t.Errorf("member count after a leave: %d", g.MemberCount)
	}
	// A second copy into the same database is refused.
	if _, err := dst.CopyFrom(ctx, src); !errors.Is(err, ErrNotEmpty) {
		t.Fatalf("copy into a non-empty database: %v", err)
	}
}
