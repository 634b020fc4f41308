package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"hearth/internal/fakediscord"
)

// Changing the moderator role moves its access on every group channel, so
// people who no longer moderate stop seeing the groups.
func TestModeratorRoleChangeMovesChannelAccess(t *testing.T) {
	w := newWorld(t)
	w.start()
	helpers := w.fake.AddRole(w.guild, "Helpers", 0)
	mods := w.fake.AddRole(w.guild, "Mods", 0)
	role := func(id string) fakediscord.Opt {
		return fakediscord.Opt{Name: "moderator_role", Type: optRole, Value: id}
	}
	wantReply(t, w.do(w.owner(), "setup", role(helpers)), "Saved", "Integrations")
	w.group(w.mod, "create", str("name", "Grief Circle"), str("type", "open"))
	w.group(w.mod, "create", str("name", "Old Cohort"), str("type", "open"))
	w.group(w.mod, "archive", str("group", "Old Cohort"))
	st := w.db()
	g := w.groupNamed(st, "Grief Circle")
	old, _ := st.ArchivedGroups(context.Background(), w.guild)
	if _, ok := w.overwrite(g.ChannelID, helpers); !ok {
		t.Fatal("the moderator role has no access to the new channel")
	}
	wantReply(t, w.do(w.owner(), "setup", role(mods)), "Saved")
	for _, ch := range []string{g.ChannelID, old[0].ChannelID} { // a read-only archive keeps its history
		if _, ok := w.overwrite(ch, helpers); ok {
			t.Error("the old moderator role still sees a group")
		}
		if ow, ok := w.overwrite(ch, mods); !ok || ow.Type != 0 || ow.Allow != memberAllow {
			t.Errorf("the new moderator role's overwrite = %+v, %v", ow, ok)
		}
	}
}

