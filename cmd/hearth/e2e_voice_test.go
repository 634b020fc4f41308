package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"hearth/internal/fakediscord"
)

// Discord's voice permission bits, as a test reads them.
const (
	bitView    = 1 << 10
	bitConnect = 1 << 20
	bitSpeak   = 1 << 21
)

func boolean(name string, v bool) fakediscord.Opt {
	return fakediscord.Opt{Name: name, Type: 5, Value: v}
}

// voiceWorld is a world whose fake Discord judges times by the test's
// clock, as scheduled events must start in the future.
func voiceWorld(t *testing.T) *world {
	w := newWorld(t)
	w.fake.SetClock(w.clock.Now)
	return w
}

// events returns the server's scheduled events that are scheduled or under way.
func (w *world) events() []fakediscord.ScheduledEvent {
	var out []fakediscord.ScheduledEvent
	for _, e := range w.fake.ScheduledEvents(w.guild) {
		if e.Status == fakediscord.EventScheduled || e.Status == fakediscord.EventActive {
			out = append(out, e)
		}
	}
	return out
}

// A voice group's voice channel lets exactly its members in, its next
// session is an event only they see, the event moves on when a session
// ends, and archiving takes Connect away.
func TestVoiceGroupAccessEventsAndArchive(t *testing.T) {
	w := voiceWorld(t)
	w.start()
	// The clock starts at 2026-11-26 09:00 UTC; sessions are daily at 18:00 UTC.
	r := w.group(w.mod, "create", str("name", "Evening Circle"), str("type", "open"),
		str("schedule", "0 18 * * *"), str("timezone", "UTC"), boolean("voice", true))
	g := w.groupNamed(w.db(), "Evening Circle")
	if g.VoiceChannelID == "" {
		t.Fatalf("no voice channel recorded; reply %q", r.Content)
	}
	wantReply(t, r, "Voice channel: <#"+g.VoiceChannelID+">")
	r = w.group(w.mod, "schedule", str("group", "Evening Circle"), str("schedule", "0 18 * * *"), num("duration", 60))
	wantReply(t, r, "Each session lasts 60 minutes.")
	r = w.group(w.mod, "schedule", str("group", "Evening Circle"), str("schedule", "0 18 * * *"), num("duration", 601))
	if r.Content != "Duration must be a whole number of minutes from 1 to 600. Leave it out to keep the current length (90 minutes unless changed)." {
		t.Errorf("duration 601: %q", r.Content)
	}
	w.do(w.alice, "join", str("group", "Evening Circle"))
	w.do(w.bob, "join", str("group", "Evening Circle"))
	w.do(w.bob, "leave", str("group", "Evening Circle"))
	carol := w.carol()

	text, _ := w.fake.Channel(g.ChannelID)
	voice, ok := w.fake.Channel(g.VoiceChannelID)
	if !ok || voice.Type != fakediscord.ChannelTypeGuildVoice || voice.ParentID != text.ParentID {
		t.Fatalf("voice channel %+v, want type 2 beside %+v", voice, text)
	}
	if ow, ok := w.overwrite(g.VoiceChannelID, w.alice); !ok || ow.Allow != bitView|bitConnect|bitSpeak || ow.Deny != 0 {
		t.Errorf("member's voice overwrite = %+v, want allow View|Connect|Speak", ow)
	}
	if ow, ok := w.overwrite(g.VoiceChannelID, w.guild); !ok || ow.Allow != 0 || ow.Deny != bitView|bitConnect {
		t.Errorf("@everyone's voice overwrite = %+v, want deny View|Connect", ow)
	}
	if ow, ok := w.overwrite(g.VoiceChannelID, w.bob); ok {
		t.Errorf("a former member keeps a voice overwrite %+v", ow)
	}
	if p := w.fake.ChannelPermissions(g.VoiceChannelID, w.alice); p&(bitView|bitConnect|bitSpeak) != bitView|bitConnect|bitSpeak {
		t.Errorf("member's permissions %b lack View, Connect or Speak", p)
	}
	for who, id := range map[string]string{"outsider": carol, "former member": w.bob} {
		if p := w.fake.ChannelPermissions(g.VoiceChannelID, id); p != 0 {
			t.Errorf("%s has permissions %b on the voice channel, want none", who, p)
		}
		if err := w.fake.SetVoice(w.guild, id, g.VoiceChannelID); err == nil {
			t.Errorf("%s could connect", who)
		}
	}

	session := time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC)
	evs := w.events()
	if len(evs) != 1 {
		t.Fatalf("%d events, want 1: %+v", len(evs), evs)
	}
	e := evs[0]
	if e.EntityType != fakediscord.EventEntityVoice || e.ChannelID != g.VoiceChannelID || !e.Start.Equal(session) ||
		!e.End.Equal(session.Add(time.Hour)) || e.Name != "Evening Circle" || e.Location != "" {
		t.Errorf("event %+v, want a VOICE event on the voice channel 18:00-19:00", e)
	}
	if !strings.Contains(string(e.Raw), `"privacy_level":2`) || strings.Contains(string(e.Raw), "recurrence_rule\":{") {
		t.Errorf("event is not a single GUILD_ONLY occurrence: %s", e.Raw)
	}
	if strings.Contains(e.Description, w.alice) {
		t.Errorf("the event's description names a member: %q", e.Description)
	}
	if n := len(w.fake.EventsVisibleTo(w.guild, w.alice)); n != 1 {
		t.Errorf("the member sees %d events, want 1", n)
	}
	for who, id := range map[string]string{"outsider": carol, "former member": w.bob} {
		if n := len(w.fake.EventsVisibleTo(w.guild, id)); n != 0 {
			t.Errorf("%s sees %d events, want none", who, n)
		}
	}

	// The session ends: its event goes, the next session's comes.
	w.clock.Set(session.Add(time.Hour))
	eventually(t, "the event moved to the next session", func() bool {
		evs := w.events()
		return len(evs) == 1 && evs[0].Start.Equal(session.Add(24*time.Hour)) && evs[0].ID != e.ID
	})
	if n := len(w.fake.ScheduledEvents(w.guild)); n != 1 {
		t.Errorf("%d events in all after the session ended, want only the next one", n)
	}

	wantReply(t, w.group(w.mod, "archive", str("group", "Evening Circle")), "Evening Circle")
	if ow, ok := w.overwrite(g.VoiceChannelID, w.alice); !ok || ow.Allow != bitView || ow.Deny != bitConnect|bitSpeak {
		t.Errorf("archived member's voice overwrite = %+v, want allow View, deny Connect|Speak", ow)
	}
	if err := w.fake.SetVoice(w.guild, w.alice, g.VoiceChannelID); err == nil {
		t.Error("a member could connect to an archived group's voice channel")
	}
	if evs := w.events(); len(evs) != 0 {
		t.Errorf("an archived group keeps events: %+v", evs)
	}
}

