package store

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"hearth/domain"
)

// conflictOnce makes s's next transaction fail at commit as PostgreSQL
// fails one that overlapped another (so it is run again), after between
// has changed the database from outside it.
func conflictOnce(t *testing.T, s *Store, between func()) {
	t.Helper()
	if !s.Postgres() {
		t.Skip("only PostgreSQL runs a transaction again")
	}
	done := false
	s.beforeCommit = func() error {
		if done {
			return nil
		}
		done = true
		between()
		return &pgconn.PgError{Code: "40001", Message: "could not serialize access"}
	}
	t.Cleanup(func() { s.beforeCommit = nil })
}

// A mark read by a first run and gone by the second (erased meanwhile) is
// not taken for the one held before: the new mark is recorded.
func TestMarkSessionRunTwiceReadsTheMarkAfresh(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	g := mustCreate(t, s, domain.Group{Name: "Circle"})
	now := time.Unix(1_800_000_000, 0)
	if err := s.Join(ctx, g.ID, alice, now, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MarkSession(ctx, g.ID, now, alice, domain.MarkExcused, now); err != nil {
		t.Fatal(err)
	}
	conflictOnce(t, s, func() {
		if _, err := s.db.ExecContext(ctx, `DELETE FROM session_marks`); err != nil {
			t.Error(err)
		}
	})
	before, err := s.MarkSession(ctx, g.ID, now, alice, domain.MarkExcused, now.Add(time.Minute))
	if err != nil || before != "" {
		t.Errorf("MarkSession: held before %q, %v; want none", before, err)
	}
	if marks, _ := s.AllSessionMarks(ctx, g.ID); len(marks) != 1 || marks[0].Mark != domain.MarkExcused {
		t.Errorf("marks %+v, want alice's excused recorded again", marks)
	}
}

// A round started or moved on by a second run is the same as by one run:
// its id and turns come from that run alone.
func TestRoundRunTwice(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	g := mustCreate(t, s, domain.Group{Name: "Circle"})
	now := time.Unix(1_800_000_000, 0)
	conflictOnce(t, s, func() {})
	r, err := s.StartRound(ctx, g.ID, "c", []string{alice, bob}, now)
	if err != nil || len(r.Turns) != 2 || r.Position != 0 {
		t.Fatalf("StartRound: %+v %v", r, err)
	}
	conflictOnce(t, s, func() {})
	if r, err = s.AdvanceRound(ctx, r.ID, 0, domain.TurnDone, now); err != nil || r.Position != 1 || r.Speaker() != bob {
		t.Errorf("AdvanceRound: %+v %v", r, err)
	}
}
