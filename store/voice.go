package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"hearth/domain"
)

// SetVoiceChannel records a group's voice channel ("" when it has none any
// more) and plans the group anew: a voice group's sessions end with a job
// that moves its scheduled event on. Without a voice channel, the time
// people are still counted in it ends now.
func (s *Store) SetVoiceChannel(ctx context.Context, groupID int64, channelID string, now time.Time) error {
	return s.planTx(ctx, func(tx *sql.Tx) error {
		res, err := s.txExec(ctx, tx, `UPDATE groups SET voice_channel_id = ? WHERE id = ?`, channelID, groupID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return domain.ErrNoGroup
		}
		if channelID == "" {
			if _, err := s.txExec(ctx, tx, `UPDATE voice_intervals SET left_at = ? WHERE group_id = ? AND left_at IS NULL`,
				now.Unix(), groupID); err != nil {
				return err
			}
		}
		return s.replan(ctx, tx, groupID, now)
	})
}

// VoiceMoved records that userID is now in voice channel channelID of a
// server ("" = in none): their time in any other group voice channel of the
// server ends now, and if channelID is a live group's voice channel, their
// time in it begins (unless it already runs). Other channels are not
// recorded.
func (s *Store) VoiceMoved(ctx context.Context, guildID, userID, channelID string, now time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.txExec(ctx, tx, `UPDATE voice_intervals SET left_at = ?
			WHERE user_id = ? AND left_at IS NULL AND group_id IN
			(SELECT id FROM groups WHERE guild_id = ? AND voice_channel_id <> ?)`,
			now.Unix(), userID, guildID, channelID); err != nil {
			return err
		}
		if channelID == "" {
			return nil
		}
		_, err := s.txExec(ctx, tx, `INSERT INTO voice_intervals (group_id, user_id, joined_at)
			SELECT g.id, ?, ? FROM groups g WHERE g.guild_id = ? AND g.voice_channel_id = ? AND g.state <> 'archived'
			AND NOT EXISTS (SELECT 1 FROM voice_intervals v WHERE v.group_id = g.id AND v.user_id = ? AND v.left_at IS NULL)`,
			userID, now.Unix(), guildID, channelID, userID)
		return err
	})
}

