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

// isSessionPost tells a session's check-in post from a reminder.
func isSessionPost(m fakediscord.Message) bool {
	return strings.Contains(string(m.Components), `"custom_id":"here:`)
}

// sessionPosts returns the session posts in a channel.
func (w *world) sessionPosts(channelID string) []fakediscord.Message {
	var out []fakediscord.Message
	for _, m := range w.fake.Messages(channelID) {
		if m.AuthorID == w.fake.BotUserID && isSessionPost(m) {
			out = append(out, m)
		}
	}
	return out
}

func (w *world) waitSessionPosts(channelID string, n int) []fakediscord.Message {
	w.t.Helper()
	eventually(w.t, fmt.Sprintf("%d session posts", n), func() bool { return len(w.sessionPosts(channelID)) >= n })
	return w.sessionPosts(channelID)
}

// marks reads a group's session marks as "user:mark" for one session.
func (w *world) marks(groupID int64, session time.Time) []string {
	w.t.Helper()
	ms, err := w.db().AllSessionMarks(context.Background(), groupID)
	if err != nil {
		w.t.Fatal(err)
	}
	var out []string
	for _, m := range ms {
		if m.SessionAt.Equal(session) {
			out = append(out, m.UserID+":"+string(m.Mark))
		}
	}
	slices.Sort(out)
	return out
}

func wantExactly(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s =\n%q\nwant\n%q", what, got, want)
	}
}

// At each session's start Hearth posts, once, a post naming no member with
// I'm here and Can't make it; I'm here marks members present during the
// session and kindly refuses anyone else and any press after it.
func TestSessionPostAndCheckIn(t *testing.T) {
	w := newWorld(t)
	h := w.start()
	w.group(w.mod, "create", str("name", "Evening Circle"), str("type", "open"),
		str("schedule", "0 18 * * *"), str("timezone", "UTC"), str("reminder", "30m"))
	w.do(w.alice, "join", str("group", "Evening Circle"))
	w.do(w.bob, "join", str("group", "Evening Circle"))
	g := w.groupNamed(w.db(), "Evening Circle")
	session := time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC)

	w.clock.Set(session.Add(-time.Minute))
	time.Sleep(50 * time.Millisecond)
	if n := len(w.sessionPosts(g.ChannelID)); n != 0 {
		t.Fatalf("%d session posts before the session", n)
	}
	w.clock.Set(session)
	post := w.waitSessionPosts(g.ChannelID, 1)[0]
	wantExactly(t, "session post", post.Content, fmt.Sprintf("🕯️ **Evening Circle**: the session has begun (<t:%d:F>). "+
		"Press **I'm here** to check in, or **Can't make it** if you can't come this time.", session.Unix()))
	if len(post.Mentions) != 0 || post.MentionEveryone || post.AllowedMentions == nil || len(post.AllowedMentions.Parse) != 0 {
		t.Errorf("the session post pings %v (allowed %+v)", post.Mentions, post.AllowedMentions)
	}
	ids := buttons(t, fakediscord.Reply{Components: post.Components})
	if len(ids) != 2 || !strings.HasPrefix(ids[0], "here:") || !strings.HasPrefix(ids[1], "excuse:") {
		t.Fatalf("session post buttons %v", ids)
	}
	here := ids[0]

	r := w.press(w.alice, here)
	wantExactly(t, "alice's check-in", r.Content, "You're checked in. Welcome!")
	if !r.Ephemeral {
		t.Error("the check-in answer is not ephemeral")
	}
	wantExactly(t, "a second press", w.press(w.alice, here).Content, "You're already checked in for this session.")
	// The moderator sees the channel but is not a member.
	r = w.press(w.mod, here)
	wantExactly(t, "a non-member's press", r.Content, "Only this group's members can check in or say they can't make it.")
	if got := w.marks(g.ID, session); !slices.Equal(got, []string{w.alice + ":here"}) {
		t.Errorf("marks %v, want only alice here", got)
	}

	// A restart during the session posts nothing again.
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	w.clock.Set(session.Add(10 * time.Minute))
	w.start()
	time.Sleep(100 * time.Millisecond)
	if n := len(w.sessionPosts(g.ChannelID)); n != 1 {
		t.Fatalf("%d session posts for one session after a restart, want 1", n)
	}
	wantExactly(t, "bob's check-in after the restart", w.press(w.bob, here).Content, "You're checked in. Welcome!")

	// After the session's 90 minutes, check-in is closed.
	w.clock.Set(session.Add(90 * time.Minute))
	carol := w.carol()
	w.do(carol, "join", str("group", "Evening Circle"))
	wantExactly(t, "a press after the session", w.press(carol, here).Content, "This session has ended, so check-in is closed.")
	if got, want := w.marks(g.ID, session), sortedStrings(w.alice+":here", w.bob+":here"); !slices.Equal(got, want) {
		t.Errorf("marks %v, want %v", got, want)
	}
}

