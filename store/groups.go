package store

import (
	"hearth/domain"

	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

const groupColumns = `g.id, g.guild_id, g.name, g.kind, g.capacity, g.start_at, g.sessions,
	g.schedule, g.timezone, g.reminders, g.description, g.facilitator_id, g.channel_id,
	g.state, g.created_by, g.created_at, g.locked_at, g.archived_at, g.member_count,
	g.sessions_held, g.count_from, g.lock_at, g.guidelines, g.guidelines_version,
	g.voice_channel_id, g.duration_minutes,
	(SELECT count(*) FROM offers o WHERE o.group_id = g.id AND o.state IN ('pending', 'open'))`

type rowScanner interface{ Scan(...any) error }

// scanGroup reads groupColumns, then extra columns into extra.
func scanGroup(r rowScanner, extra ...any) (domain.Group, error) {
	var g domain.Group
	var start, locked, archived, countFrom, lockAt sql.NullInt64
	var created, minutes int64
	err := r.Scan(append([]any{&g.ID, &g.GuildID, &g.Name, &g.Kind, &g.Capacity, &start, &g.Sessions,
		&g.Schedule, &g.Timezone, &g.Reminders, &g.Description, &g.FacilitatorID, &g.ChannelID,
		&g.State, &g.CreatedBy, &created, &locked, &archived, &g.MemberCount,
		&g.SessionsHeld, &countFrom, &lockAt, &g.Guidelines, &g.GuidelinesVersion,
		&g.VoiceChannelID, &minutes, &g.HeldSeats}, extra...)...)
	if err != nil {
		return domain.Group{}, err
	}
	g.StartAt, g.LockedAt, g.ArchivedAt = fromUnix(start), fromUnix(locked), fromUnix(archived)
	g.CountFrom, g.LockAt = fromUnix(countFrom), fromUnix(lockAt)
	g.CreatedAt = time.Unix(created, 0).UTC()
	g.Duration = time.Duration(minutes) * time.Minute
	return g, nil
}

func fromUnix(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.Unix(v.Int64, 0).UTC()
}

func toUnix(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.Unix(), Valid: true}
}

