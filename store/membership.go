package store

import (
	"hearth/domain"
	"slices"

	"context"
	"database/sql"
	"errors"
	"time"
)

// Join adds userID to a group. In one transaction it checks that the user
// is not in it yet and that the group takes them now (Group.JoinRefusal:
// live, not started, not full), so with N seats left and many simultaneous
// joins exactly N succeed. A group with guidelines takes only someone who
// agreed to their current version (agreed; 0 for none): the agreement is
// recorded with the membership.
func (s *Store) Join(ctx context.Context, groupID int64, userID string, now time.Time, agreed int) error {
	return s.groupTx(ctx, groupID, func(tx *sql.Tx) error {
		var g domain.Group
		var lockAt sql.NullInt64
		var already bool
		// Seats held by offers to others count as taken; one held for
		// userID is theirs.
		err := s.txQueryRow(ctx, tx, `SELECT state, kind, capacity, member_count, lock_at, guidelines, guidelines_version,
			EXISTS (SELECT 1 FROM memberships WHERE group_id = ? AND user_id = ?),
			(SELECT count(*) FROM offers WHERE group_id = ? AND user_id <> ? AND state IN ('pending', 'open'))
			FROM groups WHERE id = ?`, groupID, userID, groupID, userID, groupID).
			Scan(&g.State, &g.Kind, &g.Capacity, &g.MemberCount, &lockAt, &g.Guidelines, &g.GuidelinesVersion, &already, &g.HeldSeats)
		if errors.Is(err, sql.ErrNoRows) {
			return domain.ErrNoGroup
		}
		if err != nil {
			return err
		}
		g.LockAt = fromUnix(lockAt)
		if already {
			return domain.ErrAlreadyMember
		}
		if err := g.JoinRefusal(now); err != nil {
			return err
		}
		if g.Guidelines != "" && agreed != g.GuidelinesVersion {
			return domain.ErrGuidelinesChanged
		}
		if g.Guidelines != "" {
			if _, err := s.txExec(ctx, tx, `INSERT INTO agreements (group_id, user_id, version, agreed_at) VALUES (?, ?, ?, ?)
				ON CONFLICT DO NOTHING`, groupID, userID, agreed, now.Unix()); err != nil {
				return err
			}
		}
		if _, err = s.txExec(ctx, tx, `INSERT INTO memberships (group_id, user_id, joined_at) VALUES (?, ?, ?)`,
			groupID, userID, now.Unix()); err != nil {
			return err
		}
		if _, err = s.txExec(ctx, tx, `INSERT INTO grants (group_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, groupID, userID); err != nil {
			return err
		}
		// Their held seat is taken, and they wait no more.
		if _, err = s.txExec(ctx, tx, `UPDATE offers SET state = 'taken' WHERE group_id = ? AND user_id = ?
			AND state IN ('pending', 'open')`, groupID, userID); err != nil {
			return err
		}
		_, err = s.txExec(ctx, tx, `DELETE FROM waiting WHERE group_id = ? AND user_id = ?`, groupID, userID)
		return err
	})
}

// Grants lists the people whose member overwrite Hearth may have put on a
// group's channel: its members, and former members whose overwrite has not
// been confirmed deleted.
func (s *Store) Grants(ctx context.Context, groupID int64) ([]string, error) {
	return s.queryStrings(ctx, `SELECT user_id FROM grants WHERE group_id = ? ORDER BY user_id`, groupID)
}

// DropGrant records that a person's member overwrite is gone from a group's
// channel. It keeps the grant of a current member.
func (s *Store) DropGrant(ctx context.Context, groupID int64, userID string) error {
	_, err := s.exec(ctx, `DELETE FROM grants WHERE group_id = ? AND user_id = ?
		AND NOT EXISTS (SELECT 1 FROM memberships WHERE group_id = ? AND user_id = ?)`,
		groupID, userID, groupID, userID)
	return err
}

// Leave removes userID from a group and returns when they had joined, so that
// Rejoin can undo it. It returns ErrNotMember when they are not in it.
func (s *Store) Leave(ctx context.Context, groupID int64, userID string) (joinedAt time.Time, err error) {
	err = s.groupTx(ctx, groupID, func(tx *sql.Tx) error {
		var at int64
		err := s.txQueryRow(ctx, tx, `DELETE FROM memberships WHERE group_id = ? AND user_id = ? RETURNING joined_at`,
			groupID, userID).Scan(&at)
		joinedAt = time.Unix(at, 0)
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, domain.ErrNotMember
	}
	if err != nil {
		return time.Time{}, err
	}
	return joinedAt, nil
}

// Rejoin puts back a membership that Leave removed, bypassing the lock and
// capacity: it undoes a leave whose channel change could not be made.
func (s *Store) Rejoin(ctx context.Context, groupID int64, userID string, joinedAt time.Time) error {
	return s.groupTx(ctx, groupID, func(tx *sql.Tx) error {
		if _, err := s.txExec(ctx, tx, `INSERT INTO memberships (group_id, user_id, joined_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
			groupID, userID, joinedAt.Unix()); err != nil {
			return err
		}
		_, err := s.txExec(ctx, tx, `INSERT INTO grants (group_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, groupID, userID)
		return err
	})
}

// IsMember reports whether userID is in the group.
func (s *Store) IsMember(ctx context.Context, groupID int64, userID string) (bool, error) {
	var n int
	err := s.queryRow(ctx, `SELECT count(*) FROM memberships WHERE group_id = ? AND user_id = ?`,
		groupID, userID).Scan(&n)
	return n > 0, err
}

// Members lists the user ids of a group's members in the order they joined.
func (s *Store) Members(ctx context.Context, groupID int64) ([]string, error) {
	return s.queryStrings(ctx, `SELECT user_id FROM memberships WHERE group_id = ? ORDER BY joined_at, user_id`, groupID)
}

// queryStrings runs a query of one text column.
func (s *Store) queryStrings(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// Lock starts a closed group at `at` (from which its sessions count) and
// plans it anew at now: from now on nobody new may join. A join in flight
// either committed before the lock or sees it and is refused.
func (s *Store) Lock(ctx context.Context, groupID int64, at, now time.Time) error {
	return s.planTx(ctx, func(tx *sql.Tx) error {
		var kind domain.Kind
		var state domain.State
		err := s.txQueryRow(ctx, tx, `SELECT kind, state FROM groups WHERE id = ?`, groupID).Scan(&kind, &state)
		if errors.Is(err, sql.ErrNoRows) {
			return domain.ErrNoGroup
		}
		if err != nil {
			return err
		}
		switch {
		case state == domain.StateArchived:
			return domain.ErrArchived
		case kind != domain.KindClosed:
			return domain.ErrNotClosed
		case state == domain.StateLocked:
			return domain.ErrAlreadyLocked
		}
		if _, err = s.txExec(ctx, tx, `UPDATE groups SET state = 'locked', locked_at = ? WHERE id = ?`, at.Unix(), groupID); err != nil {
			return err
		}
		return s.replan(ctx, tx, groupID, now)
	})
}

// Archive ends a group: its state, and its jobs dropped in the same
// transaction (an archived group is reminded of nothing). It returns what
// Unarchive needs to undo it when the channel change fails. The group keeps
// its name until FinishArchive: until the channel change is done, nobody
// else can take it.
func (s *Store) Archive(ctx context.Context, groupID int64, at time.Time) (domain.ArchiveUndo, error) {
	var undo domain.ArchiveUndo
	err := s.planTx(ctx, func(tx *sql.Tx) error {
		var lockAt sql.NullInt64
		err := s.txQueryRow(ctx, tx, `SELECT state, lock_at FROM groups WHERE id = ?`, groupID).Scan(&undo.State, &lockAt)
		if errors.Is(err, sql.ErrNoRows) {
			return domain.ErrNoGroup
		}
		undo.LockAt = fromUnix(lockAt)
		if err != nil {
			return err
		}
		if undo.State == domain.StateArchived {
			return domain.ErrArchived
		}
		if undo.Jobs, err = txJobs(ctx, tx, groupID); err != nil {
			return err
		}
		if _, err = s.txExec(ctx, tx, `UPDATE groups SET state = 'archived', archived_at = ?, archive_pending = 1 WHERE id = ?`, at.Unix(), groupID); err != nil {
			return err
		}
		return s.replan(ctx, tx, groupID, at)
	})
	return undo, err
}

// Unarchive puts an archived group back as Archive found it, jobs and
// planned lock included, so that a reminder that fell due meanwhile is
// still sent. A job that was in flight when it was archived (the
// completion that archived it) is due again after a backoff, counting the
// attempt. It fails with domain.ErrNameTaken if a new live group has taken
// the name meanwhile.
func (s *Store) Unarchive(ctx context.Context, groupID int64, undo domain.ArchiveUndo, now time.Time) error {
	jobs := slices.Clone(undo.Jobs)
	for i, j := range jobs {
		if j.DueAt.IsZero() {
			jobs[i].Attempts++
			jobs[i].DueAt = now.Add(domain.Backoff(jobs[i].Attempts))
		}
	}
	return s.planTx(ctx, func(tx *sql.Tx) error {
		res, err := s.txExec(ctx, tx, `UPDATE groups SET state = ?, archived_at = NULL, lock_at = ?, archive_pending = 0
			WHERE id = ? AND state = 'archived'`, undo.State, toUnix(undo.LockAt), groupID)
		if isUniqueViolation(err) {
			return domain.ErrNameTaken
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return writeJobs(ctx, tx, groupID, jobs)
	})
}

// FinishArchive records that an archived group's channel change is done:
// its name is free for the next cohort.
func (s *Store) FinishArchive(ctx context.Context, groupID int64) error {
	_, err := s.exec(ctx, `UPDATE groups SET archive_pending = 0 WHERE id = ? AND state = 'archived'`, groupID)
	return err
}

// PendingArchives lists the archived groups whose channel change was never
// confirmed done (the process died mid-archive).
func (s *Store) PendingArchives(ctx context.Context) ([]domain.Group, error) {
	return s.queryGroups(ctx, `SELECT `+groupColumns+` FROM groups g WHERE g.archive_pending = 1 ORDER BY g.id`)
}

// StrayGrants lists the grants of people who are no longer members, of one
// group (groupID > 0) or of every group, archived ones included. A
// facilitator's is not stray: they keep their overwrite while they
// facilitate (and lose it with the grant if that ends).
func (s *Store) StrayGrants(ctx context.Context, groupID int64) ([]domain.StrayGrant, error) {
	rows, err := s.query(ctx, `SELECT g.id, g.channel_id, g.facilitator_id, gr.user_id
		FROM grants gr JOIN groups g ON g.id = gr.group_id
		WHERE (? = 0 OR g.id = ?) AND gr.user_id <> g.facilitator_id
		AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.group_id = gr.group_id AND m.user_id = gr.user_id)
		ORDER BY g.id, gr.user_id`, groupID, groupID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.StrayGrant
	for rows.Next() {
		var sg domain.StrayGrant
		if err := rows.Scan(&sg.GroupID, &sg.ChannelID, &sg.FacilitatorID, &sg.UserID); err != nil {
			return nil, err
		}
		out = append(out, sg)
	}
	return out, rows.Err()
}