func sortedStrings(s ...string) []string { slices.Sort(s); return s }

// Can't make it on the reminder marks the member excused, seen by no one
// else; pressing I'm here at the session undoes it.
func TestCantMakeItFromTheReminder(t *testing.T) {
	w := newWorld(t)
	w.start()
	w.do(w.owner(), "setup", fakediscord.Opt{Name: "discreet", Type: 5, Value: true})
	w.group(w.mod, "create", str("name", "Evening Circle"), str("type", "open"),
		str("schedule", "0 18 * * *"), str("timezone", "UTC"), str("reminder", "30m"))
	w.do(w.alice, "join", str("group", "Evening Circle"))
	w.do(w.bob, "join", str("group", "Evening Circle"))
	g := w.groupNamed(w.db(), "Evening Circle")
	session := time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC)

	w.clock.Set(session.Add(-30 * time.Minute))
	reminder := w.waitReminders(g.ChannelID, 1)[0]
	ids := buttons(t, fakediscord.Reply{Components: reminder.Components})
	if len(ids) != 1 || !strings.HasPrefix(ids[0], "excuse:") {
		t.Fatalf("reminder buttons %v, want Can't make it", ids)
	}
	r := w.press(w.alice, ids[0])
	wantExactly(t, "Can't make it", r.Content, "Noted: you can't make it this time. Only the facilitator and moderators see this. "+
		"If you can come after all, press **I'm here** once the session has started.")
	if !r.Ephemeral {
		t.Error("the answer is not ephemeral")
	}
	wantExactly(t, "a second press", w.press(w.alice, ids[0]).Content,
		"You've already said you can't make it to this session. Only the facilitator and moderators see it.")
	if got := w.marks(g.ID, session); !slices.Equal(got, []string{w.alice + ":excused"}) {
		t.Errorf("marks %v, want alice excused", got)
	}
	for _, m := range w.fake.Messages(g.ChannelID) {
		if !m.Ephemeral && m.ID != reminder.ID {
			t.Errorf("a message others can read after the excuse: %q", m.Content)
		}
	}

	// At the session, in discreet mode the post names no group; I'm here undoes the excuse.
	w.clock.Set(session)
	post := w.waitSessionPosts(g.ChannelID, 1)[0]
	wantExactly(t, "discreet session post", post.Content, fmt.Sprintf("🕯️ The session has begun (<t:%d:F>). "+
		"Press **I'm here** to check in, or **Can't make it** if you can't come this time.", session.Unix()))
	here := buttons(t, fakediscord.Reply{Components: post.Components})[0]
	wantExactly(t, "check-in after an excuse", w.press(w.alice, here).Content,
		"You're checked in. Welcome! Your **Can't make it** for this session is undone.")
	wantExactly(t, "excuse after a check-in", w.press(w.alice, ids[0]).Content,
		"You're checked in for this session already, so there's nothing to excuse.")
	if got := w.marks(g.ID, session); !slices.Equal(got, []string{w.alice + ":here"}) {
		t.Errorf("marks %v, want alice here", got)
	}
}

