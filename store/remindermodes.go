package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"hearth/domain"
)

// SetReminderMode records how userID is reminded: of one group (groupID),
// or, with groupID 0, of every group of the server, which also drops their
// overrides for single groups there.
func (s *Store) SetReminderMode(ctx context.Context, guildID, userID string, groupID int64, mode domain.ReminderMode) error {
	if groupID != 0 {
		_, err := s.exec(ctx, `INSERT INTO reminder_overrides (group_id, user_id, mode) VALUES (?, ?, ?)
			ON CONFLICT (group_id, user_id) DO UPDATE SET mode = excluded.mode`, groupID, userID, mode)
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.txExec(ctx, tx, `DELETE FROM reminder_overrides WHERE user_id = ?
			AND group_id IN (SELECT id FROM groups WHERE guild_id = ?)`, userID, guildID); err != nil {
			return err
		}
		_, err := s.txExec(ctx, tx, `INSERT INTO reminder_defaults (guild_id, user_id, mode) VALUES (?, ?, ?)
			ON CONFLICT (guild_id, user_id) DO UPDATE SET mode = excluded.mode`, guildID, userID, mode)
		return err
	})
}

// ReminderModes returns, for the members of groups ids, each one's mode
// where it is not the default 'channel'.
func (s *Store) ReminderModes(ctx context.Context, ids []int64) (map[int64]map[string]domain.ReminderMode, error) {
	out := make(map[int64]map[string]domain.ReminderMode, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	in := "(?" + strings.Repeat(",?", len(ids)-1) + ")"
	rows, err := s.query(ctx, `SELECT m.group_id, m.user_id, coalesce(o.mode, d.mode, 'channel')
		FROM memberships m JOIN groups g ON g.id = m.group_id
		LEFT JOIN reminder_overrides o ON o.group_id = m.group_id AND o.user_id = m.user_id
		LEFT JOIN reminder_defaults d ON d.guild_id = g.guild_id AND d.user_id = m.user_id
		WHERE m.group_id IN `+in+` AND (o.mode IS NOT NULL OR d.mode IS NOT NULL)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var user string
		var mode domain.ReminderMode
		if err := rows.Scan(&id, &user, &mode); err != nil {
			return nil, err
		}
		if mode == domain.RemindChannel {
			continue
		}
		if out[id] == nil {
			out[id] = map[string]domain.ReminderMode{}
		}
		out[id][user] = mode
	}
	return out, rows.Err()
}

// PendingDMs lists the direct messages of a firing not yet settled.
func (s *Store) PendingDMs(ctx context.Context, firingID int64) ([]domain.ReminderDM, error) {
	rows, err := s.query(ctx, `SELECT user_id, attempt_at FROM reminder_dms WHERE firing_id = ? AND state = 'sending'
		ORDER BY user_id`, firingID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.ReminderDM
	for rows.Next() {
		var d domain.ReminderDM
		var at sql.NullInt64
		if err := rows.Scan(&d.UserID, &at); err != nil {
			return nil, err
		}
		d.AttemptAt = fromUnix(at)
		out = append(out, d)
	}
	return out, rows.Err()
}

// ClosedDMs lists the members of a firing whose direct messages were
// closed: they are reminded in the channel instead.
func (s *Store) ClosedDMs(ctx context.Context, firingID int64) ([]string, error) {
	return s.queryStrings(ctx, `SELECT user_id FROM reminder_dms WHERE firing_id = ? AND state = 'closed' ORDER BY user_id`, firingID)
}

// BeginDM records that a direct message is about to be sent; the first
// attempt's time is kept, as BeginAttempt does for channel messages.
func (s *Store) BeginDM(ctx context.Context, firingID int64, userID string, at time.Time) error {
	_, err := s.exec(ctx, `UPDATE reminder_dms SET attempt_at = coalesce(attempt_at, ?)
		WHERE firing_id = ? AND user_id = ? AND state = 'sending'`, at.Unix(), firingID, userID)
	return err
}

// FinishDM settles a direct message: 'sent', 'closed', 'abandoned' or
// 'skipped'. A closed one leaves a notice for the member (told once); a
// sent one clears it.
func (s *Store) FinishDM(ctx context.Context, firingID int64, guildID, userID, state string, now time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.txExec(ctx, tx, `UPDATE reminder_dms SET state = ?, attempt_at = NULL
			WHERE firing_id = ? AND user_id = ?`, state, firingID, userID); err != nil {
			return err
		}
		switch state {
		case "closed":
			_, err := s.txExec(ctx, tx, `INSERT INTO dm_notices (user_id, guild_id, told, created_at) VALUES (?, ?, 0, ?)
				ON CONFLICT (user_id) DO NOTHING`, userID, guildID, now.Unix())
			return err
		case "sent":
			_, err := s.txExec(ctx, tx, `DELETE FROM dm_notices WHERE user_id = ?`, userID)
			return err
		}
		return nil
	})
}

// TakeDMNotice reports, once, that userID's direct messages were found
// closed when a reminder was due, and in which server.
func (s *Store) TakeDMNotice(ctx context.Context, userID string) (string, bool, error) {
	var guildID string
	err := s.queryRow(ctx, `SELECT guild_id FROM dm_notices WHERE user_id = ? AND told = 0`, userID).Scan(&guildID)
	if err == sql.ErrNoRows {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	res, err := s.exec(ctx, `UPDATE dm_notices SET told = 1 WHERE user_id = ? AND told = 0`, userID)
	if err != nil {
		return "", false, err
	}
	n, _ := res.RowsAffected()
	return guildID, n > 0, nil
}
