package store

import (
	"hearth/domain"

	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
)

const jobColumns = `id, group_id, kind, session_at, lead_seconds, due_at, until_at, attempts`

func scanJob(r rowScanner) (domain.Job, error) {
	var j domain.Job
	var session, lead int64
	var due, until sql.NullInt64
	if err := r.Scan(&j.ID, &j.GroupID, &j.Kind, &session, &lead, &due, &until, &j.Attempts); err != nil {
		return domain.Job{}, err
	}
	j.SessionAt = time.Unix(session, 0).UTC()
	j.Lead = time.Duration(lead) * time.Second
	j.DueAt, j.UntilAt = fromUnix(due), fromUnix(until)
	return j, nil
}

// querier is a database or a transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func queryJobs(ctx context.Context, q querier, query string, args ...any) ([]domain.Job, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// Jobs lists a group's pending jobs.
func (s *Store) Jobs(ctx context.Context, groupID int64) ([]domain.Job, error) {
	return queryJobs(ctx, s.db, `SELECT `+jobColumns+` FROM jobs WHERE group_id = ? ORDER BY kind, lead_seconds DESC`, groupID)
}

// NextWake is the earliest time a job or a reminder retry is due, found
// through indexes without reading the rest. Work claimed while due (by a
// process that died or was stopped before it released it, or by another
// process this moment) can be taken when its lease runs out, not before:
// it counts by that time, or the loop would wake again at once and spin.
func (s *Store) NextWake(ctx context.Context) (time.Time, bool, error) {
	var at sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT min(t) FROM (
		SELECT (SELECT due_at FROM jobs WHERE due_at IS NOT NULL AND (lease_until IS NULL OR lease_until <= due_at)
			ORDER BY due_at LIMIT 1) AS t
		UNION ALL
		SELECT (SELECT retry_at FROM firings WHERE state = 'sending' AND retry_at IS NOT NULL
			AND (lease_until IS NULL OR lease_until <= retry_at) ORDER BY retry_at LIMIT 1)
		UNION ALL
		SELECT min(expires_at) FROM offers WHERE state IN ('pending', 'open')
		UNION ALL
		SELECT min(lease_until) FROM jobs WHERE lease_until IS NOT NULL
		UNION ALL
		SELECT min(lease_until) FROM firings WHERE lease_until IS NOT NULL) AS wake`).Scan(&at)
	if err != nil || !at.Valid {
		return time.Time{}, false, err
	}
	return time.Unix(at.Int64, 0).UTC(), true, nil
}

// DueJobs returns up to limit jobs due at or before now, earliest first;
// jobs due at the same second come in group order.
func (s *Store) DueJobs(ctx context.Context, now time.Time, limit int) ([]domain.Job, error) {
	return queryJobs(ctx, s.db, `SELECT `+jobColumns+` FROM jobs WHERE due_at <= ? ORDER BY due_at, group_id, id LIMIT ?`,
		now.Unix(), limit)
}

// ClaimJob marks a job in flight (no due time) so the loop does not pick it
// again while a worker runs it. It reports false when the job is gone or
// already claimed.
func (s *Store) ClaimJob(ctx context.Context, id int64) (bool, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE jobs SET due_at = NULL, claimed_by = ?, lease_until = coalesce(lease_until, ?)
		WHERE id = ? AND due_at IS NOT NULL`, s.lease.owner, s.leaseUntil(time.Now()), id)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// RetryJob makes a failed job due again at `at`, counting the attempt.
func (s *Store) RetryJob(ctx context.Context, id int64, at time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE jobs SET due_at = ?, attempts = attempts + 1, claimed_by = '', lease_until = NULL WHERE id = ?`, at.Unix(), id)
	return err
}

// FinishJob deletes a job that has done its work.
func (s *Store) FinishJob(ctx context.Context, id int64) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM jobs WHERE id = ?`, id)
	return err
}

const firingColumns = `id, group_id, kind, session_at, lead_seconds, state, mentions, parts_sent,
	attempts, attempt_at, retry_at, created_at, done_at`

func scanFiring(r rowScanner) (domain.Firing, error) {
	var f domain.Firing
	var session, lead, created int64
	var mentions string
	var attempt, retry, done sql.NullInt64
	if err := r.Scan(&f.ID, &f.GroupID, &f.Kind, &session, &lead, &f.State, &mentions, &f.PartsSent,
		&f.Attempts, &attempt, &retry, &created, &done); err != nil {
		return domain.Firing{}, err
	}
	f.SessionAt, f.CreatedAt = time.Unix(session, 0).UTC(), time.Unix(created, 0).UTC()
	f.Lead = time.Duration(lead) * time.Second
	f.Mentions = strings.Fields(mentions)
	f.AttemptAt, f.RetryAt, f.DoneAt = fromUnix(attempt), fromUnix(retry), fromUnix(done)
	return f, nil
}

