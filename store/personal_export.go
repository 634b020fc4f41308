package store

import (
	"context"
	"database/sql"
	"time"

	"hearth/domain"
)

// The exports of the registry's columns (personal.go): each reads one
// person's rows in one server, with the group each is about, and nobody
// else's.

const refColumns = `g.id, g.name, g.state`

func unix(v int64) time.Time { return time.Unix(v, 0).UTC() }

func exportMemberships(ctx context.Context, s *Store, guildID, userID string, d *domain.PersonalData) error {
	rows, err := s.query(ctx, `SELECT `+refColumns+`, m.joined_at FROM memberships m JOIN groups g ON g.id = m.group_id
		WHERE g.guild_id = ? AND m.user_id = ? ORDER BY m.joined_at, g.id`, guildID, userID)
	return scanEach(rows, err, func(ref domain.GroupRef, r *sql.Rows) error {
		var at int64
		if err := r.Scan(&ref.GroupID, &ref.Group, &ref.State, &at); err != nil {
			return err
		}
		d.Groups = append(d.Groups, domain.GroupRecord{GroupRef: ref, JoinedAt: unix(at)})
		return nil
	})
}

func exportAccess(ctx context.Context, s *Store, guildID, userID string, d *domain.PersonalData) error {
	rows, err := s.query(ctx, `SELECT `+refColumns+` FROM grants x JOIN groups g ON g.id = x.group_id
		WHERE g.guild_id = ? AND x.user_id = ? ORDER BY g.id`, guildID, userID)
	return scanEach(rows, err, func(ref domain.GroupRef, r *sql.Rows) error {
		if err := r.Scan(&ref.GroupID, &ref.Group, &ref.State); err != nil {
			return err
		}
		d.Access = append(d.Access, ref)
		return nil
	})
}

func exportAgreements(ctx context.Context, s *Store, guildID, userID string, d *domain.PersonalData) error {
	rows, err := s.query(ctx, `SELECT `+refColumns+`, x.version, x.agreed_at FROM agreements x JOIN groups g ON g.id = x.group_id
		WHERE g.guild_id = ? AND x.user_id = ? ORDER BY x.agreed_at, g.id, x.version`, guildID, userID)
	return scanEach(rows, err, func(ref domain.GroupRef, r *sql.Rows) error {
		var rec domain.AgreedRecord
		var at int64
		if err := r.Scan(&ref.GroupID, &ref.Group, &ref.State, &rec.GuidelinesVersion, &at); err != nil {
			return err
		}
		rec.GroupRef, rec.AgreedAt = ref, unix(at)
		d.Agreements = append(d.Agreements, rec)
		return nil
	})
}

func exportWaiting(ctx context.Context, s *Store, guildID, userID string, d *domain.PersonalData) error {
	rows, err := s.query(ctx, `SELECT `+refColumns+`, x.list, x.added_at FROM waiting x JOIN groups g ON g.id = x.group_id
		WHERE g.guild_id = ? AND x.user_id = ? ORDER BY x.added_at, g.id`, guildID, userID)
	return scanEach(rows, err, func(ref domain.GroupRef, r *sql.Rows) error {
		var rec domain.WaitingRecord
		var at int64
		if err := r.Scan(&ref.GroupID, &ref.Group, &ref.State, &rec.List, &at); err != nil {
			return err
		}
		rec.GroupRef, rec.Since = ref, unix(at)
		d.Waiting = append(d.Waiting, rec)
		return nil
	})
}

func exportOffers(ctx context.Context, s *Store, guildID, userID string, d *domain.PersonalData) error {
	rows, err := s.query(ctx, `SELECT `+refColumns+`, x.state, x.offered_at, x.expires_at FROM offers x JOIN groups g ON g.id = x.group_id
		WHERE g.guild_id = ? AND x.user_id = ? ORDER BY x.offered_at, x.id`, guildID, userID)
	return scanEach(rows, err, func(ref domain.GroupRef, r *sql.Rows) error {
		var rec domain.OfferRecord
		var offered, expires int64
		if err := r.Scan(&ref.GroupID, &ref.Group, &ref.State, &rec.OfferState, &offered, &expires); err != nil {
			return err
		}
		rec.GroupRef, rec.OfferedAt, rec.ExpiresAt = ref, unix(offered), unix(expires)
		d.Offers = append(d.Offers, rec)
		return nil
	})
}

