package store

import (
	"context"
	"testing"
	"time"

	"hearth/domain"
)

// Review findings on the waitlist, each a test that failed first.
func TestWaitlistOffers(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	setup := func(t *testing.T) (*Store, domain.Group) {
		s := openTest(t)
		g := mustCreate(t, s, domain.Group{Name: "Circle", Capacity: 1})
		if err := s.Join(ctx, g.ID, "member", now, 0); err != nil {
			t.Fatal(err)
		}
		for i, u := range []string{"first", "second"} {
			if _, err := s.AddWaiting(ctx, g.ID, u, domain.SeatList, now.Add(time.Duration(i)*time.Second)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.Leave(ctx, g.ID, "member"); err != nil {
			t.Fatal(err)
		}
		return s, g
	}
	t.Run("an offer that never reached its person puts them back in their place", func(t *testing.T) {
		s, g := setup(t)
		o, ok, err := s.OfferNext(ctx, g.ID, now, now.Add(time.Hour))
		if err != nil || !ok || o.UserID != "first" {
			t.Fatalf("offer %+v %v %v", o, ok, err)
		}
		if _, err := s.ExpireOffers(ctx, now.Add(2*time.Hour)); err != nil { // still pending: Discord was down
			t.Fatal(err)
		}
		if list, _ := s.Waiting(ctx, g.ID, domain.SeatList); len(list) != 2 || list[0] != "first" {
			t.Fatalf("waitlist %v, want first back first", list)
		}
	})
	t.Run("a join undone gives the taken seat back to its person", func(t *testing.T) {
		s, g := setup(t)
		o, _, _ := s.OfferNext(ctx, g.ID, now, now.Add(time.Hour))
		s.SetOfferState(ctx, o.ID, domain.OfferOpen)
		if err := s.Join(ctx, g.ID, "first", now, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Leave(ctx, g.ID, "first"); err != nil { // the undo
			t.Fatal(err)
		}
		if err := s.ReopenOffer(ctx, g.ID, "first", now); err != nil {
			t.Fatal(err)
		}
		if held, ok, _ := s.HeldOffer(ctx, g.ID, "first"); !ok || held.State != domain.OfferOpen {
			t.Fatalf("offer after the undo: %+v %v", held, ok)
		}
		if err := s.Join(ctx, g.ID, "second", now, 0); err == nil {
			t.Fatal("someone else took the seat held again")
		}
	})
	t.Run("capacity cannot drop below members and held seats", func(t *testing.T) {
		s := openTest(t)
		g := mustCreate(t, s, domain.Group{Name: "Pair", Capacity: 2})
		if err := s.Join(ctx, g.ID, "member", now, 0); err != nil {
			t.Fatal(err)
		}
		s.AddWaiting(ctx, g.ID, "waiting", domain.SeatList, now)
		if _, ok, err := s.OfferNext(ctx, g.ID, now, now.Add(time.Hour)); !ok || err != nil {
			t.Fatal(ok, err)
		}
		one := 1
		if _, err := s.UpdateGroup(ctx, g.ID, domain.GroupChanges{Capacity: &one}); err == nil {
			t.Fatal("capacity 1 accepted with a member and a seat held")
		}
	})
}
