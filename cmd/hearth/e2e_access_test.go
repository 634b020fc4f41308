package main

import (
	"context"
	"slices"
	"strings"
	"testing"

	"hearth/domain"
	"hearth/internal/fakediscord"
)

// logNotes returns the log channel's messages after the first skip.
func (w *world) logNotes(channelID string, skip int) []string {
	var out []string
	for _, m := range w.fake.Messages(channelID)[skip:] {
		out = append(out, m.Content)
	}
	return out
}

// withLog sets a private log channel and returns it.
func (w *world) withLog() string {
	w.t.Helper()
	logChannel := w.privateChannel("mod-log")
	w.do(w.owner(), "setup", fakediscord.Opt{Name: "log_channel", Type: 7, Value: logChannel})
	return logChannel
}

// A permission given by hand to someone outside a group, on its channel,
// is removed as soon as Discord reports it, with a note naming nobody; the
// members', the facilitator's and the bot's stay; another role's is
// reported once and left; @everyone's denial is put back.
func TestAccessStaysExactLive(t *testing.T) {
	w := newWorld(t)
	w.start()
	logChannel := w.withLog()
	w.group(w.mod, "create", str("name", "Grief Circle"), str("type", "open"), usr("facilitator", w.bob))
	// The promise /join makes, which the rest of this test keeps true.
	wantReply(t, w.do(w.alice, "join", str("group", "Grief Circle")),
		"Only the other members, the facilitator and the server's moderators can see it", "administrators")
	g := w.groupNamed(w.db(), "Grief Circle")
	notes := len(w.fake.Messages(logChannel))

	carol := w.carol()
	w.fake.SetOverwrite(g.ChannelID, fakediscord.Overwrite{ID: carol, Type: 1, Allow: permView})
	eventually(t, "the stranger's overwrite removed", func() bool { _, ok := w.overwrite(g.ChannelID, carol); return !ok })
	if w.fake.ChannelPermissions(g.ChannelID, carol)&permView != 0 {
		t.Error("carol can still see the channel")
	}
	for who, id := range map[string]string{"member": w.alice, "facilitator": w.bob, "bot": w.fake.BotUserID} {
		if ow, ok := w.overwrite(g.ChannelID, id); !ok || ow.Allow != memberAllow {
			t.Errorf("the %s's overwrite = %+v, %v; want it untouched", who, ow, ok)
		}
	}
	eventually(t, "the note", func() bool { return len(w.fake.Messages(logChannel)) > notes })
	if got := w.logNotes(logChannel, notes); !slices.Equal(got, []string{en.NoteAccessRemoved("Grief Circle")}) || strings.Contains(got[0], "<@") {
		t.Errorf("notes %q, want one naming nobody", got)
	}

	helpers := w.fake.AddRole(w.guild, "Helpers", 0)
	w.fake.SetOverwrite(g.ChannelID, fakediscord.Overwrite{ID: helpers, Type: 0, Allow: permView})
	report := en.NoteAccessRole("Grief Circle", helpers)
	eventually(t, "the role reported", func() bool { return slices.Contains(w.logNotes(logChannel, notes), report) })
	w.do(w.carol(), "join", str("group", "Grief Circle")) // another change to the channel
	w.fake.SetOverwrite(g.ChannelID, fakediscord.Overwrite{ID: w.guild, Type: 0, Allow: permView})
	eventually(t, "@everyone hidden again", func() bool {
		ow, ok := w.overwrite(g.ChannelID, w.guild)
		return ok && ow.Deny&permView != 0 && ow.Allow&permView == 0
	})
	eventually(t, "the note on @everyone", func() bool {
		return slices.Contains(w.logNotes(logChannel, notes), en.NoteAccessEveryone("Grief Circle"))
	})
	if _, ok := w.overwrite(g.ChannelID, helpers); !ok {
		t.Error("the role's overwrite was removed; it should only be reported")
	}
	n := 0
	for _, note := range w.logNotes(logChannel, notes) {
		if note == report {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the role was reported %d times, want once", n)
	}
}

// Made while Hearth was down, a stranger's permission is removed at
// start-up, with a note.
func TestAccessStaysExactAtStartUp(t *testing.T) {
	w := newWorld(t)
	h := w.start()
	logChannel := w.withLog()
	w.group(w.mod, "create", str("name", "Grief Circle"), str("type", "open"))
	w.do(w.alice, "join", str("group", "Grief Circle"))
	g := w.groupNamed(w.db(), "Grief Circle")
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	notes := len(w.fake.Messages(logChannel))
	carol := w.carol()
	w.fake.SetOverwrite(g.ChannelID, fakediscord.Overwrite{ID: carol, Type: 1, Allow: memberAllow})
	w.start()
	if _, ok := w.overwrite(g.ChannelID, carol); ok {
		t.Error("the stranger's overwrite survived start-up")
	}
	if ow, ok := w.overwrite(g.ChannelID, w.alice); !ok || ow.Allow != memberAllow {
		t.Errorf("the member's overwrite = %+v, %v", ow, ok)
	}
	if got := w.logNotes(logChannel, notes); !slices.Equal(got, []string{en.NoteAccessRemoved("Grief Circle")}) {
		t.Errorf("notes %q, want the removal naming nobody", got)
	}
}

// A log channel made readable by others gets no more notes, /setup says
// why and what to do, and notes resume once it is private again.
func TestLogChannelMadeReadableStopsNotes(t *testing.T) {
	w := newWorld(t)
	w.start()
	logChannel := w.withLog()
	st := w.db()
	w.group(w.mod, "create", str("name", "First"), str("type", "open"))
	notes := len(w.fake.Messages(logChannel))
	if notes == 0 {
		t.Fatal("no note on the first group")
	}
	exposure := func() domain.Exposure {
		sf, _ := st.Safety(context.Background(), w.guild)
		return sf.LogExposure
	}
	w.fake.SetOverwrite(logChannel, fakediscord.Overwrite{ID: w.guild, Type: 0, Allow: permView})
	eventually(t, "the exposure recorded", func() bool { return exposure() == domain.ExposedEveryone })
	w.group(w.mod, "create", str("name", "Second"), str("type", "open"))
	if got := w.logNotes(logChannel, notes); len(got) != 0 {
		t.Errorf("notes %q posted in a channel everyone reads", got)
	}
	wantReply(t, w.do(w.owner(), "setup"), en.LogExposed(logChannel, domain.ExposedEveryone))
	w.fake.SetUserLocale(w.owner(), "es-ES")
	wantReply(t, w.do(w.owner(), "setup"), es.LogExposed(logChannel, domain.ExposedEveryone))

	// A role's permission on the channel: the reason names the role.
	helpers := w.fake.AddRole(w.guild, "Helpers", 0)
	w.fake.SetOverwrite(logChannel, fakediscord.Overwrite{ID: w.guild, Type: 0, Deny: permView})
	w.fake.SetOverwrite(logChannel, fakediscord.Overwrite{ID: helpers, Type: 0, Allow: permView})
	eventually(t, "the role recorded", func() bool { return exposure() == domain.ExposedRole(helpers) })
	wantReply(t, w.do(w.owner(), "setup"), es.LogExposed(logChannel, domain.ExposedRole(helpers)))

	w.fake.DeleteOverwrite(logChannel, helpers)
	eventually(t, "private again", func() bool { return exposure() == "" })
	eventually(t, "the note that notes resume", func() bool {
		return slices.Contains(w.logNotes(logChannel, notes), en.NoteLogPrivateAgain())
	})
	w.group(w.mod, "create", str("name", "Third"), str("type", "open"))
	if got := w.logNotes(logChannel, notes); len(got) != 2 || strings.Contains(strings.Join(got, " "), "Second") {
		t.Errorf("notes after the channel was private again: %q", got)
	}
	if r := w.do(w.owner(), "setup"); strings.Contains(r.Content, "⚠️") {
		t.Errorf("/setup still warns: %q", r.Content)
	}

	// @everyone's own permissions changed: Discord reports the role.
	w.fake.DeleteOverwrite(logChannel, w.guild) // no denial: @everyone's role decides
	w.fake.SetRolePermissions(w.guild, w.guild, fakediscord.DefaultEveryonePermissions&^permView)
	eventually(t, "private by the role", func() bool { return exposure() == "" })
	w.fake.SetRolePermissions(w.guild, w.guild, fakediscord.DefaultEveryonePermissions)
	eventually(t, "exposed by the role", func() bool { return exposure() == domain.ExposedEveryone })
}
