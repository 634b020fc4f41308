package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"hearth/domain"
)

// personColumn is one column that holds a person's id: what /mydata
// exports, /forget erases and retention clears come from this one list,
// so that a new table holding people is one entry here (a test fails
// while one is missing).
type personColumn struct {
	table, column string
	how           eraseHow
	// scope limits a person's rows to one server: SQL with one ? for the
	// server's id; "" for a table kept across servers (their locale).
	scope string
	// group selects the rows of one group, for retention: SQL with one ?
	// for the group's id; "" when the rows are not a group's.
	group string
	// export adds the person's rows to an export; nil exports nothing.
	export func(ctx context.Context, s *Store, guildID, userID string, d *domain.PersonalData) error
}

// eraseHow is how a person is taken out of a column.
type eraseHow int

const (
	eraseRows  eraseHow = iota // delete the rows
	eraseField                 // set the column to '' (the row is not theirs: a group)
	eraseList                  // take the id out of a space-separated list
	eraseTurn                  // blank a round's turn, passed, keeping its position
)

const (
	inGuild = `group_id IN (SELECT id FROM groups WHERE guild_id = ?)`
	ofGroup = `group_id = ?`
)

// A reminder's direct messages and a round's turns reach their group
// through their parent row rather than through a copy of its group_id, so
// that no row can disagree with its parent and no insert has a column to
// keep in step.
func viaFirings(cond string) string {
	return `firing_id IN (SELECT id FROM firings WHERE ` + cond + `)`
}
func viaRounds(cond string) string { return `round_id IN (SELECT id FROM rounds WHERE ` + cond + `)` }

// people is the registry of every column holding a person's id.
var people = []personColumn{
	{table: "memberships", column: "user_id", scope: inGuild, group: ofGroup, export: exportMemberships},
	{table: "grants", column: "user_id", scope: inGuild, group: ofGroup, export: exportAccess},
	{table: "agreements", column: "user_id", scope: inGuild, group: ofGroup, export: exportAgreements},
	{table: "waiting", column: "user_id", scope: inGuild, group: ofGroup, export: exportWaiting},
	{table: "offers", column: "user_id", scope: inGuild, group: ofGroup, export: exportOffers},
	{table: "voice_intervals", column: "user_id", scope: inGuild, group: ofGroup, export: exportVoice},
	{table: "session_marks", column: "user_id", scope: inGuild, group: ofGroup, export: exportMarks},
	{table: "firings", column: "mentions", how: eraseList, scope: inGuild, group: ofGroup, export: exportReminders},
	{table: "reminder_defaults", column: "user_id", scope: "guild_id = ?", export: exportReminderDefault},
	{table: "reminder_overrides", column: "user_id", scope: inGuild, group: ofGroup, export: exportReminderModes},
	{table: "reminder_dms", column: "user_id", scope: viaFirings(inGuild), group: viaFirings(ofGroup), export: exportDirectReminders},
	{table: "dm_notices", column: "user_id", scope: "guild_id = ?", export: exportDMNotice},
	{table: "round_turns", column: "user_id", how: eraseTurn, scope: viaRounds(inGuild), group: viaRounds(ofGroup), export: exportRounds},
	{table: "groups", column: "facilitator_id", how: eraseField, scope: "guild_id = ?", group: "id = ?", export: exportFacilitates},
	{table: "groups", column: "created_by", how: eraseField, scope: "guild_id = ?", group: "id = ?", export: exportCreated},
	{table: "user_locales", column: "user_id", export: exportLocale},
	{table: "erasure_channels", column: "user_id", scope: "guild_id = ?"},
	{table: "erasures", column: "user_id", scope: "guild_id = ?"},
}

// erase takes userID out of the column, within guildID unless the table is
// kept across servers.
func (c personColumn) erase(ctx context.Context, tx *sql.Tx, guildID, userID string) error {
	var query string
	args := []any{}
	switch c.how {
	case eraseRows:
		query = `DELETE FROM ` + c.table + ` WHERE ` + c.column + ` = ?`
		args = append(args, userID)
	case eraseField:
		query = `UPDATE ` + c.table + ` SET ` + c.column + ` = '' WHERE ` + c.column + ` = ?`
		args = append(args, userID)
	case eraseList:
		query = `UPDATE ` + c.table + ` SET ` + c.column + ` = TRIM(REPLACE(' ' || ` + c.column + ` || ' ', ?, ' '))
			WHERE ' ' || ` + c.column + ` || ' ' LIKE ?`
		args = append(args, " "+userID+" ", "% "+userID+" %")
	case eraseTurn:
		query = `UPDATE ` + c.table + ` SET ` + turnErased + ` WHERE ` + c.column + ` = ?`
		args = append(args, userID)
	}
	if c.scope != "" {
		query += ` AND ` + c.scope
		args = append(args, guildID)
	}
	_, err := tx.ExecContext(ctx, query, args...)
	return err
}