// CreateGroup stores a new group, still without a channel, planned at now.
// It returns domain.ErrNameTaken when the server has a live group of that name.
func (s *Store) CreateGroup(ctx context.Context, g domain.Group, now time.Time) (domain.Group, error) {
	if g.Reminders == "" {
		g.Reminders = domain.DefaultReminders
	}
	g.State = domain.StateActive
	if g.CreatedAt.IsZero() {
		g.CreatedAt = now
	}
	err := s.planTx(ctx, func(tx *sql.Tx) error {
		version := 0
		if g.Guidelines != "" {
			version = 1
		}
		err := s.txQueryRow(ctx, tx, `INSERT INTO groups
			(guild_id, name, name_key, kind, capacity, start_at, sessions, schedule, timezone,
			 reminders, description, facilitator_id, channel_id, created_by, created_at, guidelines, guidelines_version,
			 duration_minutes)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			g.GuildID, g.Name, domain.NameKey(g.Name), g.Kind, g.Capacity, toUnix(g.StartAt), g.Sessions,
			g.Schedule, g.Timezone, g.Reminders, g.Description, g.FacilitatorID, g.ChannelID,
			g.CreatedBy, g.CreatedAt.Unix(), g.Guidelines, version, int64(g.SessionLength()/time.Minute)).Scan(&g.ID)
		if isUniqueViolation(err) {
			return domain.ErrNameTaken
		}
		if err != nil {
			return fmt.Errorf("create group: %w", err)
		}
		return s.replan(ctx, tx, g.ID, now)
	})
	if err != nil {
		return domain.Group{}, err
	}
	return s.Group(ctx, g.ID)
}

// SetGroupChannel records the channel made for a group.
func (s *Store) SetGroupChannel(ctx context.Context, groupID int64, channelID string) error {
	_, err := s.exec(ctx, `UPDATE groups SET channel_id = ? WHERE id = ?`, channelID, groupID)
	return err
}

// DeleteGroup removes a group and its memberships; it undoes a creation
// whose channel could not be made.
func (s *Store) DeleteGroup(ctx context.Context, groupID int64) error {
	_, err := s.exec(ctx, `DELETE FROM groups WHERE id = ?`, groupID)
	return err
}

// Group returns a group by id, archived or not.
func (s *Store) Group(ctx context.Context, id int64) (domain.Group, error) {
	g, err := scanGroup(s.queryRow(ctx, `SELECT `+groupColumns+` FROM groups g WHERE g.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return domain.Group{}, domain.ErrNoGroup
	}
	return g, err
}

// GroupByName finds a server's live group by name, ignoring case.
func (s *Store) GroupByName(ctx context.Context, guildID, name string) (domain.Group, error) {
	g, err := scanGroup(s.queryRow(ctx, `SELECT `+groupColumns+` FROM groups g
		WHERE g.guild_id = ? AND g.name_key = ? AND g.state <> 'archived'`, guildID, domain.NameKey(name)))
	if errors.Is(err, sql.ErrNoRows) {
		return domain.Group{}, domain.ErrNoGroup
	}
	return g, err
}

// Groups lists a server's live groups by name.
func (s *Store) Groups(ctx context.Context, guildID string) ([]domain.Group, error) {
	return s.queryGroups(ctx, `SELECT `+groupColumns+` FROM groups g
		WHERE g.guild_id = ? AND g.state <> 'archived' ORDER BY g.name_key`, guildID)
}

// ListGroups returns the first limit live groups of a server by name, which
// of them userID is in, and how many there are in all: /groups shows one
// message's worth, so it reads no more than that. The groups carry what
// /groups shows and what session times need, not their description,
// facilitator, channel or creation.
func (s *Store) ListGroups(ctx context.Context, guildID, userID string, limit int) (domain.Listing, error) {
	l := domain.Listing{Mine: map[int64]bool{}}
	// Only what /groups shows and session times need: each column read
	// costs a cgo call per row.
	rows, err := s.query(ctx, `SELECT g.id, g.name, g.kind, g.state, g.capacity, g.member_count,
		g.schedule, g.timezone, g.reminders, g.start_at, g.sessions, g.locked_at, g.sessions_held, g.count_from, g.lock_at,
		(SELECT count(*) FROM offers o WHERE o.group_id = g.id AND o.state IN ('pending', 'open')),
		EXISTS (SELECT 1 FROM memberships m WHERE m.group_id = g.id AND m.user_id = ?)
		FROM groups g WHERE g.guild_id = ? AND g.state <> 'archived' ORDER BY g.name_key LIMIT ?`,
		userID, guildID, limit)
	if err != nil {
		return l, err
	}
	defer rows.Close()
	for rows.Next() {
		g := domain.Group{GuildID: guildID}
		var start, locked, countFrom, lockAt sql.NullInt64
		var mine bool
		if err := rows.Scan(&g.ID, &g.Name, &g.Kind, &g.State, &g.Capacity, &g.MemberCount,
			&g.Schedule, &g.Timezone, &g.Reminders, &start, &g.Sessions, &locked, &g.SessionsHeld, &countFrom, &lockAt,
			&g.HeldSeats, &mine); err != nil {
			return l, err
		}
		g.StartAt, g.LockedAt, g.CountFrom, g.LockAt = fromUnix(start), fromUnix(locked), fromUnix(countFrom), fromUnix(lockAt)
		l.Groups = append(l.Groups, g)
		l.Mine[g.ID] = mine
	}
	if err := rows.Err(); err != nil {
		return l, err
	}
	l.Total = len(l.Groups)
	if l.Total == limit { // there may be more: count them
		if err = s.queryRow(ctx, `SELECT count(*) FROM groups WHERE guild_id = ? AND state <> 'archived'`,
			guildID).Scan(&l.Total); err != nil {
			return l, err
		}
	}
	l.Waiting, err = s.waitingPlaces(ctx, guildID, userID)
	return l, err
}

// waitingPlaces is userID's place on each waitlist of a server it is on:
// it starts from their own rows, so costs nothing for most people.
func (s *Store) waitingPlaces(ctx context.Context, guildID, userID string) (map[int64]int, error) {
	rows, err := s.query(ctx, `SELECT w.group_id, (SELECT count(*) FROM waiting x WHERE x.group_id = w.group_id
		AND x.list = 'seat' AND (x.added_at < w.added_at OR (x.added_at = w.added_at AND x.seq <= w.seq)))
		FROM waiting w JOIN groups g ON g.id = w.group_id
		WHERE w.user_id = ? AND w.list = 'seat' AND g.guild_id = ?`, userID, guildID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	places := map[int64]int{}
	for rows.Next() {
		var id int64
		var place int
		if err := rows.Scan(&id, &place); err != nil {
			return nil, err
		}
		places[id] = place
	}
	return places, rows.Err()
}

// SearchGroups returns the names of up to limit live groups of a server
// whose name contains typed (ignoring case) and that pass filter for userID
// at now, in order. It serves autocomplete on every keystroke, so it reads
// only what the filter needs and stops at limit.
func (s *Store) SearchGroups(ctx context.Context, guildID, userID, typed string, filter domain.Filter, limit int, now time.Time) ([]string, error) {
	cond := ""
	args := []any{guildID, "%" + likeEscaper.Replace(domain.NameKey(typed)) + "%"}
	switch filter {
	case domain.JoinableGroup:
		// The SQL narrows; Group.Enrolling decides.
		cond = ` AND g.state = 'active' AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.group_id = g.id AND m.user_id = ?)`
		args = append(args, userID)
	case domain.OwnGroup:
		cond = ` AND EXISTS (SELECT 1 FROM memberships m WHERE m.group_id = g.id AND m.user_id = ?)`
		args = append(args, userID)
	case domain.Facilitated:
		cond = ` AND g.facilitator_id <> '' AND g.facilitator_id = ?`
		args = append(args, userID)
	}
	rows, err := s.query(ctx, `SELECT g.name, g.kind, g.state, g.lock_at FROM groups g
		WHERE g.guild_id = ? AND g.state <> 'archived' AND g.name_key LIKE ? ESCAPE '!'`+cond+`
		ORDER BY g.name_key`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for len(names) < limit && rows.Next() {
		var g domain.Group
		var lockAt sql.NullInt64
		if err := rows.Scan(&g.Name, &g.Kind, &g.State, &lockAt); err != nil {
			return nil, err
		}
		g.LockAt = fromUnix(lockAt)
		if filter == domain.JoinableGroup && !g.Enrolling(now) {
			continue
		}
		names = append(names, g.Name)
	}
	return names, rows.Err()
}

// ArchivedGroups lists a server's archived groups.
func (s *Store) ArchivedGroups(ctx context.Context, guildID string) ([]domain.Group, error) {
	return s.queryGroups(ctx, `SELECT `+groupColumns+` FROM groups g
		WHERE g.guild_id = ? AND g.state = 'archived' ORDER BY g.id`, guildID)
}

// ArchivedUserGroups lists the archived groups of a server that userID still
// belongs to: with read-only archives they can still see those channels.
func (s *Store) ArchivedUserGroups(ctx context.Context, guildID, userID string) ([]domain.Group, error) {
	return s.queryGroups(ctx, `SELECT `+groupColumns+` FROM groups g
		JOIN memberships m ON m.group_id = g.id AND m.user_id = ?
		WHERE g.guild_id = ? AND g.state = 'archived' ORDER BY g.name_key, g.id`, userID, guildID)
}

// LiveGroups lists every live group of every server, for reconciliation.
func (s *Store) LiveGroups(ctx context.Context) ([]domain.Group, error) {
	return s.queryGroups(ctx, `SELECT `+groupColumns+` FROM groups g
		WHERE g.state <> 'archived' ORDER BY g.id`)
}

func (s *Store) queryGroups(ctx context.Context, query string, args ...any) ([]domain.Group, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.Group
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// SetSchedule replaces a group's schedule, time zone and reminder lead
// times, and plans it anew at now. A started closed group keeps the count
// of the sessions it has held so far: the new schedule goes on from now.
func (s *Store) SetSchedule(ctx context.Context, groupID int64, spec, timezone, reminders string, now time.Time) error {
	return s.SetScheduleFor(ctx, groupID, spec, timezone, reminders, 0, now)
}

// SetScheduleFor is SetSchedule that also sets how long each session lasts
// (0 keeps it).
func (s *Store) SetScheduleFor(ctx context.Context, groupID int64, spec, timezone, reminders string, duration time.Duration, now time.Time) error {
	return s.planTx(ctx, func(tx *sql.Tx) error {
		g, err := scanGroup(s.txQueryRow(ctx, tx, `SELECT `+groupColumns+` FROM groups g WHERE g.id = ?`, groupID))
		if errors.Is(err, sql.ErrNoRows) || (err == nil && g.State == domain.StateArchived) {
			return domain.ErrNoGroup
		}
		if err != nil {
			return err
		}
		held, from := g.SessionsHeld, toUnix(g.CountFrom)
		if g.State == domain.StateLocked && g.Sessions > 0 {
			held, from = g.SessionsHeldBy(now), toUnix(now)
		}
		minutes := int64(duration / time.Minute)
		if _, err := s.txExec(ctx, tx, `UPDATE groups SET schedule = ?, timezone = ?, reminders = ?,
			sessions_held = ?, count_from = ?,
			duration_minutes = CASE WHEN ? > 0 THEN ? ELSE duration_minutes END WHERE id = ?`,
			spec, timezone, reminders, held, from, minutes, minutes, groupID); err != nil {
			return err
		}
		return s.replan(ctx, tx, groupID, now)
	})
}

// SetGuidelines replaces a group's guidelines (empty removes them) and
// returns their new version.
func (s *Store) SetGuidelines(ctx context.Context, groupID int64, text string) (int, error) {
	var version int
	err := s.queryRow(ctx, `UPDATE groups SET guidelines = ?, guidelines_version = guidelines_version + 1
		WHERE id = ? AND state <> 'archived' RETURNING guidelines_version`, text, groupID).Scan(&version)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, domain.ErrNoGroup
	}
	return version, storageError(err)
}

// Agreements lists who agreed to which version of a group's guidelines.
func (s *Store) Agreements(ctx context.Context, groupID int64) (map[string]int, error) {
	rows, err := s.query(ctx, `SELECT user_id, max(version) FROM agreements WHERE group_id = ? GROUP BY user_id`, groupID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var user string
		var v int
		if err := rows.Scan(&user, &v); err != nil {
			return nil, err
		}
		out[user] = v
	}
	return out, rows.Err()
}

// ChannelIDs lists the channels of a server's groups, archived ones
// included.
func (s *Store) ChannelIDs(ctx context.Context, guildID string) ([]string, error) {
	return s.queryStrings(ctx, `SELECT channel_id FROM groups WHERE guild_id = ? AND channel_id <> ''`, guildID)
}

// likeEscaper makes text match itself in a LIKE pattern with ESCAPE '!'
// (a backslash is read differently by the two databases' string syntax).
var likeEscaper = strings.NewReplacer("!", "!!", "%", "!%", "_", "!_")
