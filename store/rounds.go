package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"hearth/domain"
)

// StartRound opens a talking round in a group with users in the order
// given, unless one is open there already (ErrRoundOpen).
func (s *Store) StartRound(ctx context.Context, groupID int64, channelID string, users []string, now time.Time) (domain.Round, error) {
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := s.txQueryRow(ctx, tx, `SELECT count(*) FROM rounds WHERE group_id = ? AND state = 'open'`, groupID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return domain.ErrRoundOpen
		}
		if err := s.txQueryRow(ctx, tx, `INSERT INTO rounds (group_id, channel_id, state, created_at) VALUES (?, ?, 'open', ?)
			RETURNING id`, groupID, channelID, now.Unix()).Scan(&id); err != nil {
			return err
		}
		for i, u := range users {
			if _, err := s.txExec(ctx, tx, `INSERT INTO round_turns (round_id, position, user_id) VALUES (?, ?, ?)`, id, i, u); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return domain.Round{}, err
	}
	return s.Round(ctx, id)
}

// SetRoundMessage records the post that shows a round.
func (s *Store) SetRoundMessage(ctx context.Context, id int64, messageID string) error {
	_, err := s.exec(ctx, `UPDATE rounds SET message_id = ? WHERE id = ?`, messageID, id)
	return err
}

// DropRound deletes a round whose post could not be made.
func (s *Store) DropRound(ctx context.Context, id int64) error {
	_, err := s.exec(ctx, `DELETE FROM rounds WHERE id = ?`, id)
	return err
}

// Round reads a round and its turns.
func (s *Store) Round(ctx context.Context, id int64) (domain.Round, error) {
	var r domain.Round
	var state string
	err := s.queryRow(ctx, `SELECT id, group_id, channel_id, message_id, position, state FROM rounds WHERE id = ?`, id).
		Scan(&r.ID, &r.GroupID, &r.ChannelID, &r.MessageID, &r.Position, &state)
	if errors.Is(err, sql.ErrNoRows) {
		return r, domain.ErrNoRound
	}
	if err != nil {
		return r, err
	}
	r.Ended = state == "ended"
	rows, err := s.query(ctx, `SELECT user_id, outcome FROM round_turns WHERE round_id = ? ORDER BY position`, id)
	if err != nil {
		return r, err
	}
	defer rows.Close()
	for rows.Next() {
		var t domain.Turn
		if err := rows.Scan(&t.UserID, &t.Outcome); err != nil {
			return r, err
		}
		r.Turns = append(r.Turns, t)
	}
	return r, rows.Err()
}

// OpenRound is a group's round under way (ErrNoRound when none).
func (s *Store) OpenRound(ctx context.Context, groupID int64) (domain.Round, error) {
	var id int64
	err := s.queryRow(ctx, `SELECT id FROM rounds WHERE group_id = ? AND state = 'open'`, groupID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return domain.Round{}, domain.ErrNoRound
	}
	if err != nil {
		return domain.Round{}, err
	}
	return s.Round(ctx, id)
}

// AdvanceRound ends the turn at position with outcome (TurnDone or
// TurnPassed) and moves to the next turn not erased; after the last the
// round ends.
// A turn already moved on from is refused (ErrTurnMoved), so two presses
// at once move the round once.
func (s *Store) AdvanceRound(ctx context.Context, id int64, position int, outcome string, now time.Time) (domain.Round, error) {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var n, at int
		var state string
		err := s.txQueryRow(ctx, tx, `SELECT position, state, (SELECT count(*) FROM round_turns WHERE round_id = rounds.id)
			FROM rounds WHERE id = ?`, id).Scan(&at, &state, &n)
		switch {
		case errors.Is(err, sql.ErrNoRows) || (err == nil && state != "open"):
			return domain.ErrNoRound
		case err != nil:
			return err
		case at != position:
			return domain.ErrTurnMoved
		}
		// A turn erased by /forget (user_id '') stays passed, and the round
		// steps over the erased turns ahead.
		if _, err := s.txExec(ctx, tx, `UPDATE round_turns SET outcome = CASE WHEN user_id = '' THEN outcome ELSE ? END
			WHERE round_id = ? AND position = ?`, outcome, id, position); err != nil {
			return err
		}
		var next sql.NullInt64
		if err := s.txQueryRow(ctx, tx, `SELECT min(position) FROM round_turns WHERE round_id = ? AND position > ? AND user_id <> ''`,
			id, position).Scan(&next); err != nil {
			return err
		}
		if !next.Valid {
			_, err = s.txExec(ctx, tx, `UPDATE rounds SET position = ?, state = 'ended', ended_at = ? WHERE id = ?`, n, now.Unix(), id)
		} else {
			_, err = s.txExec(ctx, tx, `UPDATE rounds SET position = ? WHERE id = ?`, next.Int64, id)
		}
		return err
	})
	if err != nil {
		return domain.Round{}, err
	}
	return s.Round(ctx, id)
}

// AddToRound adds a member who arrived late to the end of a group's round
// under way: ErrNoRound when none, ErrNotMember, ErrInRound when they have
// a turn already.
func (s *Store) AddToRound(ctx context.Context, groupID int64, userID string) (domain.Round, error) {
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		err := s.txQueryRow(ctx, tx, `SELECT id FROM rounds WHERE group_id = ? AND state = 'open'`, groupID).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return domain.ErrNoRound
		}
		if err != nil {
			return err
		}
		var member, in, n int
		if err := s.txQueryRow(ctx, tx, `SELECT
			(SELECT count(*) FROM memberships WHERE group_id = ? AND user_id = ?),
			(SELECT count(*) FROM round_turns WHERE round_id = ? AND user_id = ?),
			(SELECT count(*) FROM round_turns WHERE round_id = ?)`, groupID, userID, id, userID, id).Scan(&member, &in, &n); err != nil {
			return err
		}
		switch {
		case member == 0:
			return domain.ErrNotMember
		case in > 0:
			return domain.ErrInRound
		}
		_, err = s.txExec(ctx, tx, `INSERT INTO round_turns (round_id, position, user_id) VALUES (?, ?, ?)`, id, n, userID)
		return err
	})
	if err != nil {
		return domain.Round{}, err
	}
	return s.Round(ctx, id)
}