// /reminders: channel reminders mention exactly the channel-mode members;
// dm members get one direct message, once across a restart; off members
// nothing; a member whose direct messages are closed is mentioned in the
// channel instead and told once, in their next reply.
func TestReminderModes(t *testing.T) {
	w := newWorld(t)
	h := w.start()
	w.group(w.mod, "create", str("name", "Evening Circle"), str("type", "open"),
		str("schedule", "0 18 * * *"), str("timezone", "UTC"), str("reminder", "30m"))
	carol, dave := w.carol(), w.fake.AddMember(w.guild, "dave")
	for _, u := range []string{w.alice, w.bob, carol, dave} {
		w.do(u, "join", str("group", "Evening Circle"))
	}
	g := w.groupNamed(w.db(), "Evening Circle")
	wantExactly(t, "alice's choice", w.do(w.alice, "reminders", str("mode", "dm")).Content,
		"Done: your groups here will remind you by direct message. If Discord doesn't let me message you, I'll mention you in the group's channel instead.")
	wantExactly(t, "bob's choice", w.do(w.bob, "reminders", str("mode", "off"), str("group", "Evening Circle")).Content,
		"Done: **Evening Circle** won't remind you any more.")
	w.do(dave, "reminders", str("mode", "dm"), str("group", "Evening Circle"))
	w.fake.SetDMsClosed(dave, true)
	wantExactly(t, "a group one is not in", w.do(w.mod, "reminders", str("mode", "dm"), str("group", "Evening Circle")).Content,
		"You're not a member of **Evening Circle**, so it doesn't remind you. `/groups` lists the groups you're in.")

	session := time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC)
	w.clock.Set(session.Add(-30 * time.Minute))
	reminder := w.waitReminders(g.ChannelID, 1)[0]
	eventually(t, "alice's direct message", func() bool { return len(w.dms(w.alice)) == 1 })
	if got, want := slices.Sorted(slices.Values(reminder.Mentions)), sortedStrings(carol, dave); !slices.Equal(got, want) {
		t.Errorf("the channel reminder pinged %v, want exactly %v (carol, and dave whose DMs are closed)", got, want)
	}
	dm := w.dms(w.alice)[0]
	wantExactly(t, "alice's DM", dm.Content, fmt.Sprintf("⏰ Reminder: your next session of **Evening Circle** is <t:%d:F> (<t:%d:R>), in <#%s>.",
		session.Unix(), session.Unix(), g.ChannelID))
	if ids := buttons(t, fakediscord.Reply{Components: dm.Components}); len(ids) != 1 || !strings.HasPrefix(ids[0], "excuse:") {
		t.Errorf("DM buttons %v, want Can't make it", ids)
	}

	// A restart sends neither again.
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	w.clock.Set(session.Add(-20 * time.Minute))
	w.start()
	time.Sleep(150 * time.Millisecond)
	if n, m := len(w.dms(w.alice)), len(w.reminders(g.ChannelID)); n != 1 || m != 1 {
		t.Errorf("after a restart: %d DMs to alice, %d channel reminders; want 1 and 1", n, m)
	}
	if n := len(w.dms(w.bob)); n != 0 {
		t.Errorf("bob chose off and got %d DMs", n)
	}

	// Dave is told once, in his next reply.
	notice := "By the way: you chose reminders by direct message, but Discord didn't let me send you one, so I mentioned you in your group's channel instead. " +
		"You can allow direct messages from this server in your privacy settings, or choose `/reminders mode:channel`."
	if r := w.do(dave, "groups"); !strings.HasSuffix(r.Content, "\n\n"+notice) {
		t.Errorf("dave's next reply lacks the notice: %q", r.Content)
	}
	if r := w.do(dave, "groups"); strings.Contains(r.Content, notice) {
		t.Error("dave was told twice")
	}
}

// dms returns the bot's direct messages to a user.
func (w *world) dms(user string) []fakediscord.Message {
	ch := w.fake.DMChannel(user)
	if ch == "" {
		return nil
	}
	return w.fake.Messages(ch)
}

// roundText is a round's post as the members read it, in English.
func roundText(turns []string, outcomes map[string]string, current int) string {
	var b strings.Builder
	b.WriteString("🗣️ **Talking round**: everyone gets one turn. When you've finished, press **Done**; press **Pass** if you'd rather not speak this time.")
	for i, u := range turns {
		line := fmt.Sprintf("%d. <@%s>", i+1, u)
		switch {
		case outcomes[u] == "done":
			line += ": done"
		case outcomes[u] == "passed":
			line += ": passed"
		case i == current:
			line += ": **speaking now**"
		}
		b.WriteString("\n" + line)
	}
	if current >= len(turns) {
		b.WriteString("\n\nThe round is complete. Thank you all for sharing, and for listening.")
	}
	return b.String()
}

