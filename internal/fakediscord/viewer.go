package fakediscord

import (
	"encoding/json"
	"time"
)

// What a person's Discord client needs beyond the test helpers: messages as
// the API returns them (so whatever the fake learns to store — embeds,
// components, attachments — shows without changes here), and interactions
// aimed at one message or channel. hearth try's playground is built on
// these; tests may use them too.

// MessageObjects returns the channel's messages as Discord's API returns
// them, oldest first, including ephemeral interaction responses (flags 64,
// with interaction_metadata.user naming the one person who sees them).
func (s *Server) MessageObjects(channelID string) []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]json.RawMessage, 0, len(s.messages[channelID]))
	for _, m := range s.messages[channelID] {
		out = append(out, mustJSON(s.messageJSON(m)))
	}
	return out
}

// ComponentOn dispatches a MESSAGE_COMPONENT interaction by userID on the
// component customID of one message (found in any channel), as a click
// in Discord's client does. It returns nil if there is no such message.
func (s *Server) ComponentOn(messageID, userID, customID string, componentType int, values ...string) *Interaction {
	s.mu.Lock()
	var found *message
	for _, msgs := range s.messages {
		for _, m := range msgs {
			if m.id == messageID {
				found = m
			}
		}
	}
	s.mu.Unlock()
	if found == nil || !hasCustomID(found.components, customID) {
		return nil
	}
	data := map[string]any{"custom_id": customID, "component_type": componentType}
	if componentType >= 3 && componentType <= 8 && componentType != 4 {
		data["values"] = append([]string{}, values...)
	}
	return s.dispatchInteraction(InteractionMessageComponent, found.channelID, userID, data, found)
}

// ModalSubmitIn is ModalSubmit in a given channel (guild channel or DM):
// the channel the form was opened from.
func (s *Server) ModalSubmitIn(channelID, userID, customID string, fields map[string]string) *Interaction {
	rows := []any{}
	for _, k := range sortedKeys(fields) {
		rows = append(rows, map[string]any{"type": 1, "components": []any{
			map[string]any{"type": 4, "custom_id": k, "value": fields[k]}}})
	}
	data := map[string]any{"custom_id": customID, "components": rows}
	return s.dispatchInteraction(InteractionModalSubmit, channelID, userID, data, nil)
}

// AutocompleteIn is Autocomplete in a given channel; the option marked
// Focused (else the last one) is the one being typed.
func (s *Server) AutocompleteIn(channelID, userID, name string, opts ...Opt) *Interaction {
	opts = append([]Opt(nil), opts...)
	if !anyFocused(opts) && !focusLast(opts) {
		s.t.Errorf("fakediscord: AutocompleteIn(%q) needs at least one option", name)
	}
	return s.invoke(InteractionAutocomplete, channelID, userID, name, opts)
}

// UserLocale is the locale of a user's client ("en-US" unless set with
// SetUserLocale).
func (s *Server) UserLocale(userID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.users[userID]; u != nil {
		return u.localeOrDefault()
	}
	return "en-US"
}

// GuildName is a guild's name ("" if unknown).
func (s *Server) GuildName(guildID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g := s.guilds[guildID]; g != nil {
		return g.name
	}
	return ""
}

// Deadline is how long the bot has to answer an interaction.
func (s *Server) Deadline() time.Duration { return s.opts.CallbackDeadline }
