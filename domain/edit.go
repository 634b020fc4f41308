package domain

// ProblemBelowMembers is a capacity lower than the group's members; Limit
// is how many members it has.
const ProblemBelowMembers Problem = "below_members"

// GroupChanges are the settings /group edit changes; a nil field stays as
// it is.
type GroupChanges struct {
	Name          *string
	Description   *string
	Capacity      *int
	FacilitatorID *string
}

// Empty reports whether c changes nothing.
func (c GroupChanges) Empty() bool {
	return c.Name == nil && c.Description == nil && c.Capacity == nil && c.FacilitatorID == nil
}

// Apply returns g with c's changes.
func (c GroupChanges) Apply(g Group) Group {
	if c.Name != nil {
		g.Name = *c.Name
	}
	if c.Description != nil {
		g.Description = *c.Description
	}
	if c.Capacity != nil {
		g.Capacity = *c.Capacity
	}
	if c.FacilitatorID != nil {
		g.FacilitatorID = *c.FacilitatorID
	}
	return g
}

// Undo returns the changes that put back what c changed in before.
func (c GroupChanges) Undo(before Group) GroupChanges {
	var u GroupChanges
	if c.Name != nil {
		u.Name = &before.Name
	}
	if c.Description != nil {
		u.Description = &before.Description
	}
	if c.Capacity != nil {
		u.Capacity = &before.Capacity
	}
	if c.FacilitatorID != nil {
		u.FacilitatorID = &before.FacilitatorID
	}
	return u
}

// CheckCapacity refuses a capacity outside 1..MaxCapacity, or below the
// members a group already has: nobody is put out by a smaller group.
func CheckCapacity(n int64, members int) error {
	if err := CheckCount("capacity", n, MaxCapacity); err != nil {
		return err
	}
	if n < int64(members) {
		return Input("capacity", ProblemBelowMembers).Max(members)
	}
	return nil
}
