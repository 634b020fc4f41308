package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"hearth/domain"
)

// The plan of a group (its reminder, lock and completion jobs) is written
// by replan inside the transaction that changes the group, so no crash or
// cancelled request can leave a group changed but unplanned: a group
// without reminders, or a closed group that never locks.

// replan works out group id's jobs from its row as it stands inside tx,
// and replaces its pending jobs with them.
func (s *Store) replan(ctx context.Context, tx *sql.Tx, groupID int64, now time.Time) error {
	g, err := scanGroup(s.txQueryRow(ctx, tx, `SELECT `+groupColumns+` FROM groups g WHERE g.id = ?`, groupID))
	if errors.Is(err, sql.ErrNoRows) {
		return domain.ErrNoGroup
	}
	if err != nil {
		return err
	}
	existing, err := txJobs(ctx, tx, groupID)
	if err != nil {
		return err
	}
	p, err := domain.PlanJobs(g, existing, now)
	if err != nil {
		return fmt.Errorf("plan group %d: %w", groupID, err)
	}
	if err := writeJobs(ctx, tx, groupID, p.Jobs); err != nil {
		return err
	}
	_, err = s.txExec(ctx, tx, `UPDATE groups SET lock_at = ?, planned_at = ? WHERE id = ?`,
		toUnix(p.LockAt), now.Unix(), groupID)
	return err
}

// planTx runs fn in one transaction, as tx does, and tells the scheduler
// once it has committed: fn changed some group's plan.
func (s *Store) planTx(ctx context.Context, fn func(*sql.Tx) error) error {
	if err := s.tx(ctx, fn); err != nil {
		return err
	}
	s.planChanged()
	return nil
}

func txJobs(ctx context.Context, tx *sql.Tx, groupID int64) ([]domain.Job, error) {
	return queryJobs(ctx, tx, `SELECT `+jobColumns+` FROM jobs WHERE group_id = ?`, groupID)
}

// writeJobs makes a group's pending jobs exactly jobs, each a new row with
// a new id (ids are never reused): a worker still holding the id of a job
// it read before the change finds nothing, and re-reads the due jobs.
func writeJobs(ctx context.Context, tx *sql.Tx, groupID int64, jobs []domain.Job) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM jobs WHERE group_id = ?`, groupID); err != nil {
		return err
	}
	for _, j := range jobs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO jobs
			(group_id, kind, session_at, lead_seconds, due_at, until_at, attempts) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			groupID, j.Kind, j.SessionAt.Unix(), int64(j.Lead/time.Second), toUnix(j.DueAt), toUnix(j.UntilAt),
			j.Attempts); err != nil {
			return err
		}
	}
	return nil
}

// Replan writes group id's plan anew from its row, as every change to the
// group does. Start-up repair uses it through ReplanUnplanned.
func (s *Store) Replan(ctx context.Context, groupID int64, now time.Time) error {
	return s.planTx(ctx, func(tx *sql.Tx) error { return s.replan(ctx, tx, groupID, now) })
}

// ReplanUnplanned plans every live group whose plan was never written (an
// older Hearth changed it and died before planning) and returns how many it
// planned. A group that cannot be planned does not stop the others: their
// errors are returned together, and it is tried again at the next start.
func (s *Store) ReplanUnplanned(ctx context.Context, now time.Time) (int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM groups WHERE planned_at IS NULL AND state <> 'archived' ORDER BY id`)
	if err != nil {
		return 0, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	planned := 0
	var errs []error
	for _, id := range ids {
		switch err := s.Replan(ctx, id, now); {
		case err == nil:
			planned++
		case !errors.Is(err, domain.ErrNoGroup):
			errs = append(errs, fmt.Errorf("group %d: %w", id, err))
		}
	}
	return planned, errors.Join(errs...)
}

// PlanChanged receives after a transaction may have changed some group's
// jobs: the scheduler listens, so that a new earlier job wakes it.
func (s *Store) PlanChanged() <-chan struct{} { return s.planned }

func (s *Store) planChanged() {
	select {
	case s.planned <- struct{}{}:
	default:
	}
}
