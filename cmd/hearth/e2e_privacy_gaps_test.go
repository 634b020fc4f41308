package main

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"hearth/domain"
	"hearth/internal/fakediscord"
)

// botPosts are the bot's posts in a channel after the first skip.
func (w *world) botPosts(channelID string, skip int) []fakediscord.Message {
	var out []fakediscord.Message
	for _, m := range w.fake.Messages(channelID)[skip:] {
		if m.AuthorID == w.fake.BotUserID {
			out = append(out, m)
		}
	}
	return out
}

// A channel Hearth can no longer see (Discord answers 403 Missing Access)
// cannot hold up an erasure for ever: the person is erased, told it is
// done, and the log channel says which channel to check, naming nobody.
func TestForgetGoesAheadWhenHearthLostAChannel(t *testing.T) {
	w := newWorld(t)
	w.start()
	st := w.db()
	logCh := w.withLog()
	text, voice, archived := w.placeEverywhere()
	// Someone hides the archived group's channel from Hearth.
	w.fake.SetOverwrite(archived, fakediscord.Overwrite{ID: w.fake.BotUserID, Type: 1, Deny: 1 << 10})
	before := len(w.fake.Messages(logCh))

	erase := buttons(t, w.do(w.alice, "forget"))[0]
	if r := w.press(w.alice, erase); r.Type != 7 || r.Content != en.ForgetDone() || len(buttons(t, r)) != 0 {
		t.Fatalf("erase with a channel lost: type %d %q", r.Type, r.Content)
	}
	for _, ch := range []string{text, voice} {
		if ow, ok := w.overwrite(ch, w.alice); ok {
			t.Errorf("alice keeps an overwrite on %s: %+v", ch, ow)
		}
	}
	if hits := w.scanFor(w.alice); len(hits) != 0 {
		t.Errorf("alice's id is still in %v", hits)
	}
	if p, _ := st.PendingErasures(context.Background()); len(p) != 0 {
		t.Errorf("the erasure is still pending: %+v", p)
	}
	notes := w.botPosts(logCh, before)
	if len(notes) != 1 || notes[0].Content != en.NoteChannelLost(archived) {
		t.Fatalf("log notes %+v, want one saying Hearth lost %s", notes, archived)
	}
	if m := notes[0]; strings.Contains(m.Content, w.alice) || strings.Contains(m.Content, w.bob) || len(m.Mentions) != 0 {
		t.Errorf("the note names or pings someone: %q %v", m.Content, m.Mentions)
	}
	// Bob's access is untouched.
	if ow, ok := w.overwrite(text, w.bob); !ok || ow.Allow != memberBits {
		t.Errorf("bob's overwrite: %+v %v", ow, ok)
	}
}

// Retention, too, goes ahead on an archive whose channel Hearth can no
// longer see, instead of trying every hour for ever, with the same note.
func TestRetentionGoesAheadWhenHearthLostTheChannel(t *testing.T) {
	w := newWorld(t)
	w.start()
	st := w.db()
	logCh := w.withLog()
	w.group(w.mod, "create", str("name", "Long Ago"), str("type", "open"))
	w.do(w.alice, "join", str("group", "Long Ago"))
	old := w.groupNamed(st, "Long Ago")
	w.group(w.mod, "archive", str("group", "Long Ago"))
	w.fake.SetOverwrite(old.ChannelID, fakediscord.Overwrite{ID: w.fake.BotUserID, Type: 1, Deny: 1 << 10})
	before := len(w.fake.Messages(logCh))
	w.clock.Advance(91 * 24 * time.Hour)
	eventually(t, "the old archive's records erased", func() bool {
		members, _ := st.Members(context.Background(), old.ID)
		return len(members) == 0
	})
	eventually(t, "the note", func() bool { return len(w.botPosts(logCh, before)) > 0 })
	if notes := w.botPosts(logCh, before); len(notes) != 1 || notes[0].Content != en.NoteChannelLost(old.ChannelID) {
		t.Errorf("notes %+v", notes)
	}
	// Only her locale, kept across servers until /forget, stays.
	if hits := w.scanFor(w.alice); len(hits) != 1 || hits[0] != "user_locales.user_id" {
		t.Errorf("alice's id is still in %v", hits)
	}
}

