package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
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
	h = w.start()
	want("after a slot freed", map[string]time.Time{"Early": today.Add(42 * time.Hour),
		"Middle": today.Add(19 * time.Hour), "Late": today.Add(20 * time.Hour)})
	// Middle's event, for its session under way, is deleted by hand while
	// Hearth is down, and someone adds an event of their own: Middle can
	// have no event until its session ends (Discord takes none in the
	// past), so it holds no room and Early keeps its event.
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	for _, e := range w.events() {
		if e.ChannelID == voice["Middle"] {
			w.fake.DeleteEventAsUser(w.guild, e.ID)
		}
	}
	others = append(others, w.fake.AddExternalEventFor(w.guild, w.owner(), "Picnic again", today.AddDate(0, 0, 3)))
	w.start()
	want("with Middle's event gone mid-session", map[string]time.Time{"Early": today.Add(42 * time.Hour), "Late": today.Add(20 * time.Hour)})
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

// Start-up repairs a voice channel that drifted while Hearth was down (a
// member's access deleted, Hearth-like access given to a former member and
// to an outsider, @everyone's denial deleted), and one deleted while it was
// down is made again, recorded, with the members' access and the event.
func TestVoiceChannelRepairedAtStartUp(t *testing.T) {
	w := voiceWorld(t)
	h := w.start()
	w.group(w.mod, "create", str("name", "Evening Circle"), str("type", "open"), str("schedule", "0 18 * * *"),
		str("timezone", "UTC"), boolean("voice", true))
	w.do(w.alice, "join", str("group", "Evening Circle"))
	w.do(w.bob, "join", str("group", "Evening Circle"))
	w.do(w.bob, "leave", str("group", "Evening Circle"))
	carol := w.carol()
	g := w.groupNamed(w.db(), "Evening Circle")
	all := int64(bitView | bitConnect | bitSpeak)

	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	w.fake.DeleteOverwrite(g.VoiceChannelID, w.alice)
	w.fake.DeleteOverwrite(g.VoiceChannelID, w.guild)
	for _, id := range []string{w.bob, carol} {
		w.fake.SetOverwrite(g.VoiceChannelID, fakediscord.Overwrite{ID: id, Type: 1, Allow: all})
	}
	h = w.start()
	if ow, ok := w.overwrite(g.VoiceChannelID, w.alice); !ok || ow.Allow != all || ow.Deny != 0 {
		t.Errorf("alice's voice overwrite after start-up %+v, want View|Connect|Speak", ow)
	}
	for who, id := range map[string]string{"former member": w.bob, "outsider": carol} {
		if ow, ok := w.overwrite(g.VoiceChannelID, id); ok {
			t.Errorf("the %s keeps a voice overwrite %+v", who, ow)
		}
		if p := w.fake.ChannelPermissions(g.VoiceChannelID, id); p != 0 {
			t.Errorf("the %s has permissions %b on the voice channel", who, p)
		}
	}
	if ow, ok := w.overwrite(g.VoiceChannelID, w.guild); !ok || ow.Allow != 0 || ow.Deny != bitView|bitConnect {
		t.Errorf("@everyone's voice overwrite after start-up %+v, want deny View|Connect", ow)
	}

	// Deleted while Hearth is down, with its event.
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	w.fake.DeleteChannel(g.VoiceChannelID)
	if evs := w.events(); len(evs) != 0 {
		t.Fatalf("the fake kept the deleted channel's event: %+v", evs)
	}
	w.start()
	again := w.groupNamed(w.db(), "Evening Circle")
	ch, ok := w.fake.Channel(again.VoiceChannelID)
	if again.VoiceChannelID == g.VoiceChannelID || !ok || ch.Type != fakediscord.ChannelTypeGuildVoice {
		t.Fatalf("voice channel after start-up %q (%+v), want a new one", again.VoiceChannelID, ch)
	}
	if ow, ok := w.overwrite(again.VoiceChannelID, w.alice); !ok || ow.Allow != all {
		t.Errorf("alice's overwrite on the remade channel %+v", ow)
	}
	if p := w.fake.ChannelPermissions(again.VoiceChannelID, carol); p != 0 {
		t.Errorf("an outsider has permissions %b on the remade channel", p)
	}
	session := time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC)
	if got := w.eventStarts(); len(got) != 1 || !got[again.VoiceChannelID].Equal(session) {
		t.Errorf("events after start-up %v, want today's session on the new channel", got)
	}
}

