package main

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"hearth/domain"
)

// scanFor looks for id in every text and integer column of every table of
// the database file, and says where it is.
func (w *world) scanFor(id string) []string {
	w.t.Helper()
	db, err := sql.Open("sqlite3", "file:"+w.dbPath+"?_busy_timeout=5000&mode=ro")
	if err != nil {
		w.t.Fatal(err)
	}
	defer db.Close()
	strings := func(q string, args ...any) []string {
		rows, err := db.Query(q, args...)
		if err != nil {
			w.t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			rows.Scan(&s)
			out = append(out, s)
		}
		return out
	}
	var hits []string
	for _, table := range strings(`SELECT name FROM sqlite_master WHERE type = 'table'`) {
		for _, col := range strings(`SELECT name FROM pragma_table_info(?)`, table) {
			var n int
			q := fmt.Sprintf(`SELECT count(*) FROM %q WHERE CAST(%q AS TEXT) LIKE ?`, table, col)
			if err := db.QueryRow(q, "%"+id+"%").Scan(&n); err != nil {
				w.t.Fatal(err)
			}
			if n > 0 {
				hits = append(hits, fmt.Sprintf("%s.%s", table, col))
			}
		}
	}
	return hits
}

const (
	memberBits   = permView | permSend | permHistory
	readOnlyBits = permView | permHistory
	permConnect  = 1 << 20
	permSpeak    = 1 << 21
)

// placeEverywhere puts alice, and bob beside her, in every record Hearth
// keeps: a live group with guidelines and a voice channel, an archived
// group (read-only channel), a waitlist, attendance, voice time and a
// reminder being sent. It returns the live group's text and voice channels
// and the archived group's channel.
func (w *world) placeEverywhere() (text, voice, archived string) {
	t := w.t
	st := w.db()
	w.group(w.mod, "create", str("name", "Grief Circle"), str("type", "open"), boolean("voice", true))
	w.group(w.mod, "create", str("name", "Old Group"), str("type", "open"))
	w.group(w.mod, "create", str("name", "Full House"), str("type", "open"), num("capacity", 1))
	w.writeGuidelines("Grief Circle", "What is shared here stays here.")
	grief, old := w.groupNamed(st, "Grief Circle"), w.groupNamed(st, "Old Group")
	voice = grief.VoiceChannelID
	for _, who := range []string{w.bob, w.alice} {
		w.press(who, buttons(t, w.do(who, "join", str("group", "Grief Circle")))[0])
		w.do(who, "join", str("group", "Old Group"))
	}
	w.group(w.mod, "archive", str("group", "Old Group"))
	w.do(w.bob, "join", str("group", "Full House"))
	w.press(w.alice, buttons(t, w.do(w.alice, "join", str("group", "Full House")))[0])
	session := time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC).Unix()
	for _, who := range []string{w.alice, w.bob} {
		w.sql(`INSERT INTO session_marks (group_id, session_at, user_id, mark, marked_at) VALUES (?, ?, ?, 'here', ?)`,
			grief.ID, session, who, session)
		w.sql(`INSERT INTO voice_intervals (group_id, user_id, joined_at, left_at) VALUES (?, ?, ?, NULL)`, grief.ID, who, session)
	}
	// A reminder whose send is under way (its retry far off, so that it
	// stays as it is), mentioning both.
	w.sql(`INSERT INTO firings (group_id, kind, session_at, lead_seconds, state, mentions, retry_at, created_at)
		VALUES (?, 'reminder', ?, 1800, 'sending', ?, ?, ?)`, grief.ID, session+86400*7, w.bob+" "+w.alice,
		session+86400*365, session)
	// Reminder choices, the reminder's direct messages (alice's were
	// closed: she was told so) and a talking round of the two in
	// voice.
	w.do(w.alice, "reminders", str("mode", "dm"))
	w.do(w.bob, "reminders", str("mode", "off"), str("group", "Grief Circle"))
	fs, err := st.Firings(context.Background(), grief.ID)
	if err != nil || len(fs) != 1 {
		t.Fatalf("firings %+v %v", fs, err)
	}
	w.sql(`INSERT INTO reminder_dms (firing_id, user_id, state) VALUES (?, ?, 'closed'), (?, ?, 'sent')`, fs[0].ID, w.alice, fs[0].ID, w.bob)
	w.sql(`INSERT INTO dm_notices (user_id, guild_id, told, created_at) VALUES (?, ?, 1, ?)`, w.alice, w.guild, session)
	if r := w.group(w.mod, "round", str("group", "Grief Circle")); r.Content != en.RoundStarted(grief.ChannelID) {
		t.Fatalf("/group round: %q", r.Content)
	}
	for _, c := range []struct {
		channel string
		bits    int64
	}{{grief.ChannelID, memberBits}, {old.ChannelID, readOnlyBits}, {voice, permView | permConnect | permSpeak}} {
		if ow, ok := w.overwrite(c.channel, w.alice); !ok || ow.Allow != c.bits {
			t.Fatalf("before /forget, alice's overwrite on %s: %+v %v", c.channel, ow, ok)
		}
	}
	if d, _ := st.Export(context.Background(), w.guild, w.alice, w.clock.Now()); d.ReminderDefault != "dm" ||
		len(d.DirectReminders) != 1 || d.DMNotice == nil || len(d.Rounds) != 1 {
		t.Fatalf("before /forget, alice's export lacks a record: %+v", d)
	}
	return grief.ChannelID, voice, old.ChannelID
}

