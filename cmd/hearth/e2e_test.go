package main

import (
	"context"
	"fmt"
	"hearth/domain"
	"strings"
	"sync"
	"testing"
	"time"

	"hearth/internal/fakediscord"
)

const (
	permView    = 1 << 10
	permSend    = 1 << 11
	permHistory = 1 << 16
	memberAllow = permView | permSend | permHistory
)

func TestCommandsRegisteredInOneBulkOverwrite(t *testing.T) {
	w := newWorld(t)
	w.start()
	var puts int
	for _, c := range w.fake.Journal() {
		if c.Method == "PUT" && strings.Contains(c.Route, "/commands") {
			puts++
		}
		if c.Method == "POST" && strings.Contains(c.Route, "/commands") {
			t.Errorf("a command was registered one by one: %s %s", c.Method, c.Path)
		}
	}
	if puts != 1 {
		t.Fatalf("%d bulk overwrites, want 1", puts)
	}
	if n := len(w.fake.RegisteredCommands(w.guild)); n != 9 {
		t.Fatalf("%d commands registered to the guild, want 9 (groups, join, leave, group, setup, support, mydata, forget, reminders)", n)
	}
}

func TestOpenGroupJoinAndLeave(t *testing.T) {
	w := newWorld(t)
	w.start()
	st := w.db()

	r := w.group(w.mod, "create", str("name", "Grief Circle"), str("type", "open"),
		str("description", "For anyone who lost someone"))
	wantReply(t, r, "Grief Circle", "open")
	g := w.groupNamed(st, "grief circle")
	ch, ok := w.fake.Channel(g.ChannelID)
	if !ok {
		t.Fatalf("no channel %q made for the group", g.ChannelID)
	}
	if ch.Name != "grief-circle" || ch.Type != 0 {
		t.Errorf("channel = %q type %d, want grief-circle type 0", ch.Name, ch.Type)
	}
	if ow, ok := w.overwrite(ch.ID, w.guild); !ok || ow.Deny&permView == 0 || ow.Type != 0 {
		t.Errorf("@everyone overwrite = %+v, %v; want View Channel denied", ow, ok)
	}
	if ow, ok := w.overwrite(ch.ID, w.fake.BotUserID); !ok || ow.Allow&permView == 0 {
		t.Errorf("bot overwrite = %+v, %v; want View Channel allowed", ow, ok)
	}

	wantReply(t, w.do(w.alice, "join", str("group", "GRIEF circle")), "Welcome", "Grief Circle")
	if ow, ok := w.overwrite(ch.ID, w.alice); !ok || ow.Type != 1 || ow.Allow != memberAllow || ow.Deny != 0 {
		t.Fatalf("alice's overwrite = %+v, %v; want member allow %d", ow, ok, memberAllow)
	}
	if in, _ := st.IsMember(context.Background(), g.ID, w.alice); !in {
		t.Fatal("alice is not a member in the database")
	}
	wantReply(t, w.do(w.alice, "join", str("group", "Grief Circle")), "already in")

	wantReply(t, w.do(w.alice, "leave", str("group", "Grief Circle")), "left")
	if _, ok := w.overwrite(ch.ID, w.alice); ok {
		t.Fatal("alice's overwrite remains after leaving")
	}
	if in, _ := st.IsMember(context.Background(), g.ID, w.alice); in {
		t.Fatal("alice is still a member in the database")
	}
	for _, c := range w.fake.Journal() {
		if strings.Contains(c.Route, "/roles") && c.Method != "GET" {
			t.Errorf("Hearth touched roles: %s %s", c.Method, c.Path)
		}
	}
}