func exportVoice(ctx context.Context, s *Store, guildID, userID string, d *domain.PersonalData) error {
	rows, err := s.query(ctx, `SELECT `+refColumns+`, x.joined_at, x.left_at FROM voice_intervals x JOIN groups g ON g.id = x.group_id
		WHERE g.guild_id = ? AND x.user_id = ? ORDER BY x.joined_at, x.id`, guildID, userID)
	return scanEach(rows, err, func(ref domain.GroupRef, r *sql.Rows) error {
		var rec domain.VoiceRecord
		var joined int64
		var left sql.NullInt64
		if err := r.Scan(&ref.GroupID, &ref.Group, &ref.State, &joined, &left); err != nil {
			return err
		}
		rec.GroupRef, rec.JoinedAt = ref, unix(joined)
		if left.Valid {
			t := unix(left.Int64)
			rec.LeftAt = &t
		}
		d.Voice = append(d.Voice, rec)
		return nil
	})
}

func exportMarks(ctx context.Context, s *Store, guildID, userID string, d *domain.PersonalData) error {
	rows, err := s.query(ctx, `SELECT `+refColumns+`, x.session_at, x.mark, x.marked_at FROM session_marks x JOIN groups g ON g.id = x.group_id
		WHERE g.guild_id = ? AND x.user_id = ? ORDER BY x.session_at, g.id`, guildID, userID)
	return scanEach(rows, err, func(ref domain.GroupRef, r *sql.Rows) error {
		var rec domain.MarkRecord
		var session, marked int64
		if err := r.Scan(&ref.GroupID, &ref.Group, &ref.State, &session, &rec.Mark, &marked); err != nil {
			return err
		}
		rec.GroupRef, rec.SessionAt, rec.MarkedAt = ref, unix(session), unix(marked)
		d.Attendance = append(d.Attendance, rec)
		return nil
	})
}

// exportReminders lists the reminders whose mention list names the person;
// the list itself names others and is not exported.
func exportReminders(ctx context.Context, s *Store, guildID, userID string, d *domain.PersonalData) error {
	rows, err := s.query(ctx, `SELECT `+refColumns+`, x.session_at FROM firings x JOIN groups g ON g.id = x.group_id
		WHERE g.guild_id = ? AND ' ' || x.mentions || ' ' LIKE ? ORDER BY x.session_at, x.id`, guildID, "% "+userID+" %")
	return scanEach(rows, err, func(ref domain.GroupRef, r *sql.Rows) error {
		var rec domain.ReminderRecord
		var session int64
		if err := r.Scan(&ref.GroupID, &ref.Group, &ref.State, &session); err != nil {
			return err
		}
		rec.GroupRef, rec.SessionAt = ref, unix(session)
		d.Reminders = append(d.Reminders, rec)
		return nil
	})
}

func exportFacilitates(ctx context.Context, s *Store, guildID, userID string, d *domain.PersonalData) error {
	return exportGroupsWhere(ctx, s, `facilitator_id`, guildID, userID, &d.Facilitates)
}

func exportCreated(ctx context.Context, s *Store, guildID, userID string, d *domain.PersonalData) error {
	return exportGroupsWhere(ctx, s, `created_by`, guildID, userID, &d.Created)
}

func exportGroupsWhere(ctx context.Context, s *Store, column, guildID, userID string, into *[]domain.GroupRef) error {
	rows, err := s.query(ctx, `SELECT `+refColumns+` FROM groups g WHERE g.guild_id = ? AND g.`+column+` = ? ORDER BY g.id`,
		guildID, userID)
	return scanEach(rows, err, func(ref domain.GroupRef, r *sql.Rows) error {
		if err := r.Scan(&ref.GroupID, &ref.Group, &ref.State); err != nil {
			return err
		}
		*into = append(*into, ref)
		return nil
	})
}

