package store

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"hearth/domain"
)

// Leases: the scheduler's work is claimed in the database by one process
// for a while, so that of several processes sharing it exactly one does
// each job and sends each reminder, and a process that dies has its work
// taken over once its leases run out. A lease is renewed while its work
// goes on. On SQLite one process runs; the same statements serve it.

type leaseConfig struct {
	owner string        // this process among those sharing the database
	term  time.Duration // how long a claim holds without renewal
}

// DefaultLease is how long claimed work stays this process's without being
// renewed.
const DefaultLease = 2 * time.Minute

func defaultLease() leaseConfig { return leaseConfig{owner: "local", term: DefaultLease} }

// SetLease names this process among those sharing the database and sets
// how long its claims hold. A process restarted under the same name takes
// its own work back at once (RecoverInFlight); another's, when its lease
// runs out. Call it before the scheduler runs.
func (s *Store) SetLease(owner string, term time.Duration) {
	if owner == "" {
		owner = "local"
	}
	if term <= 0 {
		term = DefaultLease
	}
	s.lease = leaseConfig{owner: owner, term: term}
}

// LeaseTerm is how long a claim holds without renewal.
func (s *Store) LeaseTerm() time.Duration { return s.lease.term }

func (s *Store) leaseUntil(now time.Time) int64 { return now.Add(s.lease.term).Unix() }

// skipLocked ends a claiming sub-select: on PostgreSQL rows another
// process is claiming are passed over, not waited for; SQLite has one
// writer, and no such clause.
func (s *Store) skipLocked() string {
	if s.postgres {
		return ` FOR UPDATE SKIP LOCKED`
	}
	return ``
}

// ClaimDueJobs leases to this process up to limit jobs due at or before
// now that nobody holds, and returns them earliest first; jobs due at the
// same second come in group order. Each claimed job is advanced, retried,
// finished or released by its claimer.
func (s *Store) ClaimDueJobs(ctx context.Context, now time.Time, limit int) ([]domain.Job, error) {
	jobs, err := queryJobs(ctx, s.db, `UPDATE jobs SET claimed_by = ?, lease_until = ? WHERE id IN (
		SELECT id FROM jobs WHERE due_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
		ORDER BY due_at, group_id, id LIMIT ?`+s.skipLocked()+`) RETURNING `+jobColumns,
		s.lease.owner, s.leaseUntil(now), now.Unix(), now.Unix(), limit)
	slices.SortFunc(jobs, func(a, b domain.Job) int {
		if c := a.DueAt.Compare(b.DueAt); c != 0 {
			return c
		}
		if a.GroupID != b.GroupID {
			return cmpInt(a.GroupID, b.GroupID)
		}
		return cmpInt(a.ID, b.ID)
	})
	return jobs, storageError(err)
}