func TestClosedGroupLockedByStart(t *testing.T) {
	w := newWorld(t)
	w.start()
	st := w.db()
	wantReply(t, w.group(w.mod, "create", str("name", "Spring Cohort"), str("type", "closed"),
		num("capacity", 8), num("sessions", 6), str("start", "2026-12-01 18:00")), "Spring Cohort", "closed")
	wantReply(t, w.do(w.alice, "join", str("group", "Spring Cohort")), "Welcome")
	wantReply(t, w.group(w.mod, "start", str("group", "Spring Cohort")), "started")

	r := w.do(w.bob, "join", str("group", "Spring Cohort"))
	wantReply(t, r, en.LockedInterest("Spring Cohort"))
	g := w.groupNamed(st, "Spring Cohort")
	if g.State != domain.StateLocked || g.MemberCount != 1 {
		t.Fatalf("group = %s with %d members, want locked with 1", g.State, g.MemberCount)
	}
	if _, ok := w.overwrite(g.ChannelID, w.bob); ok {
		t.Fatal("bob got an overwrite on a locked group")
	}
	if _, ok := w.overwrite(g.ChannelID, w.alice); !ok {
		t.Fatal("alice lost her overwrite when the group started")
	}
	// Leaving stays possible; coming back does not.
	wantReply(t, w.do(w.alice, "leave", str("group", "Spring Cohort")), "won't be able to re-join")
	wantReply(t, w.do(w.alice, "join", str("group", "Spring Cohort")), "already started")
}

func TestNonModeratorsAreRefused(t *testing.T) {
	w := newWorld(t)
	w.start()
	w.group(w.mod, "create", str("name", "Grief Circle"), str("type", "open"))
	channels := len(w.fake.Channels(w.guild))
	for _, r := range []fakediscord.Reply{
		w.group(w.alice, "create", str("name", "Mine"), str("type", "open")),
		w.group(w.alice, "members", str("group", "Grief Circle")),
		w.group(w.alice, "archive", str("group", "Grief Circle")),
		w.group(w.alice, "info", str("group", "No Such Group")),
	} {
		wantReply(t, r, "Only moderators")
	}
	wantReply(t, w.do(w.alice, "setup", str("timezone", "Europe/Madrid")), "Manage Server")
	if n := len(w.fake.Channels(w.guild)); n != channels {
		t.Fatalf("channels went from %d to %d after refused commands", channels, n)
	}
	if g := w.groupNamed(w.db(), "Grief Circle"); g.State != domain.StateActive {
		t.Fatalf("group state %s after a refused archive", g.State)
	}
}

func TestModeratorRoleFromSetup(t *testing.T) {
	w := newWorld(t)
	w.start()
	helpers := w.fake.AddRole(w.guild, "Helpers", 0)
	carol := w.fake.AddMember(w.guild, "carol", helpers)
	wantReply(t, w.group(carol, "create", str("name", "Carol's"), str("type", "open")), "Only moderators")
	admin := w.fake.AddMember(w.guild, "admin", w.fake.AddRole(w.guild, "Admins", 1<<3))
	wantReply(t, w.do(admin, "setup", fakediscord.Opt{Name: "moderator_role", Type: optRole, Value: helpers}), "Saved")
	wantReply(t, w.group(carol, "create", str("name", "Carol's"), str("type", "open")), "Created")
	g := w.groupNamed(w.db(), "Carol's")
	if ow, ok := w.overwrite(g.ChannelID, helpers); !ok || ow.Type != 0 || ow.Allow&permView == 0 {
		t.Fatalf("moderator role overwrite = %+v, %v", ow, ok)
	}
}

func TestConcurrentJoinsFillExactlyTheSeats(t *testing.T) {
	w := newWorld(t)
	w.start()
	w.group(w.mod, "create", str("name", "Small Circle"), str("type", "open"), num("capacity", 5))
	users := make([]string, 50)
	for i := range users {
		users[i] = w.fake.AddMember(w.guild, fmt.Sprintf("member%d", i))
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	welcomed, full := 0, 0
	for _, u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := w.fake.Command(w.guild, u, "join", str("group", "Small Circle")).Wait(10e9)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				t.Errorf("join: %v", err)
			case strings.Contains(r.Content, "Welcome"):
				welcomed++
			case strings.Contains(r.Content, "is full"):
				full++
			default:
				t.Errorf("unexpected reply %q", r.Content)
			}
		}()
	}
	wg.Wait()
	if welcomed != 5 || full != 45 {
		t.Fatalf("%d welcomed and %d told it is full; want 5 and 45", welcomed, full)
	}
	g := w.groupNamed(w.db(), "Small Circle")
	ch, _ := w.fake.Channel(g.ChannelID)
	members := 0
	for _, ow := range ch.Overwrites {
		if ow.Type == 1 && ow.Allow == memberAllow && ow.ID != w.fake.BotUserID {
			members++
		}
	}
	if g.MemberCount != 5 || members != 5 {
		t.Fatalf("%d members stored and %d member overwrites, want 5 and 5", g.MemberCount, members)
	}
}

