package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"hearth/domain"
)

// Test-only conveniences over the store's operations.

// ReplaceJobs sets a group's pending jobs to jobs, in one transaction,
// leaving its row as it is: for loading jobs made elsewhere. Changes to a
// group plan their jobs themselves.
func (s *Store) ReplaceJobs(ctx context.Context, groupID int64, jobs []domain.Job) error {
	return s.planTx(ctx, func(tx *sql.Tx) error { return writeJobs(ctx, tx, groupID, jobs) })
}

// AdvanceJob moves a job on to its next occurrence, provided nobody changed
// it since it was read as j; otherwise it returns ErrJobChanged.
func (s *Store) AdvanceJob(ctx context.Context, j domain.Job, sessionAt, dueAt time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error { return advanceJob(ctx, tx, j, sessionAt, dueAt) })
}

// advanceJob moves j to sessionAt/dueAt, or deletes it when sessionAt is zero.
func advanceJob(ctx context.Context, tx *sql.Tx, j domain.Job, sessionAt, dueAt time.Time) error {
	var res sql.Result
	var err error
	if sessionAt.IsZero() {
		res, err = tx.ExecContext(ctx, `DELETE FROM jobs WHERE id = ? AND session_at = ?`, j.ID, j.SessionAt.Unix())
	} else {
		res, err = tx.ExecContext(ctx, `UPDATE jobs SET session_at = ?, due_at = ?, attempts = 0
			WHERE id = ? AND session_at = ?`, sessionAt.Unix(), dueAt.Unix(), j.ID, j.SessionAt.Unix())
	}
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.ErrJobChanged
	}
	return nil
}

// RecordFiring records the firing f of job j and, in the same transaction,
// moves j on to nextSession/nextDue (or deletes it when nextSession is zero).
// It reports whether f is new: false means this reminder was recorded
// before, and must not be sent again. It returns ErrJobChanged, recording
// nothing, when j changed since it was read.
func (s *Store) RecordFiring(ctx context.Context, j domain.Job, f domain.Firing, nextSession, nextDue time.Time) (domain.Firing, bool, error) {
	created := false
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if err := advanceJob(ctx, tx, j, nextSession, nextDue); err != nil {
			return err
		}
		created = false
		err := tx.QueryRowContext(ctx, `INSERT INTO firings
			(group_id, kind, session_at, lead_seconds, state, mentions, retry_at, created_at, done_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (group_id, kind, session_at, lead_seconds) DO NOTHING RETURNING id`,
			f.GroupID, f.Kind, f.SessionAt.Unix(), int64(f.Lead/time.Second), f.State,
			strings.Join(f.Mentions, " "), toUnix(f.RetryAt), f.CreatedAt.Unix(), toUnix(f.DoneAt)).Scan(&f.ID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		created = err == nil
		return err
	})
	return f, created, err
}
