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
	exec(`INSERT INTO reminder_defaults (guild_id, user_id, mode) VALUES (?, ?, 'dm'), (?, ?, 'off')`, guild, alice, guild, bob)
	exec(`INSERT INTO reminder_overrides (group_id, user_id, mode) VALUES (?, ?, 'off'), (?, ?, 'dm')`,
		archived.ID, alice, archived.ID, bob)
	exec(`INSERT INTO reminder_dms (firing_id, user_id, state) SELECT id, ?, 'closed' FROM firings WHERE group_id = ?`, alice, archived.ID)
	exec(`INSERT INTO reminder_dms (firing_id, user_id, state) SELECT id, ?, 'sent' FROM firings WHERE group_id = ?`, bob, archived.ID)
	exec(`INSERT INTO dm_notices (user_id, guild_id, told, created_at) VALUES (?, ?, 1, 5000) ON CONFLICT (user_id) DO NOTHING`, alice, guild)
	round, err := s.StartRound(ctx, archived.ID, "c1", []string{alice, bob}, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AdvanceRound(ctx, round.ID, 0, domain.TurnDone, now); err != nil {
		t.Fatal(err)
	}
	if err := s.SetUserLocale(ctx, alice, "es-ES"); err != nil {
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
		len(d.Reminders) != 1 || len(d.Facilitates) != 1 || len(d.Created) != 1 || d.Locale != "es-ES" || len(d.Access) != 1 ||
		len(d.ReminderChoices) != 2 || d.ReminderChoices[0].Group != nil || d.ReminderChoices[0].Mode != "dm" ||
		d.ReminderChoices[1].Group == nil || d.ReminderChoices[1].Group.GroupID != archived.ID || d.ReminderChoices[1].Mode != "off" ||
		len(d.DirectReminders) != 1 || d.DirectReminders[0].State != "closed" || d.DMNotice == nil || !d.DMNotice.Told ||
		len(d.Rounds) != 1 || d.Rounds[0].Outcome != domain.TurnDone || d.Rounds[0].GroupID != archived.ID {
		t.Errorf("export: %+v", d)
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
	// Her turn in the round stays, nameless, so that the round's order holds.
	var turns []string
	rows, _ := s.db.Query(`SELECT user_id FROM round_turns ORDER BY position`)
	for rows.Next() {
		var u string
		rows.Scan(&u)
		turns = append(turns, u)
	}
	rows.Close()
	if strings.Join(turns, ",") != ","+bob {
		t.Errorf("round turns %q, want alice's nameless and bob's kept", turns)
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
	if len(d.Groups) != 1 || len(d.Waiting) != 1 || len(d.Voice) != 2 {
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
		len(d.Attendance)+len(d.Voice)+len(d.Reminders)+len(d.DirectReminders)+len(d.Rounds) != 0 || len(d.Agreements) != 1 ||
		len(d.Access) != 1 || len(d.ReminderChoices) != 1 || d.ReminderChoices[0].Group != nil {
		t.Errorf("bob after retention: %+v", d)
	}
	d, _ := s.Export(ctx, "g1", alice, time.Now())
	if len(d.Waiting) != 1 || len(d.Created) != 1 || len(d.Groups) != 0 || len(d.Facilitates) != 0 || len(d.Voice) != 0 {
		t.Errorf("after retention: %+v", d)
	}
}
