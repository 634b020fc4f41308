package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"hearth/domain"
)

// UpdateGroup changes a live group's name, description, capacity or
// facilitator (the fields of c that are set) in one transaction, and
// returns the group as it was before, for an undo. It returns
// domain.ErrNameTaken when another live group of the server has the name,
// domain.ErrArchived for an archived group, and an input error when the
// capacity is below the members the group has now: the count is read in
// the same transaction, so no join slips in between.
//
// None of these fields shapes the group's jobs, so the plan stays as it
// is. A changed facilitator's overwrite, and their predecessor's, are
// recorded as grants: whoever of them ends up neither facilitating nor a
// member has a stray grant, which the sweep and reconciliation remove.
func (s *Store) UpdateGroup(ctx context.Context, groupID int64, c domain.GroupChanges) (domain.Group, error) {
	var before domain.Group
	err := s.tx(ctx, func(tx *sql.Tx) error {
		g, err := scanGroup(s.txQueryRow(ctx, tx, `SELECT `+groupColumns+` FROM groups g WHERE g.id = ?`, groupID))
		if errors.Is(err, sql.ErrNoRows) {
			return domain.ErrNoGroup
		}
		if err != nil {
			return err
		}
		if g.State == domain.StateArchived {
			return domain.ErrArchived
		}
		before = g
		if c.Capacity != nil {
			if err := domain.CheckCapacity(int64(*c.Capacity), g.MemberCount+g.HeldSeats); err != nil {
				return err
			}
		}
		var name, key, description, facilitator sql.NullString
		var capacity sql.NullInt64
		if c.Name != nil {
			name = sql.NullString{String: *c.Name, Valid: true}
			key = sql.NullString{String: domain.NameKey(*c.Name), Valid: true}
		}
		if c.Description != nil {
			description = sql.NullString{String: *c.Description, Valid: true}
		}
		if c.Capacity != nil {
			capacity = sql.NullInt64{Int64: int64(*c.Capacity), Valid: true}
		}
		if c.FacilitatorID != nil {
			facilitator = sql.NullString{String: *c.FacilitatorID, Valid: true}
		}
		_, err = s.txExec(ctx, tx, `UPDATE groups SET name = coalesce(?, name), name_key = coalesce(?, name_key),
			description = coalesce(?, description), capacity = coalesce(?, capacity),
			facilitator_id = coalesce(?, facilitator_id) WHERE id = ?`,
			name, key, description, capacity, facilitator, groupID)
		if isUniqueViolation(err) {
			return domain.ErrNameTaken
		}
		if err != nil {
			return fmt.Errorf("update group: %w", err)
		}
		if c.FacilitatorID == nil || *c.FacilitatorID == g.FacilitatorID {
			return nil
		}
		for _, id := range []string{g.FacilitatorID, *c.FacilitatorID} {
			if id == "" {
				continue
			}
			if _, err := s.txExec(ctx, tx, `INSERT INTO grants (group_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, groupID, id); err != nil {
				return err
			}
		}
		return nil
	})
	return before, err
}