// /forget asks first, with buttons only the caller's clicks count on; then
// the caller leaves every group, loses access to every channel (text and
// voice, archived included), and no table of the database holds their id.
func TestForgetErasesTheCallerFromEverything(t *testing.T) {
	w := newWorld(t)
	w.start()
	st := w.db()
	ctx := context.Background()
	text, voice, archived := w.placeEverywhere()
	grief := w.groupNamed(st, "Grief Circle")

	r := w.do(w.alice, "forget")
	ids := buttons(t, r)
	if r.Content != en.ForgetConfirm() || len(ids) != 2 {
		t.Fatalf("/forget: %q %v", r.Content, ids)
	}
	erase, cancel := ids[0], ids[1]
	// Someone else's click changes nothing.
	if r := w.press(w.bob, erase); r.Content != en.ForgetNotYours() || r.Type != 4 {
		t.Errorf("bob pressing alice's button: type %d %q", r.Type, r.Content)
	}
	if r := w.press(w.bob, cancel); r.Content != en.ForgetNotYours() {
		t.Errorf("bob pressing alice's cancel: %q", r.Content)
	}
	if in, _ := st.IsMember(ctx, grief.ID, w.alice); !in {
		t.Fatal("bob's click erased alice")
	}
	// Cancel changes nothing.
	if r := w.press(w.alice, cancel); r.Type != 7 || r.Content != en.ForgetCancelled() || len(buttons(t, r)) != 0 {
		t.Errorf("cancel: type %d %q", r.Type, r.Content)
	}
	if in, _ := st.IsMember(ctx, grief.ID, w.alice); !in {
		t.Fatal("cancel erased alice")
	}

	if r := w.press(w.alice, erase); r.Type != 7 || r.Content != en.ForgetDone() || len(buttons(t, r)) != 0 {
		t.Fatalf("erase: type %d %q", r.Type, r.Content)
	}
	for _, ch := range []string{text, voice, archived} {
		if ow, ok := w.overwrite(ch, w.alice); ok {
			t.Errorf("alice keeps an overwrite on %s: %+v", ch, ow)
		}
	}
	// Bob's access is exactly as it was.
	for _, c := range []struct {
		channel string
		bits    int64
	}{{text, memberBits}, {archived, readOnlyBits}, {voice, permView | permConnect | permSpeak}} {
		if ow, ok := w.overwrite(c.channel, w.bob); !ok || ow.Allow != c.bits {
			t.Errorf("bob's overwrite on %s: %+v %v", c.channel, ow, ok)
		}
	}
	if hits := w.scanFor(w.alice); len(hits) != 0 {
		t.Errorf("alice's id is still in %v", hits)
	}
	if hits := w.scanFor(w.bob); len(hits) < 5 {
		t.Errorf("bob's records went too: left in %v", hits)
	}
	if g := w.groupNamed(st, "Grief Circle"); g.MemberCount != 1 {
		t.Errorf("member count %d, want 1 (bob)", g.MemberCount)
	}
	fs, _ := st.Firings(ctx, grief.ID)
	if len(fs) != 1 || fs[0].Mentions[0] != w.bob || len(fs[0].Mentions) != 1 {
		t.Errorf("reminder mentions %+v, want bob alone", fs)
	}
	// Bob keeps his choice, his direct reminder and his turn; the round
	// under way keeps alice's place, naming nobody, passed.
	if d, _ := st.Export(ctx, w.guild, w.bob, w.clock.Now()); len(d.ReminderModes) != 1 || d.ReminderModes[0].Mode != "off" ||
		len(d.DirectReminders) != 1 || d.DirectReminders[0].Delivery != "sent" || len(d.Rounds) != 1 {
		t.Errorf("bob's records after alice's erasure: %+v", d)
	}
	round, err := st.OpenRound(ctx, grief.ID)
	if err != nil || len(round.Turns) != 2 {
		t.Fatalf("the round after /forget: %+v %v", round, err)
	}
	for _, turn := range round.Turns {
		if turn.UserID != w.bob && (turn.UserID != "" || turn.Outcome != "passed") {
			t.Errorf("turn %+v: want bob's, or an erased one passed", turn)
		}
	}
}