func TestRestartCreatesNoDuplicatesAndRepairsOverwrites(t *testing.T) {
	w := newWorld(t)
	h := w.start()
	w.group(w.mod, "create", str("name", "Grief Circle"), str("type", "open"))
	w.do(w.alice, "join", str("group", "Grief Circle"))
	w.do(w.bob, "join", str("group", "Grief Circle"))
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	g := w.groupNamed(w.db(), "Grief Circle")
	channels := len(w.fake.Channels(w.guild))
	// While Hearth is down, someone deletes alice's overwrite by hand.
	w.fake.DeleteOverwrite(g.ChannelID, w.alice)

	w.start()
	if ow, ok := w.overwrite(g.ChannelID, w.alice); !ok || ow.Allow != memberAllow {
		t.Fatalf("alice's overwrite was not repaired: %+v, %v", ow, ok)
	}
	if _, ok := w.overwrite(g.ChannelID, w.bob); !ok {
		t.Fatal("bob's overwrite is gone")
	}
	if n := len(w.fake.Channels(w.guild)); n != channels {
		t.Fatalf("restart changed the channel count from %d to %d", channels, n)
	}
	var creates int
	for _, c := range w.fake.Journal() {
		if c.Method == "POST" && strings.HasSuffix(c.Route, "/channels") {
			creates++
		}
	}
	if creates != 1 {
		t.Fatalf("%d channel creations, want 1", creates)
	}
}

func TestLogChannelNotesNameNoMembers(t *testing.T) {
	w := newWorld(t)
	w.start()
	admin := w.fake.AddMember(w.guild, "admin", w.fake.AddRole(w.guild, "Admins", 1<<3))
	logChannel := w.privateChannel("mod-log")
	wantReply(t, w.do(admin, "setup", fakediscord.Opt{Name: "log_channel", Type: 7, Value: logChannel}), "Saved")
	w.group(w.mod, "create", str("name", "Spring Cohort"), str("type", "closed"))
	w.do(w.alice, "join", str("group", "Spring Cohort"))
	w.group(w.mod, "start", str("group", "Spring Cohort"))
	w.group(w.mod, "archive", str("group", "Spring Cohort"))
	var notes []fakediscord.Message
	for _, m := range w.fake.Messages(logChannel) {
		if !m.Ephemeral && m.AuthorID == w.fake.BotUserID {
			notes = append(notes, m)
		}
	}
	if len(notes) != 3 {
		t.Fatalf("%d notes in the log channel, want 3 (created, started, archived)", len(notes))
	}
	if notes[0].Content != "📘 A new closed group: **Spring Cohort**." {
		t.Errorf("the note on the creation: %q", notes[0].Content)
	}
	for _, m := range notes {
		if strings.Contains(m.Content, w.alice) || len(m.Mentions) != 0 || m.MentionEveryone {
			t.Errorf("note %q names or pings someone: mentions %v", m.Content, m.Mentions)
		}
		if strings.Contains(m.Content, w.mod) || strings.Contains(m.Content, "<@") {
			t.Errorf("note %q names the moderator who acted, or someone", m.Content)
		}
		if m.AllowedMentions == nil || len(m.AllowedMentions.Parse) != 0 {
			t.Errorf("note %q may ping: allowed_mentions %+v", m.Content, m.AllowedMentions)
		}
	}
}

