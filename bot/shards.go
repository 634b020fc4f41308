package bot

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

// ShardOf is the shard that serves guildID among count shards, by
// Discord's formula (guild_id >> 22) % num_shards. Direct messages (an
// empty guildID) come on shard 0.
func ShardOf(guildID string, count int) int {
	id, err := strconv.ParseUint(guildID, 10, 64)
	if err != nil || count <= 1 {
		return 0
	}
	return int((id >> 22) % uint64(count))
}

// Serves reports whether this process's shard serves the guild: only its
// servers' gateway events reach it, and only their channels are
// reconciled by it. Interactions are served whatever their server.
func (b *Bot) Serves(guildID string) bool {
	id, count := b.shard()
	return ShardOf(guildID, count) == id
}

func (b *Bot) shard() (id, count int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.cfg.ShardID, max(b.cfg.ShardCount, 1)
}

// identifyWindow is how long Discord's session start limit counts
// max_concurrency IDENTIFYs in: shards whose shard_id % max_concurrency is
// equal identify one after another, this far apart.
const identifyWindow = 5 * time.Second

// identifyDelay is how long to wait before identifying shardID so that
// processes started together respect max_concurrency: the shards of one
// rate-limit key (shard_id % max_concurrency) take turns, one window each,
// in shard order. With no session starts remaining, it waits for the
// limit to reset.
func identifyDelay(gb *discordgo.GatewayBotResponse, shardID int) time.Duration {
	limit := gb.SessionStartLimit
	if limit.Remaining <= 0 && limit.Total > 0 {
		return time.Duration(limit.ResetAfter) * time.Millisecond
	}
	concurrency := max(limit.MaxConcurrency, 1)
	return time.Duration(shardID/concurrency) * identifyWindow
}

// prepareShards reads GET /gateway/bot when sharding: with shards "auto"
// it takes Discord's recommended shard count, then waits for this shard's
// turn to identify. A single unsharded process skips it.
func (b *Bot) prepareShards(ctx context.Context) error {
	id, count := b.shard()
	if !b.cfg.AutoShards && count <= 1 {
		return nil
	}
	var gb *discordgo.GatewayBotResponse
	err := b.retry(ctx, true, func(opts ...discordgo.RequestOption) (err error) {
		gb, err = b.session.GatewayBot(opts...)
		return err
	})
	if err != nil {
		return fmt.Errorf("reading GET /gateway/bot: %w", err)
	}
	if b.cfg.AutoShards {
		count = max(gb.Shards, 1)
		if id >= count {
			return fmt.Errorf("discord.shard_id %d is not below the %d shards Discord recommends", id, count)
		}
		b.mu.Lock()
		b.cfg.ShardCount = count
		b.mu.Unlock()
		b.log.Info("shard count from Discord", "shards", count)
	}
	b.session.ShardID, b.session.ShardCount = id, count
	b.applyRateShare()
	if wait := identifyDelay(gb, id); wait > 0 {
		b.log.Info("waiting for this shard's turn to identify", "shard", id, "in", wait)
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// ShareRate is each process's part of Discord's global REST limit, which
// counts per bot token: processes shard processes pacing at it together
// stay under perSecond. Zero stays zero (pacing off, for a shared proxy).
func ShareRate(perSecond, processes int) int {
	if perSecond <= 0 {
		return 0
	}
	return max(perSecond/max(processes, 1), 1)
}
