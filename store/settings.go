package store

import (
	"crypto/rand"
	"hearth/domain"

	"context"
	"database/sql"
	"errors"
)

// Settings returns a server's settings; a server that never ran /setup has
// empty ones.
func (s *Store) Settings(ctx context.Context, guildID string) (domain.Settings, error) {
	st := domain.Settings{GuildID: guildID}
	err := s.queryRow(ctx, `SELECT moderator_role_id, category_id, log_channel_id, timezone, language, guild_locale, support_text,
		discreet FROM guild_settings WHERE guild_id = ?`, guildID).
		Scan(&st.ModeratorRoleID, &st.CategoryID, &st.LogChannelID, &st.Timezone, &st.Language, &st.GuildLocale, &st.SupportText,
			&st.Discreet)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	return st, err
}

// SaveSettings stores a server's /setup choices, replacing the old ones;
// the server's locale is SetGuildLocale's.
func (s *Store) SaveSettings(ctx context.Context, st domain.Settings) error {
	_, err := s.exec(ctx, `INSERT INTO guild_settings
		(guild_id, moderator_role_id, category_id, log_channel_id, timezone, language, support_text, discreet)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (guild_id) DO UPDATE SET moderator_role_id = excluded.moderator_role_id,
		category_id = excluded.category_id, log_channel_id = excluded.log_channel_id,
		timezone = excluded.timezone, language = excluded.language, support_text = excluded.support_text,
		discreet = excluded.discreet`,
		st.GuildID, st.ModeratorRoleID, st.CategoryID, st.LogChannelID, st.Timezone, st.Language, st.SupportText, st.Discreet)
	return err
}

// SetGuildLocale records a server's preferred locale as Discord tells it.
func (s *Store) SetGuildLocale(ctx context.Context, guildID, locale string) error {
	_, err := s.exec(ctx, `INSERT INTO guild_settings (guild_id, guild_locale) VALUES (?, ?)
		ON CONFLICT (guild_id) DO UPDATE SET guild_locale = excluded.guild_locale
		WHERE guild_settings.guild_locale <> excluded.guild_locale`, guildID, locale)
	return err
}

// GrantRole records that Hearth gives roleID access to a server's group
// channels; record it before the first overwrite is written.
func (s *Store) GrantRole(ctx context.Context, guildID, roleID string) error {
	_, err := s.exec(ctx, `INSERT INTO role_grants (guild_id, role_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, guildID, roleID)
	return err
}

// DropRoleGrant records that roleID's access is gone from every group
// channel of the server.
func (s *Store) DropRoleGrant(ctx context.Context, guildID, roleID string) error {
	_, err := s.exec(ctx, `DELETE FROM role_grants WHERE guild_id = ? AND role_id = ?`, guildID, roleID)
	return err
}

// RoleGrants lists the roles Hearth may have given access to a server's
// group channels.
func (s *Store) RoleGrants(ctx context.Context, guildID string) ([]string, error) {
	return s.queryStrings(ctx, `SELECT role_id FROM role_grants WHERE guild_id = ? ORDER BY role_id`, guildID)
}

// Secret returns the random key called name, made on first use and kept.
func (s *Store) Secret(ctx context.Context, name string) ([]byte, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if _, err := s.exec(ctx, `INSERT INTO secrets (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING`, name, key); err != nil {
		return nil, err
	}
	var value []byte
	err := s.queryRow(ctx, `SELECT value FROM secrets WHERE name = ?`, name).Scan(&value)
	return value, err
}
