package main

import (
	"context"
	"testing"
	"time"

	"hearth/domain"
)

// A process that died between changing a group and planning its jobs (as
// an older Hearth could, planning in a second step) left a group with no
// reminders and no lock. Now the change and its plan commit together, and
// start-up plans any live group left unplanned: the group still gets its
// reminder and locks on time.
func TestGroupLeftUnplannedIsPlannedAtStartUp(t *testing.T) {
	w := newWorld(t)
	h := w.start()
	w.group(w.mod, "create", str("name", "Cohort"), str("type", "closed"), num("sessions", 2),
		str("schedule", "0 18 * * *"), str("timezone", "UTC"), str("reminder", "30m"))
	w.do(w.alice, "join", str("group", "Cohort"))
	g := w.groupNamed(w.db(), "Cohort")
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}

	// The state the crash left: the group as changed, its plan never written.
	w.sql(`DELETE FROM jobs WHERE group_id = ?`, g.ID)
	w.sql(`UPDATE groups SET planned_at = NULL, lock_at = NULL WHERE id = ?`, g.ID)

	w.start()
	session := time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC) // the first session after the clock's 09:00
	st := w.db()
	eventually(t, "the group to be planned again", func() bool {
		jobs, err := st.Jobs(context.Background(), g.ID)
		return err == nil && len(jobs) == 4 // lock, reminder, completion, session post
	})
	w.clock.Set(session.Add(-30 * time.Minute))
	msgs := w.waitReminders(g.ChannelID, 1)
	if len(msgs[0].Mentions) != 1 || msgs[0].Mentions[0] != w.alice {
		t.Errorf("reminder mentions %v, want exactly alice", msgs[0].Mentions)
	}
	w.clock.Set(session.Add(time.Second))
	eventually(t, "the group to lock at its first session", func() bool {
		got, err := st.Group(context.Background(), g.ID)
		return err == nil && got.State == domain.StateLocked && got.LockedAt.Equal(session)
	})
	wantReply(t, w.do(w.bob, "join", str("group", "Cohort")), "closed to new members")
}

// A process that died mid-archive left the group archived in the database
// with its channel still writable: start-up finishes the archive, and only
// then is the name free for the next cohort.
func TestArchiveLeftHalfDoneIsFinishedAtStartUp(t *testing.T) {
	w := newWorld(t)
	h := w.start()
	w.group(w.mod, "create", str("name", "Cohort"), str("type", "open"))
	w.do(w.alice, "join", str("group", "Cohort"))
	g := w.groupNamed(w.db(), "Cohort")
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	w.sql(`UPDATE groups SET state = 'archived', archived_at = 1, archive_pending = 1 WHERE id = ?`, g.ID)

	w.start()
	const archivedAllow, archivedDeny = permView | permHistory, permSend
	eventually(t, "alice's overwrite to be made read-only", func() bool {
		ow, ok := w.overwrite(g.ChannelID, w.alice)
		return ok && ow.Allow == archivedAllow && ow.Deny == archivedDeny
	})
	st := w.db()
	eventually(t, "the archive to be recorded as finished", func() bool {
		pending, err := st.PendingArchives(context.Background())
		return err == nil && len(pending) == 0
	})
	wantReply(t, w.group(w.mod, "create", str("name", "Cohort"), str("type", "open")), "Created")
	if w.groupNamed(st, "Cohort").ID == g.ID {
		t.Error("the archived group is live again")
	}
}

// channelsNamed counts a server's channels of that name.
func (w *world) channelsNamed(name string) int {
	n := 0
	for _, ch := range w.fake.Channels(w.guild) {
		if ch.Name == name {
			n++
		}
	}
	return n
}

// A process that died after Discord made a group's channel, before the
// channel's id was stored, left a channel the database does not know:
// start-up adopts it instead of making a second one. A channel another
// group has (an archived cohort of the same name) is never adopted.
func TestChannelMadeButNotRecordedIsAdoptedAtStartUp(t *testing.T) {
	w := newWorld(t)
	h := w.start()
	st := w.db()
	w.group(w.mod, "create", str("name", "Cohort"), str("type", "open"))
	w.group(w.mod, "archive", str("group", "Cohort")) // its read-only channel "cohort" stays
	w.group(w.mod, "create", str("name", "Cohort"), str("type", "open"))
	w.group(w.mod, "create", str("name", "Grief Circle"), str("type", "open"))
	grief, cohort := w.groupNamed(st, "Grief Circle"), w.groupNamed(st, "Cohort")
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	// Grief Circle's channel was made but not recorded; Cohort's (the new
	// one) was never made at all.
	w.sql(`UPDATE groups SET channel_id = '' WHERE id IN (?, ?)`, grief.ID, cohort.ID)
	w.fake.DeleteChannel(cohort.ChannelID)

	w.start()
	if got := w.groupNamed(st, "Grief Circle"); got.ChannelID != grief.ChannelID {
		t.Errorf("Grief Circle's channel is %q, want the one made before the crash, %q", got.ChannelID, grief.ChannelID)
	}
	if n := w.channelsNamed("grief-circle"); n != 1 {
		t.Errorf("%d channels named grief-circle, want 1", n)
	}
	wantReply(t, w.do(w.alice, "join", str("group", "Grief Circle")), "Welcome")
	if ow, ok := w.overwrite(grief.ChannelID, w.alice); !ok || ow.Allow != memberAllow {
		t.Errorf("alice's overwrite on the adopted channel = %+v, %v", ow, ok)
	}
	got := w.groupNamed(st, "Cohort")
	if got.ChannelID == "" || got.ChannelID == cohort.ChannelID {
		t.Fatalf("the new Cohort's channel is %q", got.ChannelID)
	}
	archived, _ := st.ArchivedGroups(context.Background(), w.guild)
	if len(archived) != 1 || got.ChannelID == archived[0].ChannelID {
		t.Errorf("the new Cohort took the archived cohort's channel")
	}
}
