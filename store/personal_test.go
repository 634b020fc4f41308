package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"hearth/domain"
)

// holdsPerson tells the columns that hold a person's id by their name.
func holdsPerson(column string) bool {
	if column == "claimed_by" {
		return false // a process's name, holding a lease on work
	}
	return column == "user_id" || strings.HasSuffix(column, "_user_id") || strings.HasSuffix(column, "_by") ||
		column == "mentions" || strings.HasSuffix(column, "_mentions") || column == "facilitator_id"
}

// Every column that holds a person's id is in the registry that /mydata,
// /forget and retention read: a new table holding people fails here until
// it has its entry.
func TestEveryColumnHoldingAPersonIsRegistered(t *testing.T) {
	s := openTest(t)
	registered := map[string]bool{}
	for _, c := range people {
		registered[c.table+"."+c.column] = true
	}
	found := 0
	for _, table := range tableNames(t, s) {
		for _, col := range columnNames(t, s, table) {
			if !holdsPerson(col) {
				continue
			}
			found++
			if !registered[table+"."+col] {
				t.Errorf("%s.%s holds a person's id but is not in store.people: add it (export, erasure, retention)", table, col)
			}
		}
	}
	if found < len(people) {
		t.Errorf("found %d columns holding people, fewer than the %d registered: is a registered one gone?", found, len(people))
	}
}

