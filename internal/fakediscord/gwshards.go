package fakediscord

import (
	"strconv"
	"time"
)

// shard is an IDENTIFY's [shard_id, num_shards].
type shard struct{ id, count int }

// Identify is one accepted IDENTIFY: which shard, and when.
type Identify struct {
	ShardID, ShardCount int
	At                  time.Time
}

// ShardOf is the shard that serves guildID among count shards, by
// Discord's formula (guild_id >> 22) % num_shards. Direct messages (an
// empty guildID) are on shard 0.
func ShardOf(guildID string, count int) int {
	id, err := strconv.ParseInt(guildID, 10, 64)
	if err != nil || count <= 1 {
		return 0
	}
	return int((id >> 22) % int64(count))
}

// serves reports whether the session gets the guild's events (and, for
// guildID "", direct messages').
func (sess *gwSession) serves(guildID string) bool {
	if guildID == "" {
		return sess.shard.id == 0
	}
	return ShardOf(guildID, sess.shard.count) == sess.shard.id
}

// checkShard reads an IDENTIFY's shard field: 4010 for an invalid one,
// 4011 when the app must shard (Options.RequireSharding) and asked for
// fewer shards than recommended.
func (s *Server) checkShard(field []int) (shard, int) {
	sh := shard{0, 1}
	if field != nil {
		if len(field) != 2 || field[1] < 1 || field[0] < 0 || field[0] >= field[1] {
			return sh, 4010
		}
		sh = shard{field[0], field[1]}
	}
	if s.opts.RequireSharding && sh.count < s.opts.Shards {
		return sh, 4011
	}
	return sh, 0
}

// eventGuild is the guild a gateway event belongs to ("" for none, which
// shard 0 gets).
func eventGuild(event string, d any) string {
	m, ok := d.(map[string]any)
	if !ok {
		return ""
	}
	if id, ok := m["guild_id"].(string); ok {
		return id
	}
	switch event {
	case "GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE":
		id, _ := m["id"].(string)
		return id
	}
	return ""
}

// recordIdentify logs an accepted IDENTIFY (s.mu held).
func (s *Server) recordIdentify(sh shard) {
	s.identifyLog = append(s.identifyLog, Identify{ShardID: sh.id, ShardCount: sh.count, At: time.Now()})
}

// Identifies returns every accepted IDENTIFY, oldest first.
func (s *Server) Identifies() []Identify {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Identify(nil), s.identifyLog...)
}

// sessionResetAfter is how long until session starts are counted afresh:
// a day after the first IDENTIFY. s.mu held.
func (s *Server) sessionResetAfter() time.Duration {
	if len(s.identifyLog) == 0 {
		return 24 * time.Hour
	}
	return max(24*time.Hour-time.Since(s.identifyLog[0].At), 0)
}

// nextGuildID is a new snowflake whose shard among shardCount is shardID:
// its timestamp part moves on by whole milliseconds until it lands there,
// so guilds made one after another spread over the shards. s.mu held.
func (s *Server) nextGuildID(shardID, shardCount int) string {
	next := max(s.lastID>>22+1, (time.Now().UnixMilli() - discordEpoch))
	for shardCount > 1 && int(next%int64(shardCount)) != shardID {
		next++
	}
	s.lastID = next << 22
	return strconv.FormatInt(s.lastID, 10)
}

// AddGuildOnShard is AddGuild with an id that shard shardID of shardCount
// serves.
func (s *Server) AddGuildOnShard(name string, shardID, shardCount int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.addGuildOnShardLocked(name, shardID, shardCount)
	s.gw.mu.Lock()
	defer s.gw.mu.Unlock()
	for _, sess := range s.gw.sessions {
		if sess.serves(g.id) {
			sess.dispatch("GUILD_CREATE", intentGuilds, mustJSON(s.guildCreateJSON(g, sess.intents&intentGuildPresences != 0)))
		}
	}
	return g.id
}

// OwnerOf is the owner of a guild made by New or AddGuild.
func (s *Server) OwnerOf(guildID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g := s.mustGuild(guildID); g != nil {
		return g.ownerID
	}
	return ""
}