// turnErased blanks a round's turn: it keeps its place, so that the
// round's position still points where it did, and counts as passed unless
// it was taken (AdvanceRound steps over it).
const turnErased = `user_id = '', outcome = CASE WHEN outcome = '' THEN 'passed' ELSE outcome END`

// clearGroup takes everyone out of the column for one group.
func (c personColumn) clearGroup(ctx context.Context, tx *sql.Tx, groupID int64) error {
	var query string
	switch c.how {
	case eraseRows:
		query = `DELETE FROM ` + c.table + ` WHERE ` + c.group
	case eraseTurn:
		query = `UPDATE ` + c.table + ` SET ` + turnErased + ` WHERE ` + c.group + ` AND ` + c.column + ` <> ''`
	default:
		query = `UPDATE ` + c.table + ` SET ` + c.column + ` = '' WHERE ` + c.group + ` AND ` + c.column + ` <> ''`
	}
	_, err := tx.ExecContext(ctx, query, groupID)
	return err
}

// holds is SQL true when the column names someone for group g.id (the
// outer query's group).
func (c personColumn) holds() string {
	rows := `EXISTS (SELECT 1 FROM ` + c.table + ` WHERE ` + strings.Replace(c.group, "?", "g.id", 1)
	if c.how == eraseRows {
		return rows + `)`
	}
	return rows + ` AND ` + c.column + ` <> '')`
}

// Export gathers everything kept about userID in guildID, naming nobody
// else.
func (s *Store) Export(ctx context.Context, guildID, userID string, now time.Time) (domain.PersonalData, error) {
	d := domain.PersonalData{Version: domain.PersonalDataVersion, GeneratedAt: now.UTC().Truncate(time.Second),
		ServerID: guildID, UserID: userID, Groups: []domain.GroupRecord{}, Waiting: []domain.WaitingRecord{},
		Offers: []domain.OfferRecord{}, Agreements: []domain.AgreedRecord{}, Attendance: []domain.MarkRecord{},
		Voice: []domain.VoiceRecord{}, Reminders: []domain.ReminderRecord{}, Access: []domain.GroupRef{},
		Facilitates: []domain.GroupRef{}, Created: []domain.GroupRef{}, ReminderModes: []domain.ReminderModeRecord{},
		DirectReminders: []domain.DirectReminderRecord{}, Rounds: []domain.RoundRecord{}}
	for _, c := range people {
		if c.export == nil {
			continue
		}
		if err := c.export(ctx, s, guildID, userID, &d); err != nil {
			return d, err
		}
	}
	return d, nil
}

