package fakediscord

import (
	"fmt"
	"time"
)

// Voice channels, voice states and who can see a scheduled event.
//
// Discord's docs: a user in a voice channel has a voice state, sent in
// GUILD_CREATE's voice_states and, on every change, as VOICE_STATE_UPDATE
// (intent GUILD_VOICE_STATES); joining takes VIEW_CHANNEL and CONNECT on the
// channel. An event on a voice channel (entity_type VOICE) is shown only to
// those who can view the channel; it takes channel_id and no entity_metadata,
// and its creator needs VIEW_CHANNEL and CONNECT on the channel.

// intentVoiceStates is GUILD_VOICE_STATES (not privileged).
const intentVoiceStates = 1 << 7

// ChannelTypeGuildStage is a stage channel, the other channel an event may be on.
const ChannelTypeGuildStage = 13

// voiceChannelFields adds what a voice channel carries beside the common fields.
func voiceChannelFields(out map[string]any) {
	for k, v := range map[string]any{"bitrate": 64000, "user_limit": 0, "rtc_region": nil,
		"nsfw": false, "rate_limit_per_user": 0, "last_message_id": nil} {
		if _, ok := out[k]; !ok {
			out[k] = v
		}
	}
}

// checkChannelEvent applies the docs' rules for STAGE_INSTANCE and VOICE
// events on their channel: the right kind of channel, no entity_metadata,
// and a creator who can view and connect to it.
func (s *Server) checkChannelEvent(rq *request, g *guild, f map[string]any, entityType int) *apiError {
	c := s.channels[asString(f["channel_id"])]
	want := ChannelTypeGuildVoice
	if entityType == EventEntityStage {
		want = ChannelTypeGuildStage
	}
	if c.typ != want {
		return rq.docsViolation("channel_id", fmt.Sprintf("entity_type %d needs a channel of type %d, not %d", entityType, want, c.typ))
	}
	if md, ok := f["entity_metadata"]; ok && md != nil {
		return rq.docsViolation("entity_metadata", "must be null for STAGE_INSTANCE/VOICE events")
	}
	if g.channelPermissions(c, s.BotUserID)&(PermViewChannel|PermConnect) != PermViewChannel|PermConnect {
		return errMissingPerms
	}
	return nil
}

func (s *Server) eventSnapshot(e *schedEvent) ScheduledEvent {
	j := s.eventJSON(e)
	ev := ScheduledEvent{ID: e.id, GuildID: e.guildID, Name: asString(j["name"]), Description: asString(j["description"]),
		Status: e.status, ChannelID: asString(j["channel_id"]), Raw: mustJSON(j)}
	ev.Start, _ = time.Parse(time.RFC3339, asString(j["scheduled_start_time"]))
	ev.End, _ = time.Parse(time.RFC3339, asString(j["scheduled_end_time"]))
	if et, ok := j["entity_type"].(float64); ok {
		ev.EntityType = int(et)
	}
	if md, ok := j["entity_metadata"].(map[string]any); ok {
		ev.Location = asString(md["location"])
	}
	return ev
}

// EventsVisibleTo returns the guild's scheduled events that userID sees in
// Discord's client: every EXTERNAL event, and an event on a channel only
// when they can view that channel (computed from its overwrites).
func (s *Server) EventsVisibleTo(guildID, userID string) []ScheduledEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.guilds[guildID]
	if g == nil || g.members[userID] == nil {
		return nil
	}
	var out []ScheduledEvent
	for _, id := range g.eventOrder {
		e := g.events[id]
		if ch := asString(e.fields["channel_id"]); ch != "" {
			if c := s.channels[ch]; c == nil || g.channelPermissions(c, userID)&PermViewChannel == 0 {
				continue
			}
		}
		out = append(out, s.eventSnapshot(e))
	}
	return out
}

