package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mattn/go-sqlite3"

	"hearth/domain"
)

// Storage faults under a running Hearth: the database turns read-only, or
// the disk fills up. A Join then fails with an error that says so, changes
// nothing, and works again once the fault is gone.
//
// Both faults are set with a pragma, which holds for one connection only,
// so the pool is kept to poolSize connections while a test runs and each
// pragma is run on every one of them. Two are needed: a transaction holds
// one while the store prepares its statements on the pool. A chmod of the
// file would be no stand-in: SQLite keeps the descriptors it opened
// read-write, and root ignores file modes anyway.
const poolSize = 2

// pinPool keeps s to poolSize connections for as long as the test runs.
func pinPool(t *testing.T, s *Store) {
	t.Helper()
	s.db.SetMaxOpenConns(poolSize)
	s.db.SetMaxIdleConns(poolSize)
	t.Cleanup(func() { s.db.SetMaxOpenConns(0) })
}

// pragma runs PRAGMA p on every connection of the pinned pool.
func pragma(t *testing.T, s *Store, p string) {
	t.Helper()
	ctx := context.Background()
	for range poolSize {
		c, err := s.db.Conn(ctx) // held until all are taken, so each is another
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := c.ExecContext(ctx, "PRAGMA "+p); err != nil {
			t.Fatalf("PRAGMA %s: %v", p, err)
		}
	}
}

// joinState is what a Join changes: the member count, the memberships and
// the grants.
type joinState struct {
	count           int
	members, grants []string
}

func readJoinState(t *testing.T, s *Store, groupID int64) joinState {
	t.Helper()
	ctx := context.Background()
	g, err := s.Group(ctx, groupID)
	if err != nil {
		t.Fatal(err)
	}
	members, err := s.Members(ctx, groupID)
	if err != nil {
		t.Fatal(err)
	}
	grants, err := s.Grants(ctx, groupID)
	if err != nil {
		t.Fatal(err)
	}
	return joinState{count: g.MemberCount, members: members, grants: grants}
}

func (a joinState) equal(b joinState) bool {
	return a.count == b.count && slices.Equal(a.members, b.members) && slices.Equal(a.grants, b.grants)
}

// joinFailsThenWorks checks that joining fails with an SQLite error of
// code want while the fault holds, leaving the group as it was, and
// succeeds once lift has run.
func joinFailsThenWorks(t *testing.T, s *Store, g domain.Group, want sqlite3.ErrNo, lift func()) {
	t.Helper()
	ctx := context.Background()
	before := readJoinState(t, s, g.ID)
	err := s.Join(ctx, g.ID, "newcomer", time.Now(), 0)
	var se sqlite3.Error
	switch {
	case err == nil:
		t.Fatal("Join succeeded under the fault")
	case !errors.As(err, &se):
		t.Errorf("Join failed with %T %v; want an sqlite3.Error", err, err)
	case se.Code != want:
		t.Errorf("Join failed with code %d (extended %d) %v; want code %d", se.Code, se.ExtendedCode, err, want)
	}
	if !errors.Is(err, domain.ErrStorage) {
		t.Errorf("Join failed with %v, which does not read as domain.ErrStorage (replies would not say so)", err)
	}
	for _, typed := range []error{domain.ErrFull, domain.ErrLocked, domain.ErrNoGroup, domain.ErrAlreadyMember} {
		if errors.Is(err, typed) {
			t.Errorf("Join failed with %v, which reads as the domain's %v", err, typed)
		}
	}
	t.Logf("Join under the fault: %T code=%d extended=%d %q", se, se.Code, se.ExtendedCode, err)
	if after := readJoinState(t, s, g.ID); !after.equal(before) {
		t.Errorf("the failed Join changed the group: %+v, was %+v", after, before)
	}

	lift()
	if err := s.Join(ctx, g.ID, "newcomer", time.Now(), 0); err != nil {
		t.Fatalf("Join after the fault was lifted: %v", err)
	}
	after := readJoinState(t, s, g.ID)
	if after.count != before.count+1 || !slices.Contains(after.members, "newcomer") || !slices.Contains(after.grants, "newcomer") {
		t.Errorf("after the fault, Join left %+v (was %+v)", after, before)
	}
}

func TestJoinOnReadOnlyDatabase(t *testing.T) {
	sqliteOnly(t, "PRAGMA query_only; TestJoinOnReadOnlyPostgres is PostgreSQL's")
	s := openTest(t)
	g := mustCreate(t, s, domain.Group{Name: "Circle", Capacity: 5})
	if err := s.Join(context.Background(), g.ID, "alice", time.Now(), 0); err != nil {
		t.Fatal(err)
	}
	pinPool(t, s)
	pragma(t, s, "query_only = ON")
	joinFailsThenWorks(t, s, g, sqlite3.ErrReadonly, func() { pragma(t, s, "query_only = OFF") })
}

func TestJoinOnFullDisk(t *testing.T) {
	sqliteOnly(t, "a full disk made with PRAGMA max_page_count")
	ctx := context.Background()
	s := openTest(t)
	g := mustCreate(t, s, domain.Group{Name: "Circle"})
	pinPool(t, s)
	var pages int
	if err := s.db.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	// The file may not grow, and the pages it has are filled: members
	// sorting before the newcomer, so that the newcomer's membership needs
	// a page of its own. Each size is added until the disk is full, from
	// large to none, leaving no room for even a short row.
	pragma(t, s, fmt.Sprintf("max_page_count = %d", pages+2))
	n := 0
	for _, pad := range []int{2000, 500, 100, 20, 0, -1} {
		for {
			n++
			id := fmt.Sprintf("ballast-%06d-%s", n, strings.Repeat("x", max(pad, 0)))
			if pad < 0 {
				id = fmt.Sprintf("a%07d", n) // as short as the newcomer's, sorting before it
			}
			if err := s.Join(ctx, g.ID, id, time.Now(), 0); err != nil {
				if se := (sqlite3.Error{}); !errors.As(err, &se) || se.Code != sqlite3.ErrFull {
					t.Fatalf("filling the disk: %v", err)
				}
				break
			}
		}
	}
	joinFailsThenWorks(t, s, g, sqlite3.ErrFull, func() { pragma(t, s, "max_page_count = 1073741823") })
}