// A moderator editing Hearth's crisis rule in Discord (a block action
// added, phrases changed, the alert sent elsewhere, the rule turned off)
// sees it put back live, with a note naming nobody; Hearth's own edits do
// not set it off, and exemptions are left to moderators.
func TestCrisisRuleEditedInDiscordIsPutBack(t *testing.T) {
	w := newWorld(t)
	w.start()
	w.fake.SetBotPermissions(w.guild, fakediscord.DefaultBotPermissions|fakediscord.PermManageGuild)
	logChannel := w.withLog()
	wantReply(t, w.do(w.owner(), "setup", crisisOpt("crisis_alerts", true)), en.SettingsCrisis(domain.Safety{CrisisAlerts: true}, logChannel))
	defaults := domain.DefaultCrisisWords()
	rule := w.hearthRule(logChannel, defaults)
	other := w.privateChannel("elsewhere")

	cases := []struct {
		name string
		edit func(*fakediscord.AutoModRule)
	}{
		{"a block action added", func(r *fakediscord.AutoModRule) {
			r.Actions = append(r.Actions, fakediscord.AutoModAction{Type: fakediscord.ActionBlock})
		}},
		{"a timeout instead of the alert", func(r *fakediscord.AutoModRule) {
			r.Actions = []fakediscord.AutoModAction{{Type: fakediscord.ActionTimeout, Duration: 60}}
		}},
		{"phrases removed", func(r *fakediscord.AutoModRule) { r.Keywords = r.Keywords[:1] }},
		{"an allow list added", func(r *fakediscord.AutoModRule) { r.AllowList = []string{"kill myself"} }},
		{"the alert sent elsewhere", func(r *fakediscord.AutoModRule) {
			r.Actions = []fakediscord.AutoModAction{{Type: fakediscord.ActionSendAlert, ChannelID: other}}
		}},
		{"turned off", func(r *fakediscord.AutoModRule) { r.Enabled = false }},
		{"renamed", func(r *fakediscord.AutoModRule) { r.Name = "mine now" }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			notes := len(w.fake.Messages(logChannel))
			w.fake.EditAutoModRule(w.guild, rule.ID, c.edit)
			eventually(t, "the note", func() bool { return len(w.botPosts(logChannel, notes)) > 0 })
			if got := w.botPosts(logChannel, notes); len(got) != 1 || got[0].Content != en.NoteCrisisRuleRestored() ||
				len(got[0].Mentions) != 0 || strings.Contains(got[0].Content, "<@") {
				t.Errorf("notes %+v, want one naming nobody", got)
			}
			if again := w.hearthRule(logChannel, defaults); again.ID != rule.ID || len(again.AllowList) != 0 {
				t.Errorf("the rule was not put back as it was: %+v", again)
			}
		})
	}

	// An exemption is the moderators' call: left as it is, with no note.
	notes := len(w.fake.Messages(logChannel))
	w.fake.EditAutoModRule(w.guild, rule.ID, func(r *fakediscord.AutoModRule) { r.ExemptChannels = []string{other} })
	// Hearth's own edit (new phrases) comes back as an update too.
	wantReply(t, w.do(w.owner(), "setup", crisisOpt("crisis_alerts", true)), en.SettingsCrisis(domain.Safety{CrisisAlerts: true}, logChannel))
	rules := w.fake.AutoModRules(w.guild)
	if len(rules) != 1 || !slices.Equal(rules[0].ExemptChannels, []string{other}) {
		t.Errorf("the exemption was undone: %+v", rules)
	}
	if got := w.botPosts(logChannel, notes); len(got) != 0 {
		t.Errorf("notes after an exemption and Hearth's own edit: %+v", got)
	}
}

