package main

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"hearth/internal/fakediscord"
	"hearth/store"
)

// eventStarts maps each of the server's active events on a voice channel
// to its start, by channel.
func (w *world) eventStarts() map[string]time.Time {
	out := map[string]time.Time{}
	for _, e := range w.events() {
		if e.EntityType == fakediscord.EventEntityVoice {
			out[e.ChannelID] = e.Start
		}
	}
	return out
}

// Discord keeps at most 100 uncompleted events a server, counting those
// people made: Hearth's voice groups then have events for their nearest
// sessions only, and the room a session's end or a freed slot gives goes
// to the next nearest.
func TestEventsKeepToDiscordsLimitNearestFirst(t *testing.T) {
	w := voiceWorld(t)
	h := w.start()
	today := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC) // the clock is at 09:00
	var others []string
	for i := range 98 {
		others = append(others, w.fake.AddExternalEventFor(w.guild, w.owner(), fmt.Sprintf("Picnic %d", i), today.AddDate(0, 0, 2)))
	}
	// Made farthest first, so that each nearer one must push another out.
	voice := map[string]string{}
	for _, c := range []struct{ name, hour string }{{"Late", "20"}, {"Middle", "19"}, {"Early", "18"}} {
		w.group(w.mod, "create", str("name", c.name), str("type", "open"), str("schedule", "0 "+c.hour+" * * *"),
			str("timezone", "UTC"), boolean("voice", true))
		voice[c.name] = w.groupNamed(w.db(), c.name).VoiceChannelID
	}
	want := func(step string, starts map[string]time.Time) {
		t.Helper()
		got := w.eventStarts()
		for name, at := range starts {
			if !got[voice[name]].Equal(at) {
				t.Errorf("%s: %s's event starts %v, want %v", step, name, got[voice[name]], at)
			}
		}
		if len(got) != len(starts) {
			t.Errorf("%s: %d voice events, want %d: %v", step, len(got), len(starts), got)
		}
		if n := len(w.events()); n > 100 {
			t.Errorf("%s: %d active events, past Discord's limit", step, n)
		}
	}
	want("the nearest two", map[string]time.Time{"Early": today.Add(18 * time.Hour), "Middle": today.Add(19 * time.Hour)})

	// 19:30: Early's session is over; its next one, tomorrow, is farther
	// than Late's tonight.
	w.clock.Set(today.Add(19*time.Hour + 30*time.Minute))
	eventually(t, "Late's event to take Early's place", func() bool { return !w.eventStarts()[voice["Late"]].IsZero() })
	want("after Early's session", map[string]time.Time{"Middle": today.Add(19 * time.Hour), "Late": today.Add(20 * time.Hour)})

	// Someone deletes one of their events while Hearth is down: the room
	// is Early's at start-up.
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	w.fake.DeleteEventAsUser(w.guild, others[0])
	w.start()
	want("after a slot freed", map[string]time.Time{"Early": today.Add(42 * time.Hour),
		"Middle": today.Add(19 * time.Hour), "Late": today.Add(20 * time.Hour)})
	for _, id := range others[1:] {
		if !slices.ContainsFunc(w.events(), func(e fakediscord.ScheduledEvent) bool { return e.ID == id }) {
			t.Fatalf("Hearth touched an event someone else made (%s)", id)
		}
	}
}

// /group edit voice:false deletes the voice channel and the group's event,
// clears the database (channel, events, time still running in voice), and
// the time spent there afterwards counts for nothing; voice:true gives it
// a new channel and event.
func TestEditVoiceOffRemovesChannelEventsAndRecords(t *testing.T) {
	w := voiceWorld(t)
	w.start()
	ctx := context.Background()
	w.group(w.mod, "create", str("name", "Evening Circle"), str("type", "open"), str("schedule", "0 18 * * *"),
		str("timezone", "UTC"), boolean("voice", true))
	w.do(w.alice, "join", str("group", "Evening Circle"))
	st := w.db()
	g := w.groupNamed(st, "Evening Circle")
	if len(w.events()) != 1 {
		t.Fatalf("events %+v, want one", w.events())
	}
	session := time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC)
	w.clock.Set(session)
	if err := w.fake.SetVoice(w.guild, w.alice, g.VoiceChannelID); err != nil {
		t.Fatal(err)
	}
	eventually(t, "alice's time in voice recorded", func() bool {
		ivs, err := st.VoiceIntervals(ctx, g.ID, session, session.Add(time.Hour))
		return err == nil && len(ivs) == 1
	})

	w.clock.Set(session.Add(5 * time.Minute))
	wantExactly(t, "voice:false", w.group(w.mod, "edit", str("group", "Evening Circle"), boolean("voice", false)).Content,
		"**Evening Circle**'s voice channel was deleted.")
	if _, ok := w.fake.Channel(g.VoiceChannelID); ok {
		t.Error("the voice channel is still there")
	}
	if evs := w.fake.ScheduledEvents(w.guild); len(evs) != 0 {
		t.Errorf("events left: %+v", evs)
	}
	after := w.groupNamed(st, "Evening Circle")
	if after.VoiceChannelID != "" {
		t.Errorf("voice channel still recorded: %q", after.VoiceChannelID)
	}
	if evs, err := st.GroupEvents(ctx, w.guild); err != nil || len(evs) != 0 {
		t.Errorf("events still recorded: %+v, %v", evs, err)
	}
	ivs, err := st.VoiceIntervals(ctx, g.ID, session, session.Add(time.Hour))
	if err != nil || len(ivs) != 1 || !ivs[0].Left.Equal(session.Add(5*time.Minute)) {
		t.Errorf("alice's interval %+v, %v; want closed at the removal", ivs, err)
	}
	if jobs := w.jobKinds(st, g.ID); slices.Contains(jobs, "session_end") {
		t.Errorf("jobs %v: a group without voice keeps a session_end", jobs)
	}
	wantExactly(t, "voice:false again", w.group(w.mod, "edit", str("group", "Evening Circle"), boolean("voice", false)).Content,
		"**Evening Circle** has no voice channel.")

	// Back on: a new channel, with the member's access, and the session
	// under way keeps its place (Discord takes no event in the past: the
	// next one comes when it ends).
	r := w.group(w.mod, "edit", str("group", "Evening Circle"), boolean("voice", true))
	again := w.groupNamed(st, "Evening Circle")
	if again.VoiceChannelID == "" || again.VoiceChannelID == g.VoiceChannelID {
		t.Fatalf("voice:true made %q (reply %q)", again.VoiceChannelID, r.Content)
	}
	wantExactly(t, "voice:true", r.Content, fmt.Sprintf("**Evening Circle** now has a private voice channel, <#%s>, open to its members only.", again.VoiceChannelID))
	if ow, ok := w.overwrite(again.VoiceChannelID, w.alice); !ok || ow.Allow != bitView|bitConnect|bitSpeak {
		t.Errorf("alice's overwrite on the new channel %+v", ow)
	}
	w.clock.Set(session.Add(90 * time.Minute))
	eventually(t, "the next session's event on the new channel", func() bool {
		return w.eventStarts()[again.VoiceChannelID].Equal(session.Add(24 * time.Hour))
	})
}

// jobKinds lists a group's pending job kinds, sorted.
func (w *world) jobKinds(st *store.Store, groupID int64) []string {
	w.t.Helper()
	jobs, err := st.Jobs(context.Background(), groupID)
	if err != nil {
		w.t.Fatal(err)
	}
	var kinds []string
	for _, j := range jobs {
		kinds = append(kinds, string(j.Kind))
	}
	slices.Sort(kinds)
	return kinds
}
