package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"hearth/domain"
)

// SessionDuration is how long group id's sessions last.
func (s *Store) SessionDuration(ctx context.Context, groupID int64) (time.Duration, error) {
	var minutes int64
	err := s.queryRow(ctx, `SELECT duration_minutes FROM groups WHERE id = ?`, groupID).Scan(&minutes)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, domain.ErrNoGroup
	}
	return time.Duration(minutes) * time.Minute, err
}

// MarkSession records userID's mark for one session of a group, in one
// transaction with the check that they are a member (ErrNotMember). A
// 'here' replaces an 'excused'; an 'excused' does not replace a 'here'
// (ErrCheckedIn). It returns the mark held before ("" when none).
func (s *Store) MarkSession(ctx context.Context, groupID int64, sessionAt time.Time, userID string, mark domain.Mark, now time.Time) (domain.Mark, error) {
	var before domain.Mark
	err := s.tx(ctx, func(tx *sql.Tx) error {
		before = "" // a run again (PostgreSQL) reads it afresh: Scan leaves it as it was when there is no row
		var n int
		if err := s.txQueryRow(ctx, tx, `SELECT count(*) FROM memberships WHERE group_id = ? AND user_id = ?`,
			groupID, userID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return domain.ErrNotMember
		}
		err := s.txQueryRow(ctx, tx, `SELECT mark FROM session_marks WHERE group_id = ? AND session_at = ? AND user_id = ?`,
			groupID, sessionAt.Unix(), userID).Scan(&before)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		switch {
		case before == mark:
			return nil
		case before == domain.MarkHere:
			return domain.ErrCheckedIn
		}
		_, err = s.txExec(ctx, tx, `INSERT INTO session_marks (group_id, session_at, user_id, mark, marked_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (group_id, session_at, user_id) DO UPDATE SET mark = excluded.mark, marked_at = excluded.marked_at`,
			groupID, sessionAt.Unix(), userID, mark, now.Unix())
		return err
	})
	return before, err
}

// AllSessionMarks lists all of a group's marks, by session then member.
func (s *Store) AllSessionMarks(ctx context.Context, groupID int64) ([]domain.SessionMark, error) {
	return s.queryMarks(ctx, `SELECT group_id, session_at, user_id, mark, marked_at FROM session_marks
		WHERE group_id = ? ORDER BY session_at, user_id`, groupID)
}

// UserSessionMarks lists one person's marks in every group, for their own
// record.
func (s *Store) UserSessionMarks(ctx context.Context, userID string) ([]domain.SessionMark, error) {
	return s.queryMarks(ctx, `SELECT group_id, session_at, user_id, mark, marked_at FROM session_marks
		WHERE user_id = ? ORDER BY group_id, session_at`, userID)
}

func (s *Store) queryMarks(ctx context.Context, q string, args ...any) ([]domain.SessionMark, error) {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.SessionMark
	for rows.Next() {
		var m domain.SessionMark
		var at, marked int64
		if err := rows.Scan(&m.GroupID, &at, &m.UserID, &m.Mark, &marked); err != nil {
			return nil, err
		}
		m.SessionAt, m.MarkedAt = time.Unix(at, 0).UTC(), time.Unix(marked, 0).UTC()
		out = append(out, m)
	}
	return out, rows.Err()
}

// PresentMembers lists the members of a group present at now: those in its
// voice channel (an open voice interval) in the order they joined, then
// those not in it who checked in for the session under way (begun, not yet
// over) in the order they checked in. A member who pressed I'm here but
// follows in the text channel is as present as one in voice.
func (s *Store) PresentMembers(ctx context.Context, groupID int64, now time.Time) ([]string, error) {
	voice, err := s.queryStrings(ctx, `SELECT v.user_id FROM voice_intervals v
		JOIN memberships m ON m.group_id = v.group_id AND m.user_id = v.user_id
		WHERE v.group_id = ? AND v.left_at IS NULL ORDER BY v.joined_at, v.user_id`, groupID)
	if err != nil {
		return nil, err
	}
	here, err := s.queryStrings(ctx, `SELECT k.user_id FROM session_marks k
		JOIN memberships m ON m.group_id = k.group_id AND m.user_id = k.user_id
		JOIN groups g ON g.id = k.group_id
		WHERE k.group_id = ? AND k.mark = 'here' AND k.session_at <= ? AND k.session_at + g.duration_minutes * 60 > ?
		  AND k.session_at = (SELECT max(session_at) FROM session_marks WHERE group_id = ? AND session_at <= ?)
		ORDER BY k.marked_at, k.user_id`, groupID, now.Unix(), now.Unix(), groupID, now.Unix())
	if err != nil {
		return nil, err
	}
	present := make([]string, 0, len(voice)+len(here))
	seen := map[string]bool{}
	for _, u := range append(voice, here...) {
		if !seen[u] { // an interval per join: someone may have two open after a lost leave
			seen[u] = true
			present = append(present, u)
		}
	}
	return present, nil
}