// VoiceSnapshot makes the open intervals of a server's group voice
// channels match who is in voice now (present: user id → channel id), as
// Discord tells it when the bot connects: time still open for someone no
// longer there ends now (Hearth could not hear them leave), and someone
// there without open time gets it from now. Users in keep are left as they
// are: something newer than the snapshot was heard of them.
func (s *Store) VoiceSnapshot(ctx context.Context, guildID string, present map[string]string, keep map[string]bool, now time.Time) error {
	type open struct {
		id            int64
		user, channel string
	}
	var opens []open
	rows, err := s.query(ctx, `SELECT v.id, v.user_id, g.voice_channel_id FROM voice_intervals v
		JOIN groups g ON g.id = v.group_id WHERE g.guild_id = ? AND v.left_at IS NULL`, guildID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var o open
		if err := rows.Scan(&o.id, &o.user, &o.channel); err != nil {
			rows.Close()
			return err
		}
		opens = append(opens, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var errs []error
	for _, o := range opens {
		if !keep[o.user] && (o.channel == "" || present[o.user] != o.channel) {
			_, err := s.exec(ctx, `UPDATE voice_intervals SET left_at = ? WHERE id = ? AND left_at IS NULL`, now.Unix(), o.id)
			errs = append(errs, err)
		}
	}
	for user, channel := range present {
		if !keep[user] {
			errs = append(errs, s.VoiceMoved(ctx, guildID, user, channel, now))
		}
	}
	return errors.Join(errs...)
}

// VoiceIntervals returns the time people spent in a group's voice channel
// overlapping [from, to).
func (s *Store) VoiceIntervals(ctx context.Context, groupID int64, from, to time.Time) ([]domain.VoiceInterval, error) {
	rows, err := s.query(ctx, `SELECT user_id, joined_at, left_at FROM voice_intervals
		WHERE group_id = ? AND joined_at < ? AND (left_at IS NULL OR left_at > ?) ORDER BY joined_at, id`,
		groupID, to.Unix(), from.Unix())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.VoiceInterval
	for rows.Next() {
		var iv domain.VoiceInterval
		var joined int64
		var left sql.NullInt64
		if err := rows.Scan(&iv.UserID, &joined, &left); err != nil {
			return nil, err
		}
		iv.Joined, iv.Left = time.Unix(joined, 0).UTC(), fromUnix(left)
		out = append(out, iv)
	}
	return out, rows.Err()
}

// SessionMarks returns what members said about a group's sessions that
// began in [from, to].
func (s *Store) SessionMarks(ctx context.Context, groupID int64, from, to time.Time) ([]domain.SessionMark, error) {
	rows, err := s.query(ctx, `SELECT user_id, session_at, mark FROM session_marks
		WHERE group_id = ? AND session_at >= ? AND session_at <= ? ORDER BY session_at, user_id`,
		groupID, from.Unix(), to.Unix())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.SessionMark
	for rows.Next() {
		var m domain.SessionMark
		var at int64
		if err := rows.Scan(&m.UserID, &at, &m.Mark); err != nil {
			return nil, err
		}
		m.SessionAt = time.Unix(at, 0).UTC()
		out = append(out, m)
	}
	return out, rows.Err()
}

// MarkedSessions returns the starts of a group's sessions someone checked
// in to (they were held, whatever the schedule is now), latest first, at
// most limit.
func (s *Store) MarkedSessions(ctx context.Context, groupID int64, limit int) ([]time.Time, error) {
	rows, err := s.query(ctx, `SELECT DISTINCT session_at FROM session_marks WHERE group_id = ? AND mark = 'here'
		ORDER BY session_at DESC LIMIT ?`, groupID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var at int64
		if err := rows.Scan(&at); err != nil {
			return nil, err
		}
		out = append(out, time.Unix(at, 0).UTC())
	}
	return out, rows.Err()
}

// GroupEvents returns the events Hearth made for a server's groups.
func (s *Store) GroupEvents(ctx context.Context, guildID string) ([]domain.GroupEvent, error) {
	rows, err := s.query(ctx, `SELECT group_id, guild_id, event_id, session_at, ends_at FROM group_events
		WHERE guild_id = ? ORDER BY group_id`, guildID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.GroupEvent
	for rows.Next() {
		var e domain.GroupEvent
		var at, ends int64
		if err := rows.Scan(&e.GroupID, &e.GuildID, &e.EventID, &at, &ends); err != nil {
			return nil, err
		}
		e.SessionAt, e.EndsAt = time.Unix(at, 0).UTC(), time.Unix(ends, 0).UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// SetGroupEvent records the event made for a group's session.
func (s *Store) SetGroupEvent(ctx context.Context, e domain.GroupEvent) error {
	_, err := s.exec(ctx, `INSERT INTO group_events (group_id, guild_id, event_id, session_at, ends_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (group_id) DO UPDATE SET
		guild_id = excluded.guild_id, event_id = excluded.event_id, session_at = excluded.session_at, ends_at = excluded.ends_at`,
		e.GroupID, e.GuildID, e.EventID, e.SessionAt.Unix(), e.EndsAt.Unix())
	return err
}

// DropGroupEvent forgets a group's event (it was ended or removed).
func (s *Store) DropGroupEvent(ctx context.Context, groupID int64, eventID string) error {
	_, err := s.exec(ctx, `DELETE FROM group_events WHERE group_id = ? AND event_id = ?`, groupID, eventID)
	return err
}

// EventGuilds lists the servers that have a live voice group or an event
// Hearth made, for start-up to put their events right.
func (s *Store) EventGuilds(ctx context.Context) ([]string, error) {
	rows, err := s.query(ctx, `SELECT guild_id FROM groups WHERE voice_channel_id <> '' AND state <> 'archived'
		UNION SELECT guild_id FROM group_events ORDER BY 1`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
