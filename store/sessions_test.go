package store

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"hearth/domain"
)

func TestSessionMarksAndPresence(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	g := mustCreate(t, s, domain.Group{Name: "Circle", Capacity: 10})
	session := time.Date(2026, 3, 2, 18, 0, 0, 0, time.UTC)
	for _, u := range []string{"ana", "ben", "cy"} {
		if err := s.Join(ctx, g.ID, u, session.Add(-time.Hour), 0); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.MarkSession(ctx, g.ID, session, "outsider", domain.MarkHere, session); !errors.Is(err, domain.ErrNotMember) {
		t.Fatalf("a non-member's mark: %v, want ErrNotMember", err)
	}
	if _, err := s.MarkSession(ctx, g.ID, session, "ana", domain.MarkExcused, session.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if before, err := s.MarkSession(ctx, g.ID, session, "ana", domain.MarkHere, session.Add(time.Minute)); err != nil || before != domain.MarkExcused {
		t.Fatalf("here after excused: before %q, %v", before, err)
	}
	if _, err := s.MarkSession(ctx, g.ID, session, "ana", domain.MarkExcused, session.Add(2*time.Minute)); !errors.Is(err, domain.ErrCheckedIn) {
		t.Fatalf("excused after here: %v, want ErrCheckedIn", err)
	}
	if _, err := s.MarkSession(ctx, g.ID, session, "ben", domain.MarkHere, session.Add(3*time.Minute)); err != nil {
		t.Fatal(err)
	}

	present := func(at time.Time) []string {
		t.Helper()
		p, err := s.PresentMembers(ctx, g.ID, at)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	if got := present(session.Add(10 * time.Minute)); !slices.Equal(got, []string{"ana", "ben"}) {
		t.Errorf("present during the session: %v, want the checked in", got)
	}
	if got := present(session.Add(90 * time.Minute)); len(got) != 0 {
		t.Errorf("present after the session: %v, want nobody", got)
	}
	// Those in voice come first (members only), then the checked in who are not.
	for _, u := range []string{"cy", "outsider"} {
		if _, err := s.db.ExecContext(ctx, `INSERT INTO voice_intervals (group_id, user_id, joined_at) VALUES (?, ?, ?)`,
			g.ID, u, session.Add(5*time.Minute).Unix()); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO voice_intervals (group_id, user_id, joined_at) VALUES (?, ?, ?)`,
		g.ID, "ben", session.Add(6*time.Minute).Unix()); err != nil {
		t.Fatal(err)
	}
	if got := present(session.Add(10 * time.Minute)); !slices.Equal(got, []string{"cy", "ben", "ana"}) {
		t.Errorf("present with some in voice: %v, want cy, ben (voice) then ana (checked in)", got)
	}
}

func TestRoundTurns(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	g := mustCreate(t, s, domain.Group{Name: "Circle", Capacity: 10})
	now := time.Date(2026, 3, 2, 18, 0, 0, 0, time.UTC)
	for _, u := range []string{"ana", "ben", "cy"} {
		if err := s.Join(ctx, g.ID, u, now, 0); err != nil {
			t.Fatal(err)
		}
	}
	r, err := s.StartRound(ctx, g.ID, "ch", []string{"ben", "ana"}, now)
	if err != nil || r.Speaker() != "ben" {
		t.Fatalf("round %+v, %v", r, err)
	}
	if _, err := s.StartRound(ctx, g.ID, "ch", []string{"cy"}, now); !errors.Is(err, domain.ErrRoundOpen) {
		t.Fatalf("a second round: %v, want ErrRoundOpen", err)
	}
	if r, err = s.AdvanceRound(ctx, r.ID, 0, domain.TurnPassed, now); err != nil || r.Speaker() != "ana" {
		t.Fatalf("after a pass: %+v, %v", r, err)
	}
	if _, err := s.AdvanceRound(ctx, r.ID, 0, domain.TurnDone, now); !errors.Is(err, domain.ErrTurnMoved) {
		t.Fatalf("a second press on the same turn: %v, want ErrTurnMoved", err)
	}
	if _, err := s.AddToRound(ctx, g.ID, "ana"); !errors.Is(err, domain.ErrInRound) {
		t.Fatalf("adding someone in it: %v", err)
	}
	if _, err := s.AddToRound(ctx, g.ID, "outsider"); !errors.Is(err, domain.ErrNotMember) {
		t.Fatalf("adding a non-member: %v", err)
	}
	if r, err = s.AddToRound(ctx, g.ID, "cy"); err != nil || len(r.Turns) != 3 {
		t.Fatalf("adding cy: %+v, %v", r, err)
	}
	r, _ = s.AdvanceRound(ctx, r.ID, 1, domain.TurnDone, now)
	if r, err = s.AdvanceRound(ctx, r.ID, 2, domain.TurnDone, now); err != nil || !r.Ended || r.Speaker() != "" {
		t.Fatalf("after the last turn: %+v, %v", r, err)
	}
	want := []domain.Turn{{UserID: "ben", Outcome: "passed"}, {UserID: "ana", Outcome: "done"}, {UserID: "cy", Outcome: "done"}}
	if !slices.Equal(r.Turns, want) {
		t.Errorf("turns %+v, want %+v", r.Turns, want)
	}
	if _, err := s.StartRound(ctx, g.ID, "ch", []string{"cy"}, now); err != nil {
		t.Errorf("a new round after the last ended: %v", err)
	}
}