// /join's promise, checked against the channel's real permissions: the
// members, the facilitator, the moderator role, the owner and
// administrators see the group's text and voice channels; nobody else.
func TestJoinPromiseIsTrue(t *testing.T) {
	w := newWorld(t)
	w.start()
	modRole := w.fake.AddRole(w.guild, "Helpers", 0)
	helper := w.fake.AddMember(w.guild, "helper", modRole)
	admin := w.fake.AddMember(w.guild, "admin", w.fake.AddRole(w.guild, "Admins", 1<<3))
	wantReply(t, w.do(w.owner(), "setup", fakediscord.Opt{Name: "moderator_role", Type: optRole, Value: modRole}), "Saved")
	w.group(w.mod, "create", str("name", "Grief Circle"), str("type", "open"), usr("facilitator", w.bob), boolean("voice", true))
	g := w.groupNamed(w.db(), "Grief Circle")
	if r := w.do(w.alice, "join", str("group", "Grief Circle")); r.Content != en.Joined("Grief Circle", g.ChannelID, time.Time{}) {
		t.Errorf("/join: %q", r.Content)
	}
	carol := w.carol()
	for _, ch := range []string{g.ChannelID, g.VoiceChannelID} {
		for who, id := range map[string]string{"member": w.alice, "facilitator": w.bob, "moderator role": helper,
			"owner": w.owner(), "administrator": admin, "Hearth": w.fake.BotUserID} {
			if w.fake.ChannelPermissions(ch, id)&permView == 0 {
				t.Errorf("the %s cannot see %s, as /join promised", who, ch)
			}
		}
		if w.fake.ChannelPermissions(ch, carol)&permView != 0 {
			t.Errorf("someone outside the group sees %s", ch)
		}
	}
}

// A member can always leave: a group channel Hearth can no longer see
// does not keep them in, and the log channel says which channel to check.
func TestLeaveGoesAheadWhenHearthLostTheChannel(t *testing.T) {
	w := newWorld(t)
	w.start()
	st := w.db()
	logCh := w.withLog()
	w.group(w.mod, "create", str("name", "Grief Circle"), str("type", "open"))
	w.do(w.alice, "join", str("group", "Grief Circle"))
	g := w.groupNamed(st, "Grief Circle")
	w.fake.SetOverwrite(g.ChannelID, fakediscord.Overwrite{ID: w.fake.BotUserID, Type: 1, Deny: 1 << 10})
	before := len(w.fake.Messages(logCh))
	if r := w.do(w.alice, "leave", str("group", "Grief Circle")); r.Content != en.Left("Grief Circle") {
		t.Errorf("/leave: %q", r.Content)
	}
	if in, _ := st.IsMember(context.Background(), g.ID, w.alice); in {
		t.Error("alice is still a member")
	}
	eventually(t, "the note", func() bool { return len(w.botPosts(logCh, before)) > 0 })
	if notes := w.botPosts(logCh, before); notes[0].Content != en.NoteChannelLost(g.ChannelID) {
		t.Errorf("notes %+v", notes)
	}
}

// In discreet mode a reminder by direct message (a notification on a lock
// screen) names no group, and a channel reminder pings exactly those who
// chose the channel.
func TestDiscreetDirectReminderNamesNoGroup(t *testing.T) {
	w := newWorld(t)
	w.start()
	w.do(w.owner(), "setup", fakediscord.Opt{Name: "discreet", Type: 5, Value: true})
	w.group(w.mod, "create", str("name", "Grief Circle"), str("type", "open"),
		str("schedule", "0 18 * * *"), str("timezone", "UTC"), str("reminder", "30m"))
	w.do(w.alice, "join", str("group", "Grief Circle"))
	w.do(w.bob, "join", str("group", "Grief Circle"))
	w.do(w.alice, "reminders", str("mode", "dm"))
	g := w.groupNamed(w.db(), "Grief Circle")
	session := time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC)
	w.clock.Set(session.Add(-30 * time.Minute))
	reminder := w.waitReminders(g.ChannelID, 1)[0]
	if !slices.Equal(reminder.Mentions, []string{w.bob}) || strings.Contains(reminder.Content, w.alice) ||
		strings.Contains(reminder.Content, "Grief") {
		t.Errorf("channel reminder %q pings %v; want bob alone, no group named", reminder.Content, reminder.Mentions)
	}
	eventually(t, "alice's DM", func() bool { return len(w.dms(w.alice)) > 0 })
	dm := w.dms(w.alice)[0]
	if dm.Content != en.ReminderDM("", g.ChannelID, session) || strings.Contains(dm.Content, "Grief") || len(dm.Mentions) != 0 {
		t.Errorf("discreet DM %q (pings %v)", dm.Content, dm.Mentions)
	}
}
