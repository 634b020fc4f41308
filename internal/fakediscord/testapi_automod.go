package fakediscord

import "slices"

// EditAutoModRule changes a rule out of band, as a moderator would in
// Discord's client (AUTO_MODERATION_RULE_UPDATE with the whole rule; no
// journal entry). edit gets a copy; its changes are kept.
func (s *Server) EditAutoModRule(guildID, ruleID string, edit func(*AutoModRule)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.automod[guildID] {
		if r.ID != ruleID {
			continue
		}
		c := r.AutoModRule
		c.Keywords, c.Regexes, c.AllowList = slices.Clone(c.Keywords), slices.Clone(c.Regexes), slices.Clone(c.AllowList)
		c.Actions = slices.Clone(c.Actions)
		edit(&c)
		c.ID, c.GuildID, c.CreatorID, c.TriggerType = r.ID, r.GuildID, r.CreatorID, r.TriggerType // fixed on Discord
		r.AutoModRule = c
		s.dispatch("AUTO_MODERATION_RULE_UPDATE", intentAutoModConfig, r.json())
		return
	}
}