// A round of five: four checked in, in a random order, and one late
// arrival added by the facilitator; a Pass, a Done by the facilitator for
// the speaker, presses by others refused; across a restart; exact text at
// each step, pinging nobody.
func TestTalkingRoundOfFive(t *testing.T) {
	w := newWorld(t)
	h := w.start()
	fran := w.fake.AddMember(w.guild, "fran")
	w.group(w.mod, "create", str("name", "Evening Circle"), str("type", "open"),
		str("schedule", "0 18 * * *"), str("timezone", "UTC"), usr("facilitator", fran))
	carol, dave, erin := w.carol(), w.fake.AddMember(w.guild, "dave"), w.fake.AddMember(w.guild, "erin")
	for _, u := range []string{w.alice, w.bob, carol, dave, erin} {
		w.do(u, "join", str("group", "Evening Circle"))
	}
	g := w.groupNamed(w.db(), "Evening Circle")
	session := time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC)

	wantExactly(t, "a round before anyone is here", w.group(fran, "round", str("group", "Evening Circle")).Content,
		"Nobody is present yet. A round takes the members in the group's voice channel and those who pressed **I'm here** for the session under way.")
	w.clock.Set(session)
	here := buttons(t, fakediscord.Reply{Components: w.waitSessionPosts(g.ChannelID, 1)[0].Components})[0]
	for _, u := range []string{w.alice, w.bob, carol, dave} {
		w.press(u, here)
	}
	wantExactly(t, "/group round by a member", w.group(w.alice, "round", str("group", "Evening Circle")).Content,
		"Only moderators can do that. If you think you should be able to, ask a server admin to give you the moderator role.")
	wantExactly(t, "/group round", w.group(fran, "round", str("group", "Evening Circle")).Content,
		fmt.Sprintf("The round has begun in <#%s>.", g.ChannelID))
	wantExactly(t, "a second round", w.group(fran, "round", str("group", "Evening Circle")).Content,
		"A round is already under way in **Evening Circle**. To add someone who arrived late, use `/group round` with `add:`.")

	r, err := w.db().OpenRound(context.Background(), g.ID)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, turn := range r.Turns {
		order = append(order, turn.UserID)
	}
	if got, want := slices.Sorted(slices.Values(order)), sortedStrings(w.alice, w.bob, carol, dave); !slices.Equal(got, want) {
		t.Fatalf("round of %v, want the four checked in", order)
	}
	post := func() fakediscord.Message {
		for _, m := range w.fake.Messages(g.ChannelID) {
			if m.ID == r.MessageID {
				return m
			}
		}
		t.Fatal("the round's post is gone")
		return fakediscord.Message{}
	}
	outcomes := map[string]string{}
	check := func(step string, current int) []string {
		t.Helper()
		m := post()
		wantExactly(t, step, m.Content, roundText(order, outcomes, current))
		if len(m.Mentions) != 0 || m.MentionEveryone {
			t.Errorf("%s: the round's post pings %v", step, m.Mentions)
		}
		return buttons(t, fakediscord.Reply{Components: m.Components})
	}
	ids := check("the round's first post", 0)
	if len(ids) != 2 {
		t.Fatalf("buttons %v, want Done and Pass", ids)
	}

	// Someone else's press counts for nothing.
	wantExactly(t, "a press by the next speaker", w.press(order[1], ids[0]).Content,
		"Only the person speaking, or the facilitator, can move the round on.")
	check("after a refused press", 0)

	// The speaker is done; the next passes.
	first := ids
	if r := w.press(order[0], ids[0]); r.Type != 7 {
		t.Errorf("Done answered %+v, want the post updated", r)
	}
	outcomes[order[0]] = "done"
	ids = check("after the first turn", 1)
	wantExactly(t, "a press on a turn gone by", w.press(fran, first[1]).Content, "The round has already moved on.")
	wantExactly(t, "the last speaker pressing again", w.press(order[0], ids[0]).Content,
		"Only the person speaking, or the facilitator, can move the round on.")
	w.press(order[1], ids[1])
	outcomes[order[1]] = "passed"
	ids = check("after a pass", 2)

	// A late arrival, added by the facilitator, goes last.
	wantExactly(t, "adding a late arrival", w.group(fran, "round", str("group", "Evening Circle"), usr("add", erin)).Content,
		fmt.Sprintf("<@%s> is added at the end of the round.", erin))
	wantExactly(t, "adding them twice", w.group(fran, "round", str("group", "Evening Circle"), usr("add", erin)).Content,
		fmt.Sprintf("<@%s> already has a turn in this round.", erin))
	order = append(order, erin)
	ids = check("after the late arrival", 2)

	// The facilitator moves the round on for the speaker.
	w.press(fran, ids[0])
	outcomes[order[2]] = "done"
	ids = check("after the facilitator's Done", 3)

	// A restart mid-round keeps it.
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	w.start()
	w.press(order[3], ids[0])
	outcomes[order[3]] = "done"
	ids = check("after a restart", 4)
	w.press(erin, ids[0])
	outcomes[erin] = "done"
	if ids := check("at the end", 5); len(ids) != 0 {
		t.Errorf("the ended round still has buttons %v", ids)
	}
	wantExactly(t, "a press after the end", w.press(fran, ids[0]).Content, "This round has ended.")
	if rr, err := w.db().Round(context.Background(), r.ID); err != nil || !rr.Ended {
		t.Errorf("round %+v, %v; want ended", rr, err)
	}
}
