package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"hearth/domain"
)

func TestUpdateGroup(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	g := mustCreate(t, s, domain.Group{Name: "Grief Circle", Capacity: 3, FacilitatorID: "bob"})
	mustCreate(t, s, domain.Group{Name: "Other"})
	for _, u := range []string{"alice", "carol"} {
		if err := s.Join(ctx, g.ID, u, time.Now(), 0); err != nil {
			t.Fatal(err)
		}
	}
	name, description, capacity, facilitator := "Loss", "Gently", 4, "dan"
	before, err := s.UpdateGroup(ctx, g.ID, domain.GroupChanges{Name: &name, Description: &description, Capacity: &capacity, FacilitatorID: &facilitator})
	if err != nil {
		t.Fatal(err)
	}
	if before.Name != "Grief Circle" || before.Capacity != 3 || before.FacilitatorID != "bob" {
		t.Errorf("before = %+v", before)
	}
	got, _ := s.GroupByName(ctx, "g1", "loss")
	if got.ID != g.ID || got.Description != "Gently" || got.Capacity != 4 || got.FacilitatorID != "dan" {
		t.Errorf("after = %+v", got)
	}
	// Both facilitators are recorded as granted: bob's is now stray.
	if strays, _ := s.StrayGrants(ctx, g.ID); len(strays) != 1 || strays[0].UserID != "bob" {
		t.Errorf("stray grants %+v, want bob's", strays)
	}

	taken := "other"
	if _, err := s.UpdateGroup(ctx, g.ID, domain.GroupChanges{Name: &taken}); !errors.Is(err, domain.ErrNameTaken) {
		t.Errorf("a taken name: %v", err)
	}
	one := 1
	var input *domain.InputError
	if _, err := s.UpdateGroup(ctx, g.ID, domain.GroupChanges{Capacity: &one, Description: &taken}); !errors.As(err, &input) ||
		input.Problem != domain.ProblemBelowMembers || input.Limit != 2 {
		t.Errorf("capacity below the members: %v", err)
	}
	if got, _ := s.Group(ctx, g.ID); got.Name != "Loss" || got.Capacity != 4 || got.Description != "Gently" {
		t.Errorf("a refused update changed %+v", got)
	}
	if _, err := s.Archive(ctx, g.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateGroup(ctx, g.ID, domain.GroupChanges{Description: &name}); !errors.Is(err, domain.ErrArchived) {
		t.Errorf("an archived group: %v", err)
	}
}
