package domain

import (
	"errors"
	"testing"
)

func TestCheckCapacity(t *testing.T) {
	cases := []struct {
		name    string
		n       int64
		members int
		problem Problem
		limit   int
	}{
		{"above the members", 5, 3, "", 0},
		{"equal to the members", 3, 3, "", 0},
		{"below the members", 2, 3, ProblemBelowMembers, 3},
		{"zero", 0, 0, ProblemRange, MaxCapacity},
		{"over the maximum", MaxCapacity + 1, 0, ProblemRange, MaxCapacity},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := CheckCapacity(c.n, c.members)
			var in *InputError
			switch {
			case c.problem == "" && err != nil:
				t.Errorf("refused: %v", err)
			case c.problem != "" && (!errors.As(err, &in) || in.Problem != c.problem || in.Limit != c.limit):
				t.Errorf("got %v, want %s with limit %d", err, c.problem, c.limit)
			}
		})
	}
}

func TestGroupChangesUndo(t *testing.T) {
	before := Group{Name: "A", Description: "d", Capacity: 3, FacilitatorID: "bob"}
	name, capacity := "B", 5
	c := GroupChanges{Name: &name, Capacity: &capacity}
	after := c.Apply(before)
	if after.Name != "B" || after.Capacity != 5 || after.Description != "d" || after.FacilitatorID != "bob" {
		t.Fatalf("after = %+v", after)
	}
	if back := c.Undo(before).Apply(after); back != before {
		t.Errorf("undone = %+v, want %+v", back, before)
	}
	if !(GroupChanges{}).Empty() || c.Empty() {
		t.Error("Empty is wrong")
	}
}