func (s *Store) queryFirings(ctx context.Context, query string, args ...any) ([]domain.Firing, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.Firing
	for rows.Next() {
		f, err := scanFiring(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// Firing returns one firing by id.
func (s *Store) Firing(ctx context.Context, id int64) (domain.Firing, error) {
	f, err := scanFiring(s.db.QueryRowContext(ctx, `SELECT `+firingColumns+` FROM firings WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return domain.Firing{}, domain.ErrNoFiring
	}
	return f, err
}

// Firings lists a group's firings, oldest session first.
func (s *Store) Firings(ctx context.Context, groupID int64) ([]domain.Firing, error) {
	return s.queryFirings(ctx, `SELECT `+firingColumns+` FROM firings WHERE group_id = ?
		ORDER BY session_at, lead_seconds DESC`, groupID)
}

// DueFirings returns up to limit reminders still being sent whose next try
// is due at or before now, earliest first; ties in group order.
func (s *Store) DueFirings(ctx context.Context, now time.Time, limit int) ([]domain.Firing, error) {
	return s.queryFirings(ctx, `SELECT `+firingColumns+` FROM firings
		WHERE state = 'sending' AND retry_at <= ? ORDER BY retry_at, group_id, id LIMIT ?`, now.Unix(), limit)
}

// ClaimFiring marks a reminder in flight (no retry time) so the loop does
// not pick it again while a worker sends it. It reports false when it is
// no longer being sent or already claimed.
func (s *Store) ClaimFiring(ctx context.Context, id int64) (bool, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE firings SET retry_at = NULL, claimed_by = ?,
		lease_until = coalesce(lease_until, ?) WHERE id = ? AND state = 'sending' AND retry_at IS NOT NULL`,
		s.lease.owner, s.leaseUntil(time.Now()), id)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// BeginAttempt records that a message of the firing is about to be sent:
// until PartSent or RetryFiring clears it, its outcome is unknown. The time
// of the first such attempt is kept, since that is when Discord may have
// created the message.
//
// It reports false, recording nothing, when the firing is no longer being
// sent (its group was archived, say): then nothing may be sent.
func (s *Store) BeginAttempt(ctx context.Context, id int64, at time.Time) (bool, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE firings SET attempts = attempts + 1,
		attempt_at = coalesce(attempt_at, ?) WHERE id = ? AND state = 'sending'`,
		at.Unix(), id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// PartSent records that the first parts messages of the firing are sent;
// when allSent, the firing is done.
func (s *Store) PartSent(ctx context.Context, id int64, parts int, allSent bool, at time.Time) error {
	q := `UPDATE firings SET parts_sent = ?, attempt_at = NULL WHERE id = ?`
	args := []any{parts, id}
	if allSent {
		q = `UPDATE firings SET parts_sent = ?, attempt_at = NULL, state = 'sent', done_at = ?, retry_at = NULL,
			mentions = '', claimed_by = '', lease_until = NULL WHERE id = ?`
		args = []any{parts, at.Unix(), id}
	}
	_, err := s.db.ExecContext(ctx, q, args...)
	return err
}

// RetryFiring makes the firing due again at `at`. outcomeKnown says no
// attempt at the current message can have sent it, which clears its attempt
// time; otherwise the attempt time stays, and decides later whether a
// re-send is still safe.
func (s *Store) RetryFiring(ctx context.Context, id int64, at time.Time, outcomeKnown bool) error {
	q := `UPDATE firings SET retry_at = ?, claimed_by = '', lease_until = NULL WHERE id = ? AND state = 'sending'`
	if outcomeKnown {
		q = `UPDATE firings SET retry_at = ?, attempt_at = NULL, claimed_by = '', lease_until = NULL
			WHERE id = ? AND state = 'sending'`
	}
	_, err := s.db.ExecContext(ctx, q, at.Unix(), id)
	return err
}

// FinishFiring ends a firing in state (sent, skipped or abandoned).
func (s *Store) FinishFiring(ctx context.Context, id int64, state domain.FiringState, at time.Time) error {
	// Once it has ended, who was to be mentioned is not kept: membership is
	// confidential, and the history is not needed.
	_, err := s.db.ExecContext(ctx, `UPDATE firings SET state = ?, done_at = ?, retry_at = NULL, mentions = '',
		claimed_by = '', lease_until = NULL WHERE id = ?`, state, at.Unix(), id)
	return err
}

// PruneFirings deletes the records of reminders that have ended and whose
// session began before `before`. No reminder is planned for a session that
// has begun, so none of them can be needed to keep a reminder from repeating.
func (s *Store) PruneFirings(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM firings WHERE state <> 'sending' AND session_at < ?`, before.Unix())
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