// BeginErasure records that userID is to be erased from guildID and, in
// the same transaction, takes them out of every group there, so that
// nothing restores their access meanwhile. It refuses with
// domain.ErrFacilitates, recording nothing, when they facilitate a live
// group of the server.
func (s *Store) BeginErasure(ctx context.Context, guildID, userID string, now time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM groups WHERE guild_id = ? AND facilitator_id = ?
			AND state <> 'archived'`, guildID, userID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return domain.ErrFacilitates
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO erasures (guild_id, user_id, requested_at) VALUES (?, ?, ?)
			ON CONFLICT (guild_id, user_id) DO NOTHING`, guildID, userID, now.Unix()); err != nil {
			return err
		}
		// Every group on whose channels Hearth may have given them an
		// overwrite: those they are or were in, and the archived ones they
		// facilitated.
		if _, err := tx.ExecContext(ctx, `INSERT INTO erasure_channels (guild_id, user_id, group_id)
			SELECT ?, ?, g.id FROM groups g WHERE g.guild_id = ? AND (g.facilitator_id = ?
				OR EXISTS (SELECT 1 FROM grants x WHERE x.group_id = g.id AND x.user_id = ?)
				OR EXISTS (SELECT 1 FROM memberships x WHERE x.group_id = g.id AND x.user_id = ?))
			ON CONFLICT (guild_id, user_id, group_id) DO NOTHING`,
			guildID, userID, guildID, userID, userID, userID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM memberships WHERE user_id = ? AND `+inGuild, userID, guildID)
		return err
	})
}

// FacilitatedGroups lists the live groups of a server that userID
// facilitates.
func (s *Store) FacilitatedGroups(ctx context.Context, guildID, userID string) ([]string, error) {
	return s.queryStrings(ctx, `SELECT name FROM groups WHERE guild_id = ? AND facilitator_id = ? AND state <> 'archived'
		ORDER BY name_key`, guildID, userID)
}

// ErasureAccess lists the groups on whose channels an erasure has still
// to remove the person's overwrites (BeginErasure wrote them).
func (s *Store) ErasureAccess(ctx context.Context, guildID, userID string) ([]domain.Access, error) {
	rows, err := s.query(ctx, `SELECT g.guild_id, g.id, g.channel_id, g.voice_channel_id, g.state <> 'archived'
		FROM erasure_channels e JOIN groups g ON g.id = e.group_id
		WHERE e.guild_id = ? AND e.user_id = ? ORDER BY g.id`, guildID, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.Access
	for rows.Next() {
		var a domain.Access
		if err := rows.Scan(&a.GuildID, &a.GroupID, &a.ChannelID, &a.VoiceChannelID, &a.Live); err != nil {
			return nil, err
		}
		a.UserIDs = []string{userID}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AccessRemoved records that a group's channels no longer carry the
// overwrite of a person being erased.
func (s *Store) AccessRemoved(ctx context.Context, guildID, userID string, groupID int64) error {
	_, err := s.exec(ctx, `DELETE FROM erasure_channels WHERE guild_id = ? AND user_id = ? AND group_id = ?`,
		guildID, userID, groupID)
	return err
}

// Erase takes userID out of every table of guildID (and out of the tables
// kept across servers), and drops the erasure's record, in one
// transaction. Counts that name nobody (a group's member count) stay.
func (s *Store) Erase(ctx context.Context, guildID, userID string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		for _, c := range people {
			if err := c.erase(ctx, tx, guildID, userID); err != nil {
				return err
			}
		}
		return nil
	})
}

// PendingErasures lists the erasures recorded and not yet finished.
func (s *Store) PendingErasures(ctx context.Context) ([]domain.Erasure, error) {
	rows, err := s.query(ctx, `SELECT guild_id, user_id, requested_at FROM erasures ORDER BY requested_at, guild_id, user_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.Erasure
	for rows.Next() {
		var e domain.Erasure
		var at int64
		if err := rows.Scan(&e.GuildID, &e.UserID, &at); err != nil {
			return nil, err
		}
		e.RequestedAt = time.Unix(at, 0).UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// ExpiredArchives lists the groups archived before `before` that still
// hold a record naming someone, with the people whose overwrites Hearth
// may have left on their channels (grants and the facilitator).
func (s *Store) ExpiredArchives(ctx context.Context, before time.Time, limit int) ([]domain.Access, error) {
	var holds []string
	for _, c := range people {
		if c.group != "" {
			holds = append(holds, c.holds())
		}
	}
	rows, err := s.query(ctx, `SELECT g.guild_id, g.id, g.channel_id, g.voice_channel_id, g.facilitator_id FROM groups g
		WHERE g.state = 'archived' AND g.archived_at < ? AND g.archive_pending = 0 AND (`+strings.Join(holds, " OR ")+`)
		ORDER BY g.archived_at, g.id LIMIT ?`, before.Unix(), limit)
	if err != nil {
		return nil, err
	}
	var out []domain.Access
	for rows.Next() {
		var a domain.Access
		var facilitator string
		if err := rows.Scan(&a.GuildID, &a.GroupID, &a.ChannelID, &a.VoiceChannelID, &facilitator); err != nil {
			rows.Close()
			return nil, err
		}
		if facilitator != "" {
			a.UserIDs = append(a.UserIDs, facilitator)
		}
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i, a := range out {
		grants, err := s.Grants(ctx, a.GroupID)
		if err != nil {
			return nil, err
		}
		for _, id := range grants {
			if id != "" && (len(a.UserIDs) == 0 || a.UserIDs[0] != id) {
				out[i].UserIDs = append(out[i].UserIDs, id)
			}
		}
	}
	return out, nil
}

// ClearArchivedGroup erases every record naming a person from an archived
// group: members, grants, agreements, waiting, offers, attendance, voice,
// reminder mentions, reminder choices and direct reminders, round turns
// (blanked), its facilitator and creator. The group's row and its counts
// stay. A group that is not archived is left as it is.
func (s *Store) ClearArchivedGroup(ctx context.Context, groupID int64) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var state domain.State
		err := tx.QueryRowContext(ctx, `SELECT state FROM groups WHERE id = ?`, groupID).Scan(&state)
		if err == sql.ErrNoRows || (err == nil && state != domain.StateArchived) {
			return nil
		}
		if err != nil {
			return err
		}
		for _, c := range people {
			if c.group == "" {
				continue
			}
			if err := c.clearGroup(ctx, tx, groupID); err != nil {
				return err
			}
		}
		return nil
	})
}
