package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"hearth/internal/fakediscord"
)

// One voice group's whole session, where voice attendance and the session
// post meet: the reminder (Can't make it pressed in a direct message), the
// session post, members in voice and one checked in by I'm here, a talking
// round of exactly those present, the event moving on at the end, then
// /group attendance (at least 10 minutes in voice OR a check-in) and each
// member's own record in /groups.
func TestVoiceSessionWithCheckInExcuseRoundAndAttendance(t *testing.T) {
	w := voiceWorld(t)
	w.start()
	ctx := context.Background()
	w.group(w.mod, "create", str("name", "Evening Circle"), str("type", "open"), str("schedule", "0 18 * * *"),
		str("timezone", "UTC"), str("reminder", "30m"), boolean("voice", true))
	w.group(w.mod, "schedule", str("group", "Evening Circle"), str("schedule", "0 18 * * *"), num("duration", 60))
	carol, dave, erin := w.carol(), w.fake.AddMember(w.guild, "dave"), w.fake.AddMember(w.guild, "erin")
	people := []string{w.alice, w.bob, carol, dave, erin}
	for _, u := range people {
		w.do(u, "join", str("group", "Evening Circle"))
	}
	w.do(dave, "reminders", str("mode", "dm"))
	st := w.db()
	g := w.groupNamed(st, "Evening Circle")
	session := time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC)

	info := w.group(w.mod, "info", str("group", "Evening Circle")).Content
	for _, line := range []string{"\nChannel: <#" + g.ChannelID + ">\nVoice channel: <#" + g.VoiceChannelID + ">\n",
		"\nEach session lasts 60 minutes.\n"} {
		if !strings.Contains(info, line) {
			t.Errorf("/group info %q lacks %q", info, line)
		}
	}

	// 17:30, the reminder: the channel mentions all but Dave, who gets a
	// direct message and says there that he can't make it.
	w.clock.Set(session.Add(-30 * time.Minute))
	reminder := w.waitReminders(g.ChannelID, 1)[0]
	if got, want := slices.Sorted(slices.Values(reminder.Mentions)), sortedStrings(w.alice, w.bob, carol, erin); !slices.Equal(got, want) {
		t.Errorf("the reminder pinged %v, want %v", got, want)
	}
	var excuse []string
	eventually(t, "dave's direct message", func() bool {
		_, excuse = w.dmButtons(dave)
		return len(excuse) == 1
	})
	r := w.pressDM(dave, excuse[0])
	wantExactly(t, "Can't make it in a DM", r.Content, "Noted: you can't make it this time. Only the facilitator and moderators see this. "+
		"If you can come after all, press **I'm here** once the session has started.")
	wantExactly(t, "a second press in the DM", w.pressDM(dave, excuse[0]).Content,
		"You've already said you can't make it to this session. Only the facilitator and moderators see it.")
	wantExactly(t, "an outsider pressing it", w.pressDM(w.mod, excuse[0]).Content,
		"Only this group's members can check in or say they can't make it.")

	// 18:00: the session post; Alice, Bob and Erin join the voice channel,
	// Carol checks in from the text channel.
	openIntervals := func(n int) func() bool {
		return func() bool {
			ivs, err := st.VoiceIntervals(ctx, g.ID, session.Add(-time.Hour), session.Add(3*time.Hour))
			open := 0
			for _, iv := range ivs {
				if iv.Left.IsZero() {
					open++
				}
			}
			return err == nil && open == n
		}
	}
	voice := func(at time.Time, user, channel string, open int) {
		t.Helper()
		w.clock.Set(at)
		if err := w.fake.SetVoice(w.guild, user, channel); err != nil {
			t.Fatal(err)
		}
		eventually(t, fmt.Sprintf("%d in voice", open), openIntervals(open))
	}
	w.clock.Set(session)
	post := w.waitSessionPosts(g.ChannelID, 1)[0]
	here := buttons(t, fakediscord.Reply{Components: post.Components})[0]
	voice(session, w.alice, g.VoiceChannelID, 1)
	voice(session, w.bob, g.VoiceChannelID, 2)
	voice(session.Add(time.Minute), erin, g.VoiceChannelID, 3)
	wantExactly(t, "carol's check-in", w.press(carol, here).Content, "You're checked in. Welcome!")

	// 18:02: a round of exactly those present: the three in voice and Carol.
	w.clock.Set(session.Add(2 * time.Minute))
	wantExactly(t, "/group round", w.group(w.mod, "round", str("group", "Evening Circle")).Content,
		fmt.Sprintf("The round has begun in <#%s>.", g.ChannelID))
	round, err := st.OpenRound(ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	var turns []string
	for _, turn := range round.Turns {
		turns = append(turns, turn.UserID)
	}
	if got, want := slices.Sorted(slices.Values(turns)), sortedStrings(w.alice, w.bob, carol, erin); !slices.Equal(got, want) {
		t.Errorf("the round takes %v, want exactly those in voice and the checked in %v", got, want)
	}

	// Bob stays 5 minutes, Erin 9: not enough. Alice stays 30.
	voice(session.Add(5*time.Minute), w.bob, "", 2)
	voice(session.Add(10*time.Minute), erin, "", 1)
	voice(session.Add(30*time.Minute), w.alice, "", 0)

	// 19:00: the session ends, its event moves to the next session.
	w.clock.Set(session.Add(time.Hour))
	eventually(t, "the event moved to tomorrow's session", func() bool {
		evs := w.events()
		return len(evs) == 1 && evs[0].Start.Equal(session.Add(24*time.Hour))
	})

	members, err := st.Members(ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	var attended, lines []string
	for _, m := range members {
		switch m {
		case w.alice, carol:
			attended = append(attended, "<@"+m+">")
			lines = append(lines, "• <@"+m+">: 1 of 1")
		case dave:
			lines = append(lines, "• <@"+m+">: 0 of 1 (1 excused)")
		default:
			lines = append(lines, "• <@"+m+">: 0 of 1")
		}
	}
	wantExactly(t, "/group attendance", w.group(w.mod, "attendance", str("group", "Evening Circle")).Content,
		fmt.Sprintf("Attendance in **Evening Circle** (1 session):\n• <t:%d:F>: attended %s · excused <@%s>\n\n"+
			"Each member, sessions attended of those held:\n%s", session.Unix(), strings.Join(attended, ", "), dave, strings.Join(lines, "\n")))

	// Each member's /groups line is their own record, naming nobody.
	for _, u := range people {
		want := "you attended 0 of 1"
		if u == w.alice || u == carol {
			want = "you attended 1 of 1"
		}
		r := w.do(u, "groups")
		wantReply(t, r, want)
		for _, other := range append(people, w.mod) {
			if other != u && strings.Contains(r.Content, other) {
				t.Errorf("%s's /groups names %s: %q", u, other, r.Content)
			}
		}
	}
}