// A facilitator of a live group is told to have a moderator hand it on
// first, and nothing is erased; in Spanish too.
func TestForgetRefusesAFacilitator(t *testing.T) {
	w := newWorld(t)
	w.start()
	st := w.db()
	ctx := context.Background()
	w.group(w.mod, "create", str("name", "Grief Circle"), str("type", "open"), usr("facilitator", w.alice))
	w.group(w.mod, "create", str("name", "Night Owls"), str("type", "open"))
	w.do(w.alice, "join", str("group", "Night Owls"))
	if r := w.do(w.alice, "forget"); r.Content != en.ForgetFacilitator([]string{"Grief Circle"}) || len(buttons(t, r)) != 0 {
		t.Errorf("/forget by a facilitator: %q", r.Content)
	}
	// Made facilitator after the buttons were shown: the click is refused.
	w.group(w.mod, "edit", str("group", "Grief Circle"), usr("facilitator", w.bob))
	erase := buttons(t, w.do(w.alice, "forget"))[0]
	w.group(w.mod, "edit", str("group", "Grief Circle"), usr("facilitator", w.alice))
	w.fake.SetUserLocale(w.alice, "es-ES")
	if r := w.press(w.alice, erase); r.Type != 7 || r.Content != es.ForgetFacilitator([]string{"Grief Circle"}) {
		t.Errorf("erasing a facilitator: type %d %q", r.Type, r.Content)
	}
	owls := w.groupNamed(st, "Night Owls")
	if in, _ := st.IsMember(ctx, owls.ID, w.alice); !in {
		t.Error("the refused erasure took alice out of a group")
	}
	if p, _ := st.PendingErasures(ctx); len(p) != 0 {
		t.Errorf("an erasure was recorded: %+v", p)
	}
	if _, ok := w.overwrite(owls.ChannelID, w.alice); !ok {
		t.Error("alice lost access")
	}
}

// An erasure cut short by Discord (its overwrites cannot be removed) has
// already taken the person out of their groups; it is finished at the
// next start, and then nothing of them is left.
func TestForgetCutShortIsFinishedAtStartUp(t *testing.T) {
	w := newWorld(t)
	h := w.start()
	st := w.db()
	ctx := context.Background()
	text, voice, archived := w.placeEverywhere()
	grief := w.groupNamed(st, "Grief Circle")
	erase := buttons(t, w.do(w.alice, "forget"))[0]
	// The voice channel's overwrite is removed, the text channel's fails.
	w.fake.FailAfter("DELETE", "/channels/{channel_id}/permissions/{overwrite_id}", 1, 1000, 503)
	if r := w.press(w.alice, erase); r.Content != en.ForgetPending() || len(buttons(t, r)) != 2 {
		t.Fatalf("erase during an outage: %q", r.Content)
	}
	if in, _ := st.IsMember(ctx, grief.ID, w.alice); in {
		t.Error("alice is still a member of a group while her erasure is pending")
	}
	if p, _ := st.PendingErasures(ctx); len(p) != 1 || p[0].UserID != w.alice {
		t.Fatalf("pending erasures %+v", p)
	}
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	w.fake.ClearFaults()
	w.start()
	for _, ch := range []string{text, voice, archived} {
		if ow, ok := w.overwrite(ch, w.alice); ok {
			t.Errorf("after the restart alice keeps an overwrite on %s: %+v", ch, ow)
		}
	}
	if hits := w.scanFor(w.alice); len(hits) != 0 {
		t.Errorf("after the restart alice's id is still in %v", hits)
	}
	if ow, ok := w.overwrite(text, w.bob); !ok || ow.Allow != memberBits {
		t.Errorf("bob's overwrite: %+v %v", ow, ok)
	}
}