// AddVoiceChannel makes a voice channel in a guild, as someone in Discord's
// client would, and returns its id.
func (s *Server) AddVoiceChannel(guildID, name string, overwrites ...Overwrite) string {
	id := s.AddChannel(guildID, name, overwrites...)
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.channels[id]; c != nil {
		c.typ = ChannelTypeGuildVoice
	}
	return id
}

// SetVoice moves userID into voice channel channelID ("" disconnects
// them), as their client would, and sends VOICE_STATE_UPDATE. Like Discord
// it refuses a channel they may not view or connect to, and changes nothing
// then.
func (s *Server) SetVoice(guildID, userID, channelID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.guilds[guildID]
	if g == nil || g.members[userID] == nil {
		return fmt.Errorf("fakediscord: %s is not a member of guild %s", userID, guildID)
	}
	if channelID != "" {
		c := s.channels[channelID]
		if c == nil || c.guildID != guildID || c.typ != ChannelTypeGuildVoice {
			return fmt.Errorf("fakediscord: %s is not a voice channel of guild %s", channelID, guildID)
		}
		if g.channelPermissions(c, userID)&(PermViewChannel|PermConnect) != PermViewChannel|PermConnect {
			return fmt.Errorf("fakediscord: %s may not connect to %s", userID, channelID)
		}
	}
	if g.voice == nil {
		g.voice = map[string]string{}
	}
	if g.voice[userID] == channelID {
		return nil
	}
	if channelID == "" {
		delete(g.voice, userID)
	} else {
		g.voice[userID] = channelID
	}
	s.dispatch("VOICE_STATE_UPDATE", intentVoiceStates, s.voiceStateJSON(g, userID, channelID, true))
	return nil
}

// InVoice returns the voice channel userID is in, or "".
func (s *Server) InVoice(guildID, userID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g := s.guilds[guildID]; g != nil {
		return g.voice[userID]
	}
	return ""
}

// voiceStateJSON is a voice state object; the gateway event carries the
// member, GUILD_CREATE's list does not.
func (s *Server) voiceStateJSON(g *guild, userID, channelID string, withMember bool) map[string]any {
	var ch any
	if channelID != "" {
		ch = channelID
	}
	out := map[string]any{
		"guild_id": g.id, "channel_id": ch, "user_id": userID, "session_id": "voice-" + userID,
		"deaf": false, "mute": false, "self_deaf": false, "self_mute": false, "self_video": false,
		"suppress": false, "request_to_speak_timestamp": nil,
	}
	if m := g.members[userID]; withMember && m != nil {
		out["member"] = s.memberJSON(g, m, true)
	}
	return out
}

func (s *Server) voiceStatesJSON(g *guild) []map[string]any {
	out := []map[string]any{}
	for _, uid := range g.memberOrder {
		if ch := g.voice[uid]; ch != "" {
			out = append(out, s.voiceStateJSON(g, uid, ch, false))
		}
	}
	return out
}

// voiceChannelGoneLocked disconnects everyone from a deleted voice channel
// and deletes the events on it, as Discord does.
func (s *Server) voiceChannelGoneLocked(g *guild, c *channel) {
	if g == nil {
		return
	}
	for _, uid := range g.memberOrder {
		if g.voice[uid] == c.id {
			delete(g.voice, uid)
			s.dispatch("VOICE_STATE_UPDATE", intentVoiceStates, s.voiceStateJSON(g, uid, "", true))
		}
	}
	for _, id := range append([]string(nil), g.eventOrder...) {
		if e := g.events[id]; asString(e.fields["channel_id"]) == c.id {
			delete(g.events, id)
			g.eventOrder = remove(g.eventOrder, id)
			s.dispatch("GUILD_SCHEDULED_EVENT_DELETE", intentScheduledEvents, s.eventJSON(e))
		}
	}
}

// SetClock makes the fake judge times (an event "in the past") by now
// instead of the real clock, for tests that move a fake clock.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clock = now
}

// now is the fake's time; callers hold s.mu.
func (s *Server) now() time.Time {
	if s.clock != nil {
		return s.clock()
	}
	return time.Now()
}
