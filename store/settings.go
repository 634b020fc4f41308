package store

import (
	"hearth/domain"

	"context"
	"database/sql"
	"errors"
)

// Settings returns a server's settings; a server that never ran /setup has
// empty ones.
func (s *Store) Settings(ctx context.Context, guildID string) (domain.Settings, error) {
	st := domain.Settings{GuildID: guildID}
	err := s.queryRow(ctx, `SELECT moderator_role_id, category_id, log_channel_id, timezone
		FROM guild_settings WHERE guild_id = ?`, guildID).
		Scan(&st.ModeratorRoleID, &st.CategoryID, &st.LogChannelID, &st.Timezone)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	return st, err
}

// SaveSettings stores a server's settings, replacing the old ones.
func (s *Store) SaveSettings(ctx context.Context, st domain.Settings) error {
	_, err := s.exec(ctx, `INSERT INTO guild_settings
		(guild_id, moderator_role_id, category_id, log_channel_id, timezone) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (guild_id) DO UPDATE SET moderator_role_id = excluded.moderator_role_id,
		category_id = excluded.category_id, log_channel_id = excluded.log_channel_id,
		timezone = excluded.timezone`,
		st.GuildID, st.ModeratorRoleID, st.CategoryID, st.LogChannelID, st.Timezone)
	return err
}