// Attendance counts 10 minutes in the voice channel during a session, or
// a check-in, across a restart in the middle of the session; /group
// attendance shows it to moderators, /groups each member their own.
func TestAttendanceFromVoiceAcrossRestart(t *testing.T) {
	w := voiceWorld(t)
	h := w.start()
	w.group(w.mod, "create", str("name", "Voice Circle"), str("type", "open"),
		str("schedule", "0 18 * * *"), str("timezone", "UTC"), boolean("voice", true))
	w.group(w.mod, "schedule", str("group", "Voice Circle"), str("schedule", "0 18 * * *"), num("duration", 60))
	carol, dave := w.carol(), w.fake.AddMember(w.guild, "dave")
	for _, u := range []string{w.alice, w.bob, carol, dave} {
		w.do(u, "join", str("group", "Voice Circle"))
	}
	st := w.db()
	g := w.groupNamed(st, "Voice Circle")
	session := time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC)
	ctx := context.Background()
	open := func(n int) func() bool {
		return func() bool {
			ivs, err := st.VoiceIntervals(ctx, g.ID, session.Add(-time.Hour), session.Add(3*time.Hour))
			count := 0
			for _, iv := range ivs {
				if iv.Left.IsZero() {
					count++
				}
			}
			return err == nil && count == n
		}
	}
	move := func(at time.Time, user, channel string) {
		t.Helper()
		w.clock.Set(at)
		if err := w.fake.SetVoice(w.guild, user, channel); err != nil {
			t.Fatal(err)
		}
	}

	move(session, w.alice, g.VoiceChannelID)
	move(session, w.bob, g.VoiceChannelID)
	eventually(t, "two in voice", open(2))
	move(session.Add(5*time.Minute), w.bob, "") // 5 minutes: not enough
	eventually(t, "one in voice", open(1))

	// Hearth stops mid-session; Carol joins while it is down, and is there
	// when it is back.
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	move(session.Add(10*time.Minute), carol, g.VoiceChannelID)
	w.sql(`INSERT INTO session_marks (group_id, session_at, user_id, mark, marked_at) VALUES (?, ?, ?, 'excused', ?), (?, ?, ?, 'here', ?)`,
		g.ID, session.Unix(), w.bob, session.Unix(), g.ID, session.Unix(), dave, session.Unix())
	w.clock.Set(session.Add(20 * time.Minute))
	w.start()
	eventually(t, "Alice and Carol in voice after the restart", open(2))
	move(session.Add(30*time.Minute), w.alice, "") // 30 minutes, across the restart
	move(session.Add(31*time.Minute), carol, "")   // 11 minutes counted from the restart
	eventually(t, "nobody in voice", open(0))
	w.clock.Set(session.Add(90 * time.Minute))

	members, err := st.Members(ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	mention := map[string]string{}
	for _, m := range members {
		mention[m] = "<@" + m + ">"
	}
	var attended []string
	var lines []string
	for _, m := range members {
		switch m {
		case w.bob:
			lines = append(lines, "• "+mention[m]+": 0 of 1 (1 excused)")
		default:
			attended = append(attended, mention[m])
			lines = append(lines, "• "+mention[m]+": 1 of 1")
		}
	}
	want := fmt.Sprintf("Attendance in **Voice Circle** (1 session):\n• <t:%d:F>: attended %s · excused <@%s>\n\nEach member, sessions attended of those held:\n%s",
		session.Unix(), strings.Join(attended, ", "), w.bob, strings.Join(lines, "\n"))
	if r := w.group(w.mod, "attendance", str("group", "Voice Circle")); r.Content != want {
		t.Errorf("/group attendance:\n%s\nwant:\n%s", r.Content, want)
	}
	if r := w.group(w.alice, "attendance", str("group", "Voice Circle")); strings.Contains(r.Content, "Attendance") || strings.Contains(r.Content, w.bob) {
		t.Errorf("a member was shown the group's attendance: %q", r.Content)
	}
	r := w.do(w.bob, "groups")
	wantReply(t, r, "you attended 0 of 1")
	if strings.Contains(r.Content, w.alice) {
		t.Errorf("/groups shows a member someone else's record: %q", r.Content)
	}
	wantReply(t, w.do(w.alice, "groups"), "you attended 1 of 1")
}
