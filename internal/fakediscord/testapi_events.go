package fakediscord

import "time"

// AddExternalEventFor makes a scheduled event in a guild as a person
// (creatorID) would in Discord's client: an EXTERNAL event at a place,
// from start for an hour, scheduled. It returns the event's id. Such
// events count towards Discord's limit of 100 uncompleted events a server.
func (s *Server) AddExternalEventFor(guildID, creatorID, name string, start time.Time) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.mustGuild(guildID)
	if g == nil {
		return ""
	}
	f := map[string]any{
		"name": name, "privacy_level": float64(2), "entity_type": float64(3), // as decoded from JSON
		"entity_metadata":      map[string]any{"location": "The park"},
		"scheduled_start_time": start.UTC().Format(time.RFC3339),
		"scheduled_end_time":   start.Add(time.Hour).UTC().Format(time.RFC3339),
	}
	e := &schedEvent{id: s.nextID(), guildID: g.id, fields: f, status: EventScheduled, creatorID: creatorID}
	g.events[e.id] = e
	g.eventOrder = append(g.eventOrder, e.id)
	s.dispatch("GUILD_SCHEDULED_EVENT_CREATE", intentScheduledEvents, s.eventJSON(e))
	return e.id
}

// DeleteEventAsUser deletes a scheduled event as a person with Manage
// Events would, in Discord's client.
func (s *Server) DeleteEventAsUser(guildID, eventID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.mustGuild(guildID)
	if g == nil || g.events[eventID] == nil {
		return
	}
	e := g.events[eventID]
	delete(g.events, eventID)
	g.eventOrder = remove(g.eventOrder, eventID)
	s.dispatch("GUILD_SCHEDULED_EVENT_DELETE", intentScheduledEvents, s.eventJSON(e))
}