// Manage Channels given on one channel (as temporary-voice bots do) does
// not make someone a moderator: Hearth checks server-wide permissions.
func TestChannelLevelManageChannelsIsNotModerator(t *testing.T) {
	w := newWorld(t)
	w.start()
	w.group(w.mod, "create", str("name", "Grief Circle"), str("type", "open"))
	w.fake.SetOverwrite(w.fake.GeneralChannelID, fakediscord.Overwrite{ID: w.alice, Type: 1, Allow: permManageChannels})
	r, err := w.fake.CommandIn(w.fake.GeneralChannelID, w.alice, "group",
		fakediscord.Opt{Name: "members", Type: optSub, Options: []fakediscord.Opt{str("group", "Grief Circle")}}).Wait(5 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	wantReply(t, r, "Only moderators")
}

func TestFacilitatorManagesOnlyTheirGroup(t *testing.T) {
	w := newWorld(t)
	w.start()
	w.group(w.mod, "create", str("name", "Grief Circle"), str("type", "closed"), usr("facilitator", w.bob))
	w.group(w.mod, "create", str("name", "Anxiety"), str("type", "open"))
	g := w.groupNamed(w.db(), "Grief Circle")
	if ow, ok := w.overwrite(g.ChannelID, w.bob); !ok || ow.Allow != memberAllow {
		t.Fatalf("facilitator overwrite = %+v, %v", ow, ok)
	}
	w.do(w.alice, "join", str("group", "Grief Circle"))
	wantReply(t, w.group(w.bob, "members", str("group", "Grief Circle")), "has 1 member", "<@"+w.alice+">")
	wantReply(t, w.group(w.bob, "info", str("group", "Grief Circle")), "Members: 1")
	wantReply(t, w.group(w.bob, "members", str("group", "Anxiety")), "Only moderators")
	wantReply(t, w.group(w.bob, "remove", str("group", "Grief Circle"), usr("user", w.alice)), "Removed")
	if _, ok := w.overwrite(g.ChannelID, w.alice); ok {
		t.Fatal("removed member keeps access")
	}
	wantReply(t, w.group(w.bob, "start", str("group", "Grief Circle")), "has started")
	wantReply(t, w.group(w.bob, "archive", str("group", "Grief Circle")), "Archived")
}

// A roster is shown only to moderators and the facilitator, as an
// ephemeral reply that pings nobody.
func TestRosterPingsNobody(t *testing.T) {
	w := newWorld(t)
	w.start()
	w.group(w.mod, "create", str("name", "Grief Circle"), str("type", "open"))
	w.do(w.alice, "join", str("group", "Grief Circle"))
	r := w.group(w.mod, "members", str("group", "Grief Circle"))
	wantReply(t, r, "<@"+w.alice+">")
	if r.AllowedMentions == nil || len(r.AllowedMentions.Parse) != 0 || len(r.AllowedMentions.Users) != 0 {
		t.Fatalf("roster allowed_mentions = %+v; want nobody", r.AllowedMentions)
	}
}

// Start-up reconciliation removes the overwrites Hearth granted to people
// who are no longer members and, since issue 13 (access stays exact), any
// user overwrite made by hand that lets someone outside the group see its
// channel; it leaves alone the overwrites of roles (reported, not removed)
// and the facilitator's.
func TestReconcileRemovesOnlyWhatHearthGranted(t *testing.T) {
	w := newWorld(t)
	h := w.start()
	w.group(w.mod, "create", str("name", "Grief Circle"), str("type", "open"), usr("facilitator", w.bob))
	w.do(w.alice, "join", str("group", "Grief Circle"))
	w.do(w.bob, "join", str("group", "Grief Circle"))
	dave := w.fake.AddMember(w.guild, "dave")
	w.do(dave, "join", str("group", "Grief Circle"))
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	st := w.db()
	g := w.groupNamed(st, "Grief Circle")
	// A crash after alice's leave was stored, before her overwrite was deleted.
	if _, err := st.Leave(context.Background(), g.ID, w.alice); err != nil {
		t.Fatal(err)
	}
	// The facilitator's membership ends the same way; they keep facilitating.
	st.Leave(context.Background(), g.ID, w.bob)
	// A moderator gives carol access by hand, with the same bits Hearth uses.
	carol := w.carol()
	w.fake.SetOverwrite(g.ChannelID, fakediscord.Overwrite{ID: carol, Type: 1, Allow: memberAllow})
	helpers := w.fake.AddRole(w.guild, "Helpers", 0)
	w.fake.SetOverwrite(g.ChannelID, fakediscord.Overwrite{ID: helpers, Type: 0, Allow: memberAllow})
	// Dave leaves the server, and his overwrite is deleted with him.
	w.fake.RemoveMember(w.guild, dave)
	w.fake.DeleteOverwrite(g.ChannelID, dave)

	w.start()
	if _, ok := w.overwrite(g.ChannelID, w.alice); ok {
		t.Error("the former member's overwrite was kept")
	}
	if _, ok := w.overwrite(g.ChannelID, carol); ok {
		t.Error("the hand-made overwrite letting a stranger in was kept")
	}
	for who, id := range map[string]string{"facilitator": w.bob, "role": helpers, "bot": w.fake.BotUserID} {
		if _, ok := w.overwrite(g.ChannelID, id); !ok {
			t.Errorf("the %s overwrite was removed", who)
		}
	}
	if in, _ := st.IsMember(context.Background(), g.ID, dave); in {
		t.Error("someone who left the server is still a member")
	}
	if grants, _ := st.Grants(context.Background(), g.ID); len(grants) != 1 || grants[0] != w.bob {
		t.Errorf("grants after reconcile = %v, want only the facilitator's", grants)
	}
}

// An archive that fails half-way puts back what it changed and keeps the
// group active, so the channel and the database still agree.
func TestFailedArchiveLeavesTheChannelAsItWas(t *testing.T) {
	w := newWorld(t)
	w.start()
	st := w.db()
	w.group(w.mod, "create", str("name", "Grief Circle"), str("type", "open"))
	for _, u := range []string{w.alice, w.bob, w.carol()} {
		w.do(u, "join", str("group", "Grief Circle"))
	}
	g := w.groupNamed(st, "Grief Circle")
	// The second member's change fails on every retry; the first is restored.
	w.fake.FailAfter("PUT", "/channels/{channel_id}/permissions/{overwrite_id}", 1, 4, 500)
	wantReply(t, w.group(w.mod, "archive", str("group", "Grief Circle")), "nothing was changed")
	w.fake.ClearFaults()
	if got := w.groupNamed(st, "Grief Circle"); got.State != "active" {
		t.Fatalf("group state %s after a failed archive", got.State)
	}
	members, _ := st.Members(context.Background(), g.ID)
	for _, id := range members {
		if ow, ok := w.overwrite(g.ChannelID, id); !ok || ow.Allow != memberAllow || ow.Deny != 0 {
			t.Errorf("member overwrite %+v, %v after a failed archive; want full member access", ow, ok)
		}
	}
	journal := w.fake.Journal()
	var puts int
	for _, c := range journal {
		if c.Method == "PUT" && strings.Contains(c.Route, "permissions") && c.Status == 204 {
			puts++
		}
	}
	if puts < 3+2 { // three joins, one archived then restored
		t.Fatalf("only %d successful overwrite PUTs", puts)
	}
}

func TestSetupResetClearsASetting(t *testing.T) {
	w := newWorld(t)
	w.start()
	helpers := w.fake.AddRole(w.guild, "Helpers", 0)
	w.do(w.owner(), "setup", fakediscord.Opt{Name: "moderator_role", Type: optRole, Value: helpers}, str("timezone", "Europe/Madrid"))
	w.group(w.mod, "create", str("name", "Grief Circle"), str("type", "open"))
	g := w.groupNamed(w.db(), "Grief Circle")
	wantReply(t, w.do(w.owner(), "setup", str("reset", "moderator_role")), "Moderator role: not set", "Time zone: Europe/Madrid")
	if _, ok := w.overwrite(g.ChannelID, helpers); ok {
		t.Fatal("a reset moderator role still sees the group")
	}
}

// A moderator role change whose removal of the former role's access failed
// is finished at start-up: the former role loses access to every group
// channel, the new one has it, and role overwrites made by hand stay
// (issue 10, defect 4).
func TestFormerModeratorRoleLosesAccessAtStartUp(t *testing.T) {
	w := newWorld(t)
	h := w.start()
	oldRole := w.fake.AddRole(w.guild, "Old moderators", 0)
	newRole := w.fake.AddRole(w.guild, "New moderators", 0)
	handMade := w.fake.AddRole(w.guild, "Volunteers", 0)
	w.do(w.owner(), "setup", fakediscord.Opt{Name: "moderator_role", Type: optRole, Value: oldRole})
	w.group(w.mod, "create", str("name", "Grief Circle"), str("type", "open"))
	g := w.groupNamed(w.db(), "Grief Circle")
	w.fake.SetOverwrite(g.ChannelID, fakediscord.Overwrite{ID: handMade, Type: 0, Allow: permView})

	w.fake.FailNext("DELETE", "/channels/{channel_id}/permissions/{overwrite_id}", 100, 500)
	w.do(w.owner(), "setup", fakediscord.Opt{Name: "moderator_role", Type: optRole, Value: newRole})
	w.fake.ClearFaults()
	if _, ok := w.overwrite(g.ChannelID, oldRole); !ok {
		t.Fatal("the test needs the former role's overwrite to have survived the failure")
	}
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	w.start()
	if _, ok := w.overwrite(g.ChannelID, oldRole); ok {
		t.Error("the former moderator role still has access after start-up")
	}
	if ow, ok := w.overwrite(g.ChannelID, newRole); !ok || ow.Allow != memberAllow {
		t.Errorf("the new moderator role's overwrite = %+v, %v; want member access", ow, ok)
	}
	if _, ok := w.overwrite(g.ChannelID, handMade); !ok {
		t.Error("a role overwrite made by hand was removed")
	}
}

// Moderator role changes and group creation at once leave every channel
// with exactly the role that stays in the settings.
func TestConcurrentModeratorRoleChangesAndCreates(t *testing.T) {
	w := newWorld(t)
	w.start()
	roles := []string{w.fake.AddRole(w.guild, "A", 0), w.fake.AddRole(w.guild, "B", 0), w.fake.AddRole(w.guild, "C", 0)}
	var wg sync.WaitGroup
	for i, role := range roles {
		wg.Add(2)
		go func() {
			defer wg.Done()
			w.do(w.owner(), "setup", fakediscord.Opt{Name: "moderator_role", Type: optRole, Value: role})
		}()
		go func() {
			defer wg.Done()
			w.group(w.mod, "create", str("name", fmt.Sprintf("Group %d", i)), str("type", "open"))
		}()
	}
	wg.Wait()
	st := w.db()
	settings, err := st.Settings(context.Background(), w.guild)
	if err != nil {
		t.Fatal(err)
	}
	for i := range roles {
		g := w.groupNamed(st, fmt.Sprintf("Group %d", i))
		for _, role := range roles {
			_, has := w.overwrite(g.ChannelID, role)
			if want := role == settings.ModeratorRoleID; has != want {
				t.Errorf("%s: role %s has access %v, want %v (moderator role %s)", g.Name, role, has, want, settings.ModeratorRoleID)
			}
		}
	}
}

// The log channel must be one only moderators read: a channel @everyone or
// another role can read is refused, kindly, in the caller's language, and
// nothing changes.
func TestSetupRefusesALogChannelOthersCanRead(t *testing.T) {
	w := newWorld(t)
	w.start()
	st := w.db()
	helpers := w.fake.AddRole(w.guild, "Helpers", 0)
	modRole := w.fake.AddRole(w.guild, "Moderators", 0)
	w.do(w.owner(), "setup", fakediscord.Opt{Name: "moderator_role", Type: optRole, Value: modRole})
	open := w.fake.GeneralChannelID
	shared := w.privateChannel("shared")
	w.fake.SetOverwrite(shared, fakediscord.Overwrite{ID: helpers, Type: 0, Allow: permView})
	mods := w.privateChannel("mods")
	w.fake.SetOverwrite(mods, fakediscord.Overwrite{ID: modRole, Type: 0, Allow: permView})
	named := w.privateChannel("named")
	w.fake.SetOverwrite(named, fakediscord.Overwrite{ID: w.alice, Type: 1, Allow: permView})
	w.fake.SetUserLocale(w.owner(), "es-ES")
	for _, c := range []struct {
		name, channel string
		refused       bool
	}{{"everyone can read", open, true}, {"another role can read", shared, true},
		{"someone is let in by name", named, true}, {"moderators only", mods, false}} {
		t.Run(c.name, func(t *testing.T) {
			r := w.do(w.owner(), "setup", fakediscord.Opt{Name: "log_channel", Type: 7, Value: c.channel})
			settings, _ := st.Settings(context.Background(), w.guild)
			if c.refused {
				if r.Content != es.LogChannelPublic(c.channel) {
					t.Errorf("reply %q, want the Spanish refusal", r.Content)
				}
				if settings.LogChannelID == c.channel {
					t.Error("the channel was saved")
				}
				return
			}
			if settings.LogChannelID != c.channel {
				t.Errorf("a moderators-only channel was not saved: %q", r.Content)
			}
		})
	}
}

// Discreet mode: new group channels are named "group-" and a number, with
// a topic that names no subject, and renaming a group leaves its channel's
// name alone; reminders never name the group.
func TestDiscreetModeNamesChannelsNeutrally(t *testing.T) {
	w := newWorld(t)
	w.start()
	st := w.db()
	w.group(w.mod, "create", str("name", "Before"), str("type", "open"))
	before := w.groupNamed(st, "Before")
	r := w.do(w.owner(), "setup", fakediscord.Opt{Name: "discreet", Type: 5, Value: true})
	wantReply(t, r, en.SettingsDiscreet(true))
	w.group(w.mod, "create", str("name", "Addiction Recovery"), str("type", "open"),
		str("description", "For people recovering from addiction"), str("schedule", "0 18 * * *"), str("timezone", "UTC"))
	g := w.groupNamed(st, "Addiction Recovery")
	ch, _ := w.fake.Channel(g.ChannelID)
	if want := fmt.Sprintf("group-%d", g.ID); ch.Name != want || ch.Topic != en.ChannelTopicDiscreet() {
		t.Errorf("channel %q with topic %q, want %q and a neutral topic", ch.Name, ch.Topic, want)
	}
	if old, _ := w.fake.Channel(before.ChannelID); old.Name != "before" {
		t.Errorf("an existing channel was renamed to %q", old.Name)
	}
	w.group(w.mod, "edit", str("group", "Addiction Recovery"), str("name", "Gambling Recovery"))
	if ch, _ := w.fake.Channel(g.ChannelID); ch.Name != fmt.Sprintf("group-%d", g.ID) || strings.Contains(ch.Topic, "Gambling") {
		t.Errorf("renaming the group renamed its channel: %q %q", ch.Name, ch.Topic)
	}
	w.do(w.alice, "join", str("group", "Gambling Recovery"))
	w.clock.Set(time.Date(2026, 11, 26, 17, 30, 0, 0, time.UTC))
	for _, m := range w.waitReminders(g.ChannelID, 1) {
		if strings.Contains(m.Content, "Recovery") {
			t.Errorf("a reminder names the group: %q", m.Content)
		}
	}
}
