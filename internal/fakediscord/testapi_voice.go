package fakediscord

// AddVoiceChannelFor makes a voice channel in a guild, as someone in
// Discord's client would (or a bot before this one), with the overwrites
// given, and returns its id. Discord gives a voice channel a bitrate and a
// user limit.
func (s *Server) AddVoiceChannelFor(guildID, name string, overwrites ...Overwrite) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.guilds[guildID]
	if g == nil {
		s.t.Errorf("fakediscord: AddVoiceChannelFor: no guild %s", guildID)
		return ""
	}
	c := &channel{id: s.nextID(), guildID: guildID, typ: ChannelTypeGuildVoice, name: name,
		position: len(g.channelOrder), overwrites: append([]Overwrite(nil), overwrites...),
		extra: map[string]any{"bitrate": 64000, "user_limit": 0, "rtc_region": nil}}
	s.channels[c.id] = c
	g.channelOrder = append(g.channelOrder, c.id)
	s.dispatch("CHANNEL_CREATE", intentGuilds, s.channelJSON(c))
	return c.id
}