// tableNames lists the database's tables, in either dialect.
func tableNames(t *testing.T, s *Store) []string {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`
	if s.Postgres() {
		q = `SELECT table_name FROM information_schema.tables
			WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`
	}
	tables, err := s.queryStrings(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	return tables
}

// columnNames lists a table's columns, in either dialect.
func columnNames(t *testing.T, s *Store, table string) []string {
	t.Helper()
	q := `SELECT name FROM pragma_table_info(?)`
	if s.Postgres() {
		q = `SELECT column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position`
	}
	columns, err := s.queryStrings(context.Background(), q, table)
	if err != nil {
		t.Fatal(err)
	}
	return columns
}

const alice, bob = "4242424242", "5353535353"

// fill puts alice (and bob beside her) in every table that can hold a
// person, in guild, and returns the groups.
func fill(t *testing.T, s *Store, guild string) (live, archived domain.Group) {
	t.Helper()
	ctx := context.Background()
	now := time.Unix(1_800_000_000, 0)
	live = mustCreate(t, s, domain.Group{GuildID: guild, Name: "Live", Capacity: 1, CreatedBy: alice})
	archived = mustCreate(t, s, domain.Group{GuildID: guild, Name: "Old", FacilitatorID: alice})
	for _, g := range []domain.Group{live, archived} {
		if _, err := s.SetGuidelines(ctx, g.ID, "Be kind"); err != nil {
			t.Fatal(err)
		}
		if err := s.Join(ctx, g.ID, bob, now, 1); err != nil && g.ID == archived.ID {
			t.Fatal(err)
		}
	}
	if err := s.Join(ctx, archived.ID, alice, now, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddWaiting(ctx, live.ID, alice, domain.SeatList, now); err != nil {
		t.Fatal(err)
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := s.db.ExecContext(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	exec(`INSERT INTO offers (group_id, user_id, state, offered_at, expires_at, waited_since) VALUES (?, ?, 'declined', 1, 2, 0)`, live.ID, alice)
	exec(`INSERT INTO voice_intervals (group_id, user_id, joined_at, left_at) VALUES (?, ?, 100, 200), (?, ?, 300, NULL), (?, ?, 100, 250)`,
		archived.ID, alice, archived.ID, alice, archived.ID, bob)
	exec(`INSERT INTO session_marks (group_id, session_at, user_id, mark, marked_at) VALUES (?, 1000, ?, 'here', 1001), (?, 1000, ?, 'excused', 900)`,
		archived.ID, alice, archived.ID, bob)
	exec(`INSERT INTO firings (group_id, kind, session_at, lead_seconds, state, mentions, created_at)
		VALUES (?, 'reminder', 5000, 60, 'sending', ?, 1)`, archived.ID, bob+" "+alice+" 777")
	if err := s.SetUserLocale(ctx, alice, "es-ES"); err != nil {
		t.Fatal(err)
	}
	// Reminder choices, a direct reminder (alice's DMs closed: a notice)
	// and talking rounds: one ended in the old group, one under way.
	for _, m := range []struct {
		user  string
		group int64
		mode  domain.ReminderMode
	}{{alice, 0, domain.RemindDM}, {alice, archived.ID, domain.RemindOff}, {bob, archived.ID, domain.RemindDM}} {
		if err := s.SetReminderMode(ctx, guild, m.user, m.group, m.mode); err != nil {
			t.Fatal(err)
		}
	}
	var firing int64
	if err := s.db.QueryRowContext(ctx, `SELECT id FROM firings WHERE group_id = ?`, archived.ID).Scan(&firing); err != nil {
		t.Fatal(err)
	}
	exec(`INSERT INTO reminder_dms (firing_id, user_id, state) VALUES (?, ?, 'sending'), (?, ?, 'sending')`, firing, alice, firing, bob)
	if err := s.FinishDM(ctx, firing, guild, alice, "closed", now); err != nil {
		t.Fatal(err)
	}
	old, err := s.StartRound(ctx, archived.ID, "c-old", []string{bob, alice}, now)
	if err != nil {
		t.Fatal(err)
	}
	for pos, outcome := range []string{domain.TurnDone, domain.TurnPassed} {
		if _, err := s.AdvanceRound(ctx, old.ID, pos, outcome, now); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.StartRound(ctx, live.ID, "c-live", []string{alice, bob}, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Archive(ctx, archived.ID, now); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishArchive(ctx, archived.ID); err != nil {
		t.Fatal(err)
	}
	return live, archived
}

// scan finds id in any text or integer column of any table.
func scan(t *testing.T, s *Store, id string) []string {
	t.Helper()
	ctx := context.Background()
	var hits []string
	for _, table := range tableNames(t, s) {
		for _, col := range columnNames(t, s, table) {
			var n int
			q := fmt.Sprintf(`SELECT count(*) FROM %q WHERE CAST(%q AS TEXT) LIKE ?`, table, col)
			if err := s.db.QueryRowContext(ctx, q, "%"+id+"%").Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n > 0 {
				hits = append(hits, fmt.Sprintf("%s.%s (%d rows)", table, col, n))
			}
		}
	}
	return hits
}

func TestExportHasThePersonOnly(t *testing.T) {
	s := openTest(t)
	live, archived := fill(t, s, "g1")
	d, err := s.Export(context.Background(), "g1", alice, time.Unix(1_900_000_000, 0))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Groups) != 1 || d.Groups[0].GroupID != archived.ID || len(d.Waiting) != 1 || d.Waiting[0].GroupID != live.ID ||
		len(d.Offers) != 1 || len(d.Agreements) != 1 || len(d.Attendance) != 1 || len(d.Voice) != 2 || d.Voice[1].LeftAt != nil ||
		len(d.Reminders) != 1 || len(d.Facilitates) != 1 || len(d.Created) != 1 || d.Locale != "es-ES" || len(d.Access) != 1 {
		t.Errorf("export: %+v", d)
	}
	if d.ReminderDefault != domain.RemindDM || len(d.ReminderModes) != 1 || d.ReminderModes[0].Mode != domain.RemindOff ||
		d.ReminderModes[0].GroupID != archived.ID {
		t.Errorf("reminder choice: %q %+v", d.ReminderDefault, d.ReminderModes)
	}
	if len(d.DirectReminders) != 1 || d.DirectReminders[0].Delivery != "closed" || d.DirectReminders[0].GroupID != archived.ID ||
		d.DirectReminders[0].SessionAt != time.Unix(5000, 0).UTC() {
		t.Errorf("direct reminders: %+v", d.DirectReminders)
	}
	if d.DMNotice == nil || d.DMNotice.Told || d.DMNotice.Since != time.Unix(1_800_000_000, 0).UTC() {
		t.Errorf("DM notice: %+v", d.DMNotice)
	}
	if len(d.Rounds) != 2 || d.Rounds[0].GroupID != archived.ID || d.Rounds[0].Outcome != domain.TurnPassed ||
		d.Rounds[1].GroupID != live.ID || d.Rounds[1].Outcome != "" || d.Rounds[1].StartedAt != time.Unix(1_800_003_600, 0).UTC() {
		t.Errorf("rounds: %+v", d.Rounds)
	}
	if b, _ := s.Export(context.Background(), "g1", bob, time.Now()); b.DMNotice != nil || b.ReminderDefault != "" ||
		len(b.DirectReminders) != 1 || b.DirectReminders[0].Delivery != "sending" || len(b.Rounds) != 2 {
		t.Errorf("bob's export: %+v", b)
	}
	if strings.Contains(fmt.Sprintf("%+v", d), bob) {
		t.Errorf("the export names bob: %+v", d)
	}
}

func TestEraseLeavesNoTraceAndOtherServersAlone(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	live, _ := fill(t, s, "g1")
	if err := s.BeginErasure(ctx, "g1", alice, time.Now()); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.PendingErasures(ctx); len(p) != 1 || p[0].UserID != alice {
		t.Fatalf("pending: %+v", p)
	}
	if err := s.Erase(ctx, "g1", alice); err != nil {
		t.Fatal(err)
	}
	if hits := scan(t, s, alice); len(hits) != 0 {
		t.Errorf("alice is still in %v", hits)
	}
	if hits := scan(t, s, bob); len(hits) == 0 {
		t.Error("bob was erased too")
	}
	if p, _ := s.PendingErasures(ctx); len(p) != 0 {
		t.Errorf("erasure left pending: %+v", p)
	}
	var mentions string
	s.db.QueryRow(`SELECT mentions FROM firings`).Scan(&mentions)
	if mentions != bob+" 777" {
		t.Errorf("mentions %q, want bob and 777 kept", mentions)
	}
	if g, _ := s.Group(ctx, live.ID); g.Name != "Live" {
		t.Errorf("the group went: %+v", g)
	}
	// The round under way keeps its shape: alice's turn is blanked and
	// passed where it was; bob's is his.
	if r, err := s.OpenRound(ctx, live.ID); err != nil || r.Position != 0 || len(r.Turns) != 2 ||
		r.Turns[0] != (domain.Turn{Outcome: domain.TurnPassed}) || r.Turns[1] != (domain.Turn{UserID: bob}) {
		t.Errorf("the live round after erasure: %+v %v", r, err)
	}
	if d, _ := s.Export(ctx, "g1", bob, time.Now()); len(d.DirectReminders) != 1 || len(d.Rounds) != 2 || len(d.ReminderModes) != 1 {
		t.Errorf("bob's records after alice's erasure: %+v", d)
	}

	// In another server, alice's records stay (her locale, kept across
	// servers, goes with the first erasure).
	s2 := openTest(t)
	fill(t, s2, "g1")
	fill(t, s2, "g2")
	if err := s2.BeginErasure(ctx, "g2", alice, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s2.Erase(ctx, "g2", alice); err != nil {
		t.Fatal(err)
	}
	d, _ := s2.Export(ctx, "g1", alice, time.Now())
	if len(d.Groups) != 1 || len(d.Waiting) != 1 || len(d.Voice) != 2 || d.ReminderDefault != domain.RemindDM ||
		len(d.ReminderModes) != 1 || len(d.DirectReminders) != 1 || d.DMNotice == nil || len(d.Rounds) != 2 {
		t.Errorf("g1's records of alice went with g2's erasure: %+v", d)
	}
}

func TestFacilitatorIsNotErased(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	g := mustCreate(t, s, domain.Group{Name: "Led", FacilitatorID: alice})
	if err := s.Join(ctx, mustCreate(t, s, domain.Group{Name: "Other"}).ID, alice, time.Now(), 0); err != nil {
		t.Fatal(err)
	}
	if err := s.BeginErasure(ctx, "g1", alice, time.Now()); !errors.Is(err, domain.ErrFacilitates) {
		t.Fatalf("got %v, want ErrFacilitates", err)
	}
	if p, _ := s.PendingErasures(ctx); len(p) != 0 {
		t.Errorf("recorded: %+v", p)
	}
	if d, _ := s.Export(ctx, "g1", alice, time.Now()); len(d.Groups) != 1 {
		t.Errorf("left a group: %+v", d.Groups)
	}
	if names, _ := s.FacilitatedGroups(ctx, "g1", alice); len(names) != 1 || names[0] != g.Name {
		t.Errorf("facilitated: %v", names)
	}
}

func TestRetentionClearsOnlyOldArchives(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	live, archived := fill(t, s, "g1")
	at := time.Unix(1_800_000_000, 0)
	if got, _ := s.ExpiredArchives(ctx, at, 10); len(got) != 0 {
		t.Errorf("archived at the cut-off: %+v", got)
	}
	got, err := s.ExpiredArchives(ctx, at.Add(time.Second), 10)
	if err != nil || len(got) != 1 || got[0].GroupID != archived.ID || strings.Join(got[0].UserIDs, " ") != alice+" "+bob {
		t.Fatalf("expired: %+v %v", got, err)
	}
	if err := s.ClearArchivedGroup(ctx, archived.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.ClearArchivedGroup(ctx, live.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.ExpiredArchives(ctx, at.Add(time.Second), 10); len(got) != 0 {
		t.Errorf("still expired: %+v", got)
	}
	// Bob keeps only the live group; alice still waits for it and created it.
	if d, _ := s.Export(ctx, "g1", bob, time.Now()); len(d.Groups) != 1 || d.Groups[0].GroupID != live.ID ||
		len(d.Attendance)+len(d.Voice)+len(d.Reminders)+len(d.ReminderModes)+len(d.DirectReminders) != 0 ||
		len(d.Agreements) != 1 || len(d.Access) != 1 || len(d.Rounds) != 1 || d.Rounds[0].GroupID != live.ID {
		t.Errorf("bob after retention: %+v", d)
	}
	d, _ := s.Export(ctx, "g1", alice, time.Now())
	if len(d.Waiting) != 1 || len(d.Created) != 1 || len(d.Groups) != 0 || len(d.Facilitates) != 0 || len(d.Voice) != 0 ||
		len(d.ReminderModes)+len(d.DirectReminders) != 0 || len(d.Rounds) != 1 || d.Rounds[0].GroupID != live.ID {
		t.Errorf("after retention: %+v", d)
	}
	// Kept: her choice for every group and the notice are the server's,
	// not the old group's.
	if d.ReminderDefault != domain.RemindDM || d.DMNotice == nil {
		t.Errorf("retention took a server-wide record: %q %+v", d.ReminderDefault, d.DMNotice)
	}
	// The old round keeps its turns, naming nobody; the direct messages
	// went (with the firing kept).
	var turns, named, dms int
	s.db.QueryRowContext(ctx, `SELECT count(*), count(NULLIF(t.user_id, '')) FROM round_turns t JOIN rounds r ON r.id = t.round_id
		WHERE r.group_id = ?`, archived.ID).Scan(&turns, &named)
	s.db.QueryRowContext(ctx, `SELECT count(*) FROM reminder_dms`).Scan(&dms)
	if turns != 2 || named != 0 || dms != 0 {
		t.Errorf("old round: %d turns, %d naming someone; %d direct reminders left", turns, named, dms)
	}
}

// Erasing someone from a round under way keeps the round going: their
// turn stays in its place, passed and naming nobody; the round steps over
// it; two people erased from one round do not collide.
func TestErasingATurnKeepsTheRound(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	const carol, dave = "6464646464", "7575757575"
	now := time.Unix(1_800_000_000, 0)
	g := mustCreate(t, s, domain.Group{Name: "Circle"})
	r, err := s.StartRound(ctx, g.ID, "c", []string{bob, alice, carol, dave}, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{alice, carol} {
		if err := s.Erase(ctx, "g1", who); err != nil {
			t.Fatal(err)
		}
	}
	// Bob speaks; the round moves past alice and carol to dave.
	r, err = s.AdvanceRound(ctx, r.ID, 0, domain.TurnDone, now)
	if err != nil || r.Position != 3 || r.Speaker() != dave || r.Ended {
		t.Fatalf("after bob: %+v %v", r, err)
	}
	want := []domain.Turn{{UserID: bob, Outcome: domain.TurnDone}, {Outcome: domain.TurnPassed}, {Outcome: domain.TurnPassed},
		{UserID: dave}}
	if fmt.Sprint(r.Turns) != fmt.Sprint(want) {
		t.Errorf("turns %+v, want %+v", r.Turns, want)
	}
	// Dave, the speaker, is erased: the turn waits on the facilitator, whose
	// press keeps it passed and ends the round.
	if err := s.Erase(ctx, "g1", dave); err != nil {
		t.Fatal(err)
	}
	if r, _ = s.Round(ctx, r.ID); r.Position != 3 || r.Speaker() != "" || r.Turns[3].Outcome != domain.TurnPassed {
		t.Errorf("after dave's erasure: %+v", r)
	}
	r, err = s.AdvanceRound(ctx, r.ID, 3, domain.TurnDone, now)
	if err != nil || !r.Ended || r.Position != 4 || r.Turns[3] != (domain.Turn{Outcome: domain.TurnPassed}) {
		t.Errorf("the facilitator's press: %+v %v", r, err)
	}
	// A new round, and a late comer, still work around erased turns.
	if err := s.Join(ctx, g.ID, carol, now, 0); err != nil {
		t.Fatal(err)
	}
	r, err = s.StartRound(ctx, g.ID, "c", []string{bob}, now)
	if err != nil {
		t.Fatal(err)
	}
	if r, err = s.AddToRound(ctx, g.ID, carol); err != nil || len(r.Turns) != 2 || r.Turns[1].UserID != carol {
		t.Errorf("late comer: %+v %v", r, err)
	}
}