// Without Create Events and Manage Events, Hearth says so once in the log
// channel, in words a moderator can act on, naming no group or member, and
// the groups work on without events; given the permission, the next start
// makes them.
func TestMissingEventsPermissionNotedOnce(t *testing.T) {
	w := voiceWorld(t)
	h := w.start()
	logChannel := w.withLog()
	w.fake.SetBotPermissions(w.guild, fakediscord.DefaultBotPermissions&^(fakediscord.PermCreateEvents|fakediscord.PermManageEvents))
	before := len(w.fake.Messages(logChannel))
	for _, name := range []string{"Evening Circle", "Morning Circle"} {
		r := w.group(w.mod, "create", str("name", name), str("type", "open"), str("schedule", "0 18 * * *"),
			str("timezone", "UTC"), boolean("voice", true))
		wantReply(t, r, "Voice channel: <#")
	}
	w.group(w.mod, "schedule", str("group", "Evening Circle"), str("schedule", "0 19 * * *"))
	w.clock.Set(time.Date(2026, 11, 26, 19, 30, 0, 0, time.UTC)) // a session ends: another try
	time.Sleep(100 * time.Millisecond)
	var notes []string
	for _, m := range w.fake.Messages(logChannel)[before:] {
		if strings.HasPrefix(m.Content, "⚠️") {
			notes = append(notes, m.Content)
		}
	}
	want := "⚠️ Hearth could not make or change the scheduled event of a voice group: it needs the Create Events and Manage Events permissions, " +
		"and View Channel and Connect on the group's voice channel. Until then, voice groups have no events."
	if len(notes) != 1 || notes[0] != want {
		t.Errorf("log notes %q, want exactly one %q", notes, want)
	}
	if evs := w.fake.ScheduledEvents(w.guild); len(evs) != 0 {
		t.Errorf("events %+v", evs)
	}

	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	w.fake.SetBotPermissions(w.guild, fakediscord.DefaultBotPermissions)
	w.start()
	// Morning Circle's next session gets its event at once; Evening
	// Circle's is under way (19:00), and Discord takes no event in the
	// past: its next one comes when it ends.
	if n := len(w.eventStarts()); n != 1 {
		t.Errorf("%d voice events after the permission was given, want Morning Circle's", n)
	}
	w.clock.Set(time.Date(2026, 11, 26, 20, 30, 0, 0, time.UTC))
	eventually(t, "both groups' events", func() bool { return len(w.eventStarts()) == 2 })
}