func exportLocale(ctx context.Context, s *Store, _, userID string, d *domain.PersonalData) error {
	locale, err := s.UserLocale(ctx, userID)
	d.Locale = locale
	return err
}

// scanEach hands every row of a query to fn, then closes it.
func scanEach(rows *sql.Rows, err error, fn func(ref domain.GroupRef, r *sql.Rows) error) error {
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(domain.GroupRef{}, rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func exportReminderDefaults(ctx context.Context, s *Store, guildID, userID string, d *domain.PersonalData) error {
	modes, err := s.queryStrings(ctx, `SELECT mode FROM reminder_defaults WHERE guild_id = ? AND user_id = ?`, guildID, userID)
	for _, m := range modes {
		d.ReminderChoices = append(d.ReminderChoices, domain.ReminderChoice{Mode: domain.ReminderMode(m)})
	}
	return err
}

func exportReminderOverrides(ctx context.Context, s *Store, guildID, userID string, d *domain.PersonalData) error {
	rows, err := s.query(ctx, `SELECT `+refColumns+`, x.mode FROM reminder_overrides x JOIN groups g ON g.id = x.group_id
		WHERE g.guild_id = ? AND x.user_id = ? ORDER BY g.id`, guildID, userID)
	return scanEach(rows, err, func(ref domain.GroupRef, r *sql.Rows) error {
		var rec domain.ReminderChoice
		if err := r.Scan(&ref.GroupID, &ref.Group, &ref.State, &rec.Mode); err != nil {
			return err
		}
		rec.Group = &ref
		d.ReminderChoices = append(d.ReminderChoices, rec)
		return nil
	})
}

func exportDirectReminders(ctx context.Context, s *Store, guildID, userID string, d *domain.PersonalData) error {
	rows, err := s.query(ctx, `SELECT `+refColumns+`, f.session_at, x.state FROM reminder_dms x
		JOIN firings f ON f.id = x.firing_id JOIN groups g ON g.id = f.group_id
		WHERE g.guild_id = ? AND x.user_id = ? ORDER BY f.session_at, f.id`, guildID, userID)
	return scanEach(rows, err, func(ref domain.GroupRef, r *sql.Rows) error {
		var rec domain.DirectReminder
		var session int64
		if err := r.Scan(&ref.GroupID, &ref.Group, &ref.State, &session, &rec.State); err != nil {
			return err
		}
		rec.GroupRef, rec.SessionAt = ref, unix(session)
		d.DirectReminders = append(d.DirectReminders, rec)
		return nil
	})
}

func exportDMNotice(ctx context.Context, s *Store, guildID, userID string, d *domain.PersonalData) error {
	var at int64
	var told bool
	err := s.queryRow(ctx, `SELECT created_at, told FROM dm_notices WHERE guild_id = ? AND user_id = ?`, guildID, userID).
		Scan(&at, &told)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return err
	}
	d.DMNotice = &domain.DMNotice{Since: unix(at), Told: told}
	return nil
}

// exportRounds lists the person's turns; the rounds' other turns name
// others and are not exported.
func exportRounds(ctx context.Context, s *Store, guildID, userID string, d *domain.PersonalData) error {
	rows, err := s.query(ctx, `SELECT `+refColumns+`, rd.created_at, x.outcome FROM round_turns x
		JOIN rounds rd ON rd.id = x.round_id JOIN groups g ON g.id = rd.group_id
		WHERE g.guild_id = ? AND x.user_id = ? ORDER BY rd.created_at, rd.id`, guildID, userID)
	return scanEach(rows, err, func(ref domain.GroupRef, r *sql.Rows) error {
		var rec domain.RoundRecord
		var started int64
		if err := r.Scan(&ref.GroupID, &ref.Group, &ref.State, &started, &rec.Outcome); err != nil {
			return err
		}
		rec.GroupRef, rec.StartedAt = ref, unix(started)
		d.Rounds = append(d.Rounds, rec)
		return nil
	})
}