// ClaimDueFirings is ClaimDueJobs for reminders whose next try is due.
func (s *Store) ClaimDueFirings(ctx context.Context, now time.Time, limit int) ([]domain.Firing, error) {
	fs, err := s.queryFirings(ctx, `UPDATE firings SET claimed_by = ?, lease_until = ? WHERE id IN (
		SELECT id FROM firings WHERE state = 'sending' AND retry_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
		ORDER BY retry_at, group_id, id LIMIT ?`+s.skipLocked()+`) RETURNING `+firingColumns,
		s.lease.owner, s.leaseUntil(now), now.Unix(), now.Unix(), limit)
	slices.SortFunc(fs, func(a, b domain.Firing) int {
		if c := a.RetryAt.Compare(b.RetryAt); c != 0 {
			return c
		}
		if a.GroupID != b.GroupID {
			return cmpInt(a.GroupID, b.GroupID)
		}
		return cmpInt(a.ID, b.ID)
	})
	return fs, storageError(err)
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ReleaseJobs gives back claimed jobs left undone (still due), for any
// process to take.
func (s *Store) ReleaseJobs(ctx context.Context, ids []int64) error {
	for _, id := range ids {
		if _, err := s.exec(ctx, `UPDATE jobs SET claimed_by = '', lease_until = NULL
			WHERE id = ? AND claimed_by = ? AND due_at IS NOT NULL`, id, s.lease.owner); err != nil {
			return err
		}
	}
	return nil
}

// ReleaseFirings is ReleaseJobs for reminders.
func (s *Store) ReleaseFirings(ctx context.Context, ids []int64) error {
	for _, id := range ids {
		if _, err := s.exec(ctx, `UPDATE firings SET claimed_by = '', lease_until = NULL
			WHERE id = ? AND claimed_by = ? AND retry_at IS NOT NULL`, id, s.lease.owner); err != nil {
			return err
		}
	}
	return nil
}

// RenewLeases extends to now plus the lease term the leases of the jobs
// and reminders this process's workers hold in flight: those given by id.
// Work in flight that is not given (its worker gave up, as when recording
// its outcome failed) is not renewed: its lease runs out and it is taken
// over (TakeOverExpired). Claimed work still due is not renewed either:
// should the loop drop it, it falls free.
func (s *Store) RenewLeases(ctx context.Context, now time.Time, jobs, firings []int64) error {
	if len(jobs)+len(firings) == 0 {
		return nil
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		for chunk := range slices.Chunk(jobs, renewChunk) {
			in, ids := idList(chunk)
			if _, err := s.txExec(ctx, tx, `UPDATE jobs SET lease_until = ?
				WHERE claimed_by = ? AND lease_until IS NOT NULL AND due_at IS NULL AND id IN `+in,
				append([]any{s.leaseUntil(now), s.lease.owner}, ids...)...); err != nil {
				return err
			}
		}
		for chunk := range slices.Chunk(firings, renewChunk) {
			in, ids := idList(chunk)
			if _, err := s.txExec(ctx, tx, `UPDATE firings SET lease_until = ?
				WHERE claimed_by = ? AND lease_until IS NOT NULL AND retry_at IS NULL AND state = 'sending' AND id IN `+in,
				append([]any{s.leaseUntil(now), s.lease.owner}, ids...)...); err != nil {
				return err
			}
		}
		return nil
	})
}

// idList is "(?,?,…)" for ids (at least one) and ids as arguments.
func idList(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return "(?" + strings.Repeat(",?", len(ids)-1) + ")", args
}

// renewChunk bounds the ids in one renewing statement, well within both
// dialects' limits on parameters.
const renewChunk = 500

// TakeOverExpired makes due at now the work in flight whose lease ran out
// by now (its process died), and returns how much there was.
func (s *Store) TakeOverExpired(ctx context.Context, now time.Time) (int, error) {
	return s.recover(ctx, now, `lease_until <= ?`, now.Unix())
}

// RecoverInFlight makes due at `now` the jobs and reminder intents left in
// flight by this process's previous run (or by a Hearth without leases),
// and those whose lease ran out, and returns how many there were.
func (s *Store) RecoverInFlight(ctx context.Context, now time.Time) (int, error) {
	// Seat offers this process's previous run was sending are sent again
	// at once (ClaimPendingOffers), not after their lease.
	if _, err := s.exec(ctx, `UPDATE offers SET claimed_by = '', lease_until = NULL
		WHERE state = 'pending' AND claimed_by = ?`, s.lease.owner); err != nil {
		return 0, err
	}
	n, err := s.recover(ctx, now, `(claimed_by IN ('', ?) OR lease_until <= ?)`, s.lease.owner, now.Unix())
	if err != nil {
		return n, err
	}
	// Work the previous run claimed while due and never gave back (it was
	// stopped between the claim and the release): still due, its own again.
	err = s.tx(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{
			`UPDATE jobs SET claimed_by = '', lease_until = NULL
				WHERE lease_until IS NOT NULL AND claimed_by = ? AND due_at IS NOT NULL`,
			`UPDATE firings SET claimed_by = '', lease_until = NULL
				WHERE lease_until IS NOT NULL AND claimed_by = ? AND retry_at IS NOT NULL`,
		} {
			if _, err := s.txExec(ctx, tx, q, s.lease.owner); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

func (s *Store) recover(ctx context.Context, now time.Time, cond string, args ...any) (int, error) {
	total := 0
	err := s.tx(ctx, func(tx *sql.Tx) error {
		total = 0
		for _, q := range []string{
			`UPDATE jobs SET due_at = ?, claimed_by = '', lease_until = NULL WHERE due_at IS NULL AND ` + cond,
			`UPDATE firings SET retry_at = ?, claimed_by = '', lease_until = NULL
				WHERE state = 'sending' AND retry_at IS NULL AND ` + cond,
		} {
			res, err := s.txExec(ctx, tx, q, append([]any{now.Unix()}, args...)...)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			total += int(n)
		}
		return nil
	})
	return total, err
}