// The bot resumes after Discord asks it to reconnect and after a dropped
// connection, and keeps answering.
func TestSurvivesGatewayReconnects(t *testing.T) {
	w := newWorld(t)
	w.start()
	w.group(w.mod, "create", str("name", "Grief Circle"), str("type", "open"))
	w.fake.Reconnect()
	if err := w.fake.WaitGateway(1, 1, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	wantReply(t, w.do(w.alice, "join", str("group", "Grief Circle")), "Welcome")
	w.fake.DropGateway()
	if err := w.fake.WaitGateway(1, 2, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	wantReply(t, w.do(w.bob, "join", str("group", "Grief Circle")), "Welcome")
	if n := w.fake.GatewaySessions(); n != 1 {
		t.Fatalf("%d IDENTIFYs, want 1 (the rest resumed)", n)
	}
}

// After an archive, members keep a read-only channel, and can still leave it.
func TestArchiveLeavesAReadOnlyChannelMembersCanLeave(t *testing.T) {
	w := newWorld(t)
	w.start()
	st := w.db()
	w.group(w.mod, "create", str("name", "Grief Circle"), str("type", "open"), usr("facilitator", w.bob))
	w.do(w.alice, "join", str("group", "Grief Circle"))
	w.do(w.bob, "join", str("group", "Grief Circle"))
	g := w.groupNamed(st, "Grief Circle")
	wantReply(t, w.group(w.mod, "archive", str("group", "Grief Circle")), "Archived")
	ow, ok := w.overwrite(g.ChannelID, w.alice)
	if !ok || ow.Allow&permView == 0 || ow.Allow&permHistory == 0 || ow.Deny&permSend == 0 {
		t.Fatalf("alice's overwrite after archive = %+v, %v; want view and history, send denied", ow, ok)
	}
	wantReply(t, w.do(w.carol(), "join", str("group", "Grief Circle")), "couldn't find")
	// The name is free for the next cohort.
	wantReply(t, w.group(w.mod, "create", str("name", "Grief Circle"), str("type", "open")), "Created")

	wantReply(t, w.do(w.alice, "leave", str("group", "Grief Circle")), "left")
	if _, ok := w.overwrite(g.ChannelID, w.alice); ok {
		t.Fatal("alice still sees the archived channel after leaving it")
	}
	// The facilitator keeps their access when they leave as a member.
	w.do(w.bob, "leave", str("group", "Grief Circle"))
	if _, ok := w.overwrite(g.ChannelID, w.bob); !ok {
		t.Fatal("the facilitator lost their overwrite")
	}
}

func TestArchiveDeletesTheChannelWhenConfigured(t *testing.T) {
	w := newWorld(t)
	w.start(func(c *Config) { c.Groups.OnArchive = "delete" })
	w.group(w.mod, "create", str("name", "Grief Circle"), str("type", "open"))
	g := w.groupNamed(w.db(), "Grief Circle")
	wantReply(t, w.group(w.mod, "archive", str("group", "Grief Circle")), "deleted")
	if _, ok := w.fake.Channel(g.ChannelID); ok {
		t.Fatal("the channel still exists")
	}
}

// A group channel deleted by hand while Hearth was down is made anew at
// start-up, with its members; reconciliation reads each server's channels
// once, not each group's.
func TestRestartRemakesADeletedChannel(t *testing.T) {
	w := newWorld(t)
	h := w.start()
	for _, name := range []string{"Grief Circle", "Anxiety", "Parents"} {
		w.group(w.mod, "create", str("name", name), str("type", "open"))
	}
	w.do(w.alice, "join", str("group", "Grief Circle"))
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	st := w.db()
	old := w.groupNamed(st, "Grief Circle").ChannelID
	w.fake.DeleteChannel(old)
	before := len(w.fake.Journal())

	w.start()
	g := w.groupNamed(st, "Grief Circle")
	if g.ChannelID == old || g.ChannelID == "" {
		t.Fatalf("channel id %q after restart; want a new channel", g.ChannelID)
	}
	if ow, ok := w.overwrite(g.ChannelID, w.alice); !ok || ow.Allow != memberAllow {
		t.Fatalf("alice's overwrite on the new channel = %+v, %v", ow, ok)
	}
	var lists, gets int
	for _, c := range w.fake.Journal()[before:] {
		switch {
		case c.Method == "GET" && c.Route == "/guilds/{guild_id}/channels":
			lists++
		case c.Method == "GET" && c.Route == "/channels/{channel_id}":
			gets++
		}
	}
	if lists != 1 || gets != 0 {
		t.Fatalf("start-up listed channels %d times and fetched %d one by one; want 1 and 0", lists, gets)
	}
}
