package store

import (
	"hearth/domain"

	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
)

// RecordFirings does what RecordFiring does for each intent, all in one
// transaction, so that a batch of reminders due together costs one commit.
// Each intent stands alone: one whose job changed meanwhile is reported
// (JobChanged) and recorded nothing, without undoing the others. An error
// records nothing at all.
func (s *Store) RecordFirings(ctx context.Context, intents []domain.FiringIntent) ([]domain.FiringRecord, error) {
	out := make([]domain.FiringRecord, len(intents))
	if len(intents) == 0 {
		return out, nil
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		advance, err := tx.PrepareContext(ctx, `UPDATE jobs SET session_at = ?, due_at = ?, attempts = 0,
			claimed_by = '', lease_until = NULL WHERE id = ? AND session_at = ?`)
		if err != nil {
			return err
		}
		defer advance.Close()
		drop, err := tx.PrepareContext(ctx, `DELETE FROM jobs WHERE id = ? AND session_at = ?`)
		if err != nil {
			return err
		}
		defer drop.Close()
		insert, err := tx.PrepareContext(ctx, `INSERT INTO firings
			(group_id, kind, session_at, lead_seconds, state, mentions, retry_at, created_at, done_at,
			 claimed_by, lease_until)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (group_id, kind, session_at, lead_seconds) DO NOTHING RETURNING id`)
		if err != nil {
			return err
		}
		defer insert.Close()
		for i, in := range intents {
			j, f := in.Job, in.Firing
			out[i] = domain.FiringRecord{Firing: f}
			var res sql.Result
			if in.NextSession.IsZero() {
				res, err = drop.ExecContext(ctx, j.ID, j.SessionAt.Unix())
			} else {
				res, err = advance.ExecContext(ctx, in.NextSession.Unix(), in.NextDue.Unix(), j.ID, j.SessionAt.Unix())
			}
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				out[i].JobChanged = true
				continue
			}
			err = insert.QueryRowContext(ctx, f.GroupID, f.Kind, f.SessionAt.Unix(), int64(f.Lead/time.Second), f.State,
				strings.Join(f.Mentions, " "), toUnix(f.RetryAt), f.CreatedAt.Unix(), toUnix(f.DoneAt),
				s.lease.owner, s.firingLease(f)).Scan(&out[i].Firing.ID)
			if errors.Is(err, sql.ErrNoRows) {
				continue // recorded before
			}
			if err != nil {
				return err
			}
			out[i].Created = true
			for _, user := range f.DMs {
				if _, err := s.txExec(ctx, tx, `INSERT INTO reminder_dms (firing_id, user_id, state) VALUES (?, ?, 'sending')`,
					out[i].Firing.ID, user); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GroupsWithMembers reads the groups ids (those that exist) and their
// members, in the order they joined, with two queries: what a batch of due
// reminders needs, read at once.
func (s *Store) GroupsWithMembers(ctx context.Context, ids []int64) (map[int64]domain.Group, map[int64][]string, error) {
	groups := make(map[int64]domain.Group, len(ids))
	members := make(map[int64][]string, len(ids))
	if len(ids) == 0 {
		return groups, members, nil
	}
	in, args := idList(ids)
	list, err := s.queryGroups(ctx, `SELECT `+groupColumns+` FROM groups g WHERE g.id IN `+in, args...)
	if err != nil {
		return nil, nil, err
	}
	for _, g := range list {
		groups[g.ID] = g
	}
	rows, err := s.db.QueryContext(ctx, `SELECT group_id, user_id FROM memberships WHERE group_id IN `+in+`
		ORDER BY group_id, joined_at, user_id`, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var user string
		if err := rows.Scan(&id, &user); err != nil {
			return nil, nil, err
		}
		members[id] = append(members[id], user)
	}
	return groups, members, rows.Err()
}

// firingLease is the lease of a firing just recorded: one still to send is
// this process's until its lease runs out.
func (s *Store) firingLease(f domain.Firing) any {
	if f.State != domain.FiringSending || !f.RetryAt.IsZero() {
		return nil
	}
	return s.leaseUntil(f.CreatedAt)
}
