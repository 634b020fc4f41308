package bot

import (
	"sync"

	"github.com/bwmarrin/discordgo"
)

// voiceStates follows who is in which voice channel (GUILD_VOICE_STATES,
// not privileged) and has the store record the time people spend in group
// voice channels. discordgo runs each handler in a goroutine of its own,
// so events may be handled out of order: each is applied only when it is
// newer (by gateway sequence) than what was applied for that person.
type voiceStates struct {
	mu   sync.Mutex         // serialises the writes, in sequence order per person
	last map[voiceKey]int64 // (server, user) → sequence of the event applied last
}

type voiceKey struct{ guild, user string }

// onEvent takes the raw gateway events, which carry their sequence.
func (b *Bot) onVoiceEvent(_ *discordgo.Session, e *discordgo.Event) {
	if e == nil {
		return
	}
	switch ev := e.Struct.(type) {
	case *discordgo.VoiceStateUpdate:
		if ev != nil && ev.VoiceState != nil {
			b.voiceMoved(e.Sequence, ev.VoiceState)
		}
	case *discordgo.GuildCreate:
		if ev != nil && ev.Guild != nil && !ev.Unavailable {
			b.voiceSnapshot(e.Sequence, ev.Guild)
		}
	}
}

func (b *Bot) voiceMoved(seq int64, vs *discordgo.VoiceState) {
	if vs.GuildID == "" || vs.UserID == "" || vs.UserID == b.userID() || !b.enter() {
		return
	}
	defer b.wg.Done()
	v := &b.voice
	v.mu.Lock()
	defer v.mu.Unlock()
	k := voiceKey{vs.GuildID, vs.UserID}
	if seq < v.last[k] {
		return // something newer was applied already
	}
	if v.last == nil {
		v.last = map[voiceKey]int64{}
	}
	v.last[k] = seq
	if err := b.store.VoiceMoved(b.ctx, vs.GuildID, vs.UserID, vs.ChannelID, b.now()); err != nil {
		b.log.Warn("recording a voice state failed", "guild", vs.GuildID, "err", err)
	}
}

// voiceSnapshot applies GUILD_CREATE's voice states: at start-up (or after
// a new gateway session), time left open for people no longer in voice
// ends, and people in a group's voice channel are counted from now.
func (b *Bot) voiceSnapshot(seq int64, g *discordgo.Guild) {
	if !b.enter() {
		return
	}
	defer b.wg.Done()
	v := &b.voice
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.last == nil {
		v.last = map[voiceKey]int64{}
	}
	newSession := false
	for k, s := range v.last {
		if k.guild == g.ID && s > seq {
			newSession = true // sequences start again in a new session
		}
	}
	keep := map[string]bool{}
	for k, s := range v.last {
		if k.guild != g.ID {
			continue
		}
		if newSession {
			delete(v.last, k)
		} else if s > seq {
			keep[k.user] = true
		}
	}
	present := map[string]string{}
	for _, vs := range g.VoiceStates {
		if vs != nil && vs.ChannelID != "" && vs.UserID != b.userID() {
			present[vs.UserID] = vs.ChannelID
		}
	}
	if err := b.store.VoiceSnapshot(b.ctx, g.ID, present, keep, b.now()); err != nil {
		b.log.Warn("recording who is in voice failed", "guild", g.ID, "err", err)
	}
}