// In discreet mode nothing a member can see outside the group's own channel
// names the group: its event, its voice channel, a direct-message
// reminder; nor do the channel reminder and session post. Reminder modes
// and Can't make it work alike there: the channel reminder mentions only
// the channel-mode member, the off member gets nothing, and Can't make it
// pressed in the discreet DM excuses its member.
func TestDiscreetVoiceGroupNamesNoGroup(t *testing.T) {
	w := voiceWorld(t)
	w.start()
	w.do(w.owner(), "setup", fakediscord.Opt{Name: "discreet", Type: 5, Value: true})
	w.group(w.mod, "create", str("name", "Grief Circle"), str("type", "open"), str("schedule", "0 18 * * *"),
		str("timezone", "UTC"), str("reminder", "30m"), boolean("voice", true))
	w.do(w.alice, "join", str("group", "Grief Circle"))
	w.do(w.bob, "join", str("group", "Grief Circle"))
	carol := w.carol()
	w.do(carol, "join", str("group", "Grief Circle"))
	w.do(w.alice, "reminders", str("mode", "dm"))
	w.do(w.bob, "reminders", str("mode", "off"), str("group", "Grief Circle"))
	g := w.groupNamed(w.db(), "Grief Circle")
	session := time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC)

	evs := w.events()
	if len(evs) != 1 {
		t.Fatalf("events %+v", evs)
	}
	wantExactly(t, "event name", evs[0].Name, "Group session")
	wantExactly(t, "event description", evs[0].Description, "A session of 90 minutes in this group's private voice channel.")
	if ch, _ := w.fake.Channel(g.VoiceChannelID); ch.Name != fmt.Sprintf("group-%d", g.ID) {
		t.Errorf("voice channel named %q", ch.Name)
	}
	w.clock.Set(session.Add(-30 * time.Minute))
	reminder := w.waitReminders(g.ChannelID, 1)[0]
	eventually(t, "alice's DM", func() bool { return len(w.dms(w.alice)) == 1 })
	wantExactly(t, "DM reminder", w.dms(w.alice)[0].Content, fmt.Sprintf(
		"⏰ Reminder: your next group session is <t:%d:F> (<t:%d:R>), in <#%s>.", session.Unix(), session.Unix(), g.ChannelID))
	if !slices.Equal(reminder.Mentions, []string{carol}) {
		t.Errorf("the channel reminder mentions %v, want only carol", reminder.Mentions)
	}
	if n := len(w.dms(w.bob)); n != 0 {
		t.Errorf("bob (off) got %d DMs", n)
	}
	_, excuse := w.dmButtons(w.alice)
	if len(excuse) != 1 {
		t.Fatalf("the discreet DM's buttons %v, want Can't make it", excuse)
	}
	wantExactly(t, "Can't make it in the discreet DM", w.pressDM(w.alice, excuse[0]).Content,
		"Noted: you can't make it this time. Only the facilitator and moderators see this. "+
			"If you can come after all, press **I'm here** once the session has started.")
	if got := w.marks(g.ID, session); !slices.Equal(got, []string{w.alice + ":excused"}) {
		t.Errorf("marks %v, want alice excused", got)
	}
	w.clock.Set(session)
	post := w.waitSessionPosts(g.ChannelID, 1)[0]
	for what, text := range map[string]string{"channel reminder": reminder.Content, "session post": post.Content} {
		if strings.Contains(text, "Grief") {
			t.Errorf("the %s names the group: %q", what, text)
		}
	}
}

// Hearth down across a voice group's session start: back mid-session, it
// makes the session post once, keeps the session's event, and at the
// session's end moves the event on; both jobs then point at the next session.
func TestVoiceSessionUnderWayAtRestart(t *testing.T) {
	w := voiceWorld(t)
	h := w.start()
	w.group(w.mod, "create", str("name", "Evening Circle"), str("type", "open"), str("schedule", "0 18 * * *"),
		str("timezone", "UTC"), boolean("voice", true))
	w.group(w.mod, "schedule", str("group", "Evening Circle"), str("schedule", "0 18 * * *"), num("duration", 60))
	w.do(w.alice, "join", str("group", "Evening Circle"))
	st := w.db()
	g := w.groupNamed(st, "Evening Circle")
	session := time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC)
	first := w.events()
	if len(first) != 1 || !first[0].Start.Equal(session) {
		t.Fatalf("events %+v", first)
	}

	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	w.clock.Set(session.Add(20 * time.Minute))
	w.start()
	post := w.waitSessionPosts(g.ChannelID, 1)[0]
	wantExactly(t, "check-in after the restart", w.press(w.alice, buttons(t, fakediscord.Reply{Components: post.Components})[0]).Content,
		"You're checked in. Welcome!")
	if evs := w.events(); len(evs) != 1 || evs[0].ID != first[0].ID {
		t.Errorf("events after the restart %+v, want the session's own kept", evs)
	}
	w.clock.Set(session.Add(time.Hour))
	eventually(t, "the event moved on", func() bool {
		evs := w.events()
		return len(evs) == 1 && evs[0].Start.Equal(session.Add(24*time.Hour))
	})
	if n := len(w.sessionPosts(g.ChannelID)); n != 1 {
		t.Errorf("%d session posts, want 1", n)
	}
	eventually(t, "both jobs on tomorrow's session", func() bool {
		jobs, err := st.Jobs(context.Background(), g.ID)
		if err != nil {
			return false
		}
		next := 0
		for _, j := range jobs {
			if (j.Kind == "session_start" || j.Kind == "session_end") && j.SessionAt.Equal(session.Add(24*time.Hour)) {
				next++
			}
		}
		return next == 2
	})
}
