package store

import (
	"context"
	"database/sql"
	"errors"

	"hearth/domain"
)

// Safety returns a server's crisis-alert and log-channel state; a server
// that never set any has the zero one.
func (s *Store) Safety(ctx context.Context, guildID string) (domain.Safety, error) {
	sf := domain.Safety{GuildID: guildID}
	var exposure string
	err := s.queryRow(ctx, `SELECT log_exposure, crisis_alerts, crisis_rule_id, crisis_words
		FROM guild_safety WHERE guild_id = ?`, guildID).
		Scan(&exposure, &sf.CrisisAlerts, &sf.CrisisRuleID, &sf.CrisisWords)
	if errors.Is(err, sql.ErrNoRows) {
		return sf, nil
	}
	sf.LogExposure = domain.Exposure(exposure)
	return sf, err
}

// SaveSafety stores a server's safety state, replacing the old one.
func (s *Store) SaveSafety(ctx context.Context, sf domain.Safety) error {
	_, err := s.exec(ctx, `INSERT INTO guild_safety (guild_id, log_exposure, crisis_alerts, crisis_rule_id, crisis_words)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (guild_id) DO UPDATE SET log_exposure = excluded.log_exposure,
		crisis_alerts = excluded.crisis_alerts, crisis_rule_id = excluded.crisis_rule_id,
		crisis_words = excluded.crisis_words`,
		sf.GuildID, string(sf.LogExposure), sf.CrisisAlerts, sf.CrisisRuleID, sf.CrisisWords)
	return err
}

// CrisisGuilds lists the servers with crisis alerts on, for start-up to
// check their rules still exist.
func (s *Store) CrisisGuilds(ctx context.Context) ([]string, error) {
	return s.queryStrings(ctx, `SELECT guild_id FROM guild_safety WHERE crisis_alerts = 1 ORDER BY guild_id`)
}

// LogChannelGuilds lists the servers with a log channel, for start-up to
// check it is still private.
func (s *Store) LogChannelGuilds(ctx context.Context) ([]string, error) {
	return s.queryStrings(ctx, `SELECT guild_id FROM guild_settings WHERE log_channel_id <> '' ORDER BY guild_id`)
}

// GroupOfChannel returns the live group whose text or voice channel is
// channelID; false when it is none's.
func (s *Store) GroupOfChannel(ctx context.Context, channelID string) (int64, bool, error) {
	if channelID == "" {
		return 0, false, nil
	}
	var id int64
	err := s.queryRow(ctx, `SELECT id FROM groups WHERE (channel_id = ? OR voice_channel_id = ?)
		AND state <> 'archived' ORDER BY id LIMIT 1`, channelID, channelID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, err
}

// VoiceChannel returns a group's voice channel id ("" = none).
func (s *Store) VoiceChannel(ctx context.Context, groupID int64) (string, error) {
	var id string
	err := s.queryRow(ctx, `SELECT voice_channel_id FROM groups WHERE id = ?`, groupID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", domain.ErrNoGroup
	}
	return id, err
}

// ReportAccess records that a role's access to a channel was reported in
// the log channel; false when it already was.
func (s *Store) ReportAccess(ctx context.Context, channelID, roleID string) (bool, error) {
	res, err := s.exec(ctx, `INSERT INTO access_reports (channel_id, role_id) VALUES (?, ?)
		ON CONFLICT (channel_id, role_id) DO NOTHING`, channelID, roleID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// KeepAccessReports forgets the reports of a channel's roles other than
// roleIDs (their access is gone), so that access given again is reported
// again.
func (s *Store) KeepAccessReports(ctx context.Context, channelID string, roleIDs []string) error {
	reported, err := s.queryStrings(ctx, `SELECT role_id FROM access_reports WHERE channel_id = ?`, channelID)
	if err != nil {
		return err
	}
	keep := map[string]bool{}
	for _, id := range roleIDs {
		keep[id] = true
	}
	for _, id := range reported {
		if !keep[id] {
			if _, err := s.exec(ctx, `DELETE FROM access_reports WHERE channel_id = ? AND role_id = ?`, channelID, id); err != nil {
				return err
			}
		}
	}
	return nil
}