// Retention: the member records of a group archived more than
// groups.retention_days ago are erased by the scheduler, and the access
// Hearth left on its channel goes; a group archived since keeps them.
func TestRetentionErasesOldArchivesMemberRecords(t *testing.T) {
	w := newWorld(t)
	w.start()
	st := w.db()
	w.group(w.mod, "create", str("name", "Long Ago"), str("type", "open"), usr("facilitator", w.mod))
	w.group(w.mod, "create", str("name", "Lately"), str("type", "open"))
	for _, g := range []string{"Long Ago", "Lately"} {
		w.do(w.alice, "join", str("group", g))
		w.do(w.bob, "join", str("group", g))
	}
	old, recent := w.groupNamed(st, "Long Ago"), w.groupNamed(st, "Lately")
	w.sql(`INSERT INTO session_marks (group_id, session_at, user_id, mark, marked_at) VALUES (?, 1, ?, 'here', 1)`, old.ID, w.alice)
	// In both groups: alice's reminder choice, a reminder she got by direct
	// message and a talking round she had a turn in.
	for i, g := range []domain.Group{old, recent} {
		w.do(w.alice, "reminders", str("mode", "dm"), str("group", g.Name))
		// (its session far ahead: ended reminder records go a day after it)
		w.sql(`INSERT INTO firings (id, group_id, kind, session_at, lead_seconds, state, created_at) VALUES (?, ?, 'reminder', ?, 60, 'sent', 1)`,
			900+i, g.ID, w.clock.Now().Unix()+365*86400)
		w.sql(`INSERT INTO reminder_dms (firing_id, user_id, state) VALUES (?, ?, 'sent')`, 900+i, w.alice)
		if _, err := st.StartRound(context.Background(), g.ID, g.ChannelID, []string{w.alice, w.bob}, w.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	w.group(w.mod, "archive", str("group", "Long Ago"))
	w.clock.Advance(60 * 24 * time.Hour)
	w.group(w.mod, "archive", str("group", "Lately"))
	if ow, ok := w.overwrite(old.ChannelID, w.alice); !ok || ow.Allow != readOnlyBits {
		t.Fatalf("alice's read-only overwrite on the archive: %+v %v", ow, ok)
	}
	w.clock.Advance(31 * 24 * time.Hour) // Long Ago: 91 days; Lately: 31
	eventually(t, "the old archive's records erased", func() bool {
		members, _ := st.Members(context.Background(), old.ID)
		return len(members) == 0
	})
	eventually(t, "the old archive's overwrites removed", func() bool {
		_, a := w.overwrite(old.ChannelID, w.alice)
		_, b := w.overwrite(old.ChannelID, w.bob)
		_, m := w.overwrite(old.ChannelID, w.mod)
		return !a && !b && !m
	})
	if g, _ := st.Group(context.Background(), old.ID); g.Name != "Long Ago" || g.FacilitatorID != "" || g.CreatedBy != "" {
		t.Errorf("the old group after retention: %+v", g)
	}
	if members, _ := st.Members(context.Background(), recent.ID); len(members) != 2 {
		t.Errorf("the recent archive's members: %v", members)
	}
	if ow, ok := w.overwrite(recent.ChannelID, w.alice); !ok || ow.Allow != readOnlyBits {
		t.Errorf("alice's overwrite on the recent archive: %+v %v", ow, ok)
	}
	d, _ := st.Export(context.Background(), w.guild, w.alice, w.clock.Now())
	if len(d.Groups) != 1 || d.Groups[0].GroupID != recent.ID || len(d.Attendance) != 0 {
		t.Errorf("alice's records after retention: %+v", d)
	}
	for what, groups := range map[string][]int64{
		"reminder choices": refs(d.ReminderModes, func(r domain.ReminderModeRecord) int64 { return r.GroupID }),
		"direct reminders": refs(d.DirectReminders, func(r domain.DirectReminderRecord) int64 { return r.GroupID }),
		"round turns":      refs(d.Rounds, func(r domain.RoundRecord) int64 { return r.GroupID }),
	} {
		if len(groups) != 1 || groups[0] != recent.ID {
			t.Errorf("alice's %s after retention are of groups %v, want the recent one alone", what, groups)
		}
	}
}

// refs lists the groups of an export's records.
func refs[R any](records []R, group func(R) int64) []int64 {
	var out []int64
	for _, r := range records {
		out = append(out, group(r))
	}
	return out
}
