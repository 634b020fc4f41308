package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"hearth/domain"
)

// A group change and its plan are one transaction: when writing the plan
// fails (here a trigger stands in for a full disk), the change is not made
// either, and when it succeeds both are there.
func TestChangeAndPlanCommitTogether(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	cohort := domain.Group{GuildID: "g1", Name: "Cohort", Kind: domain.KindClosed, Schedule: "0 18 * * MON", Timezone: "UTC"}

	failPlan := `CREATE TRIGGER fail_plan BEFORE INSERT ON jobs BEGIN SELECT RAISE(ABORT, 'disk full'); END`
	if onPG {
		failPlan = `CREATE FUNCTION fail_plan() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN RAISE EXCEPTION 'disk full'; END $$;
			CREATE TRIGGER fail_plan BEFORE INSERT ON jobs FOR EACH ROW EXECUTE FUNCTION fail_plan()`
	}
	if _, err := s.db.Exec(failPlan); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateGroup(ctx, cohort, now); err == nil {
		t.Fatal("created a group whose plan could not be written")
	}
	if _, err := s.GroupByName(ctx, "g1", "Cohort"); !errors.Is(err, domain.ErrNoGroup) {
		t.Fatalf("the group exists without its plan: %v", err)
	}
	dropFail := `DROP TRIGGER fail_plan`
	if onPG {
		dropFail = `DROP TRIGGER fail_plan ON jobs`
	}
	if _, err := s.db.Exec(dropFail); err != nil {
		t.Fatal(err)
	}

	g, err := s.CreateGroup(ctx, cohort, now)
	if err != nil {
		t.Fatal(err)
	}
	first := time.Date(2026, 3, 2, 18, 0, 0, 0, time.UTC)
	jobs, err := s.Jobs(ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[domain.JobKind]time.Time{}
	for _, j := range jobs {
		kinds[j.Kind] = j.DueAt
	}
	if !kinds[domain.JobLock].Equal(first) || !kinds[domain.JobReminder].Equal(first.Add(-30*time.Minute)) || !g.LockAt.Equal(first) {
		t.Fatalf("plan = %+v, lock at %s; want a lock and a 30m reminder for %s", jobs, g.LockAt, first)
	}
	select {
	case <-s.PlanChanged():
	default:
		t.Error("the scheduler was not told the plan changed")
	}

	// Starting it by hand re-plans in the same transaction: no lock job left.
	if err := s.Lock(ctx, g.ID, now, now); err != nil {
		t.Fatal(err)
	}
	jobs, _ = s.Jobs(ctx, g.ID)
	for _, j := range jobs {
		if j.Kind == domain.JobLock {
			t.Errorf("a started group still has its lock job: %+v", jobs)
		}
	}
}

// Review findings, each a test that failed before its fix.
func TestJobIdsAreNeverReused(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	a, err := s.CreateGroup(ctx, domain.Group{GuildID: "g1", Name: "A", Kind: domain.KindOpen, Schedule: "0 18 * * *", Timezone: "UTC"}, now)
	if err != nil {
		t.Fatal(err)
	}
	old, _ := s.Jobs(ctx, a.ID)
	if _, err := s.Archive(ctx, a.ID, now); err != nil { // drops A's jobs
		t.Fatal(err)
	}
	b, err := s.CreateGroup(ctx, domain.Group{GuildID: "g2", Name: "B", Kind: domain.KindOpen, Schedule: "0 18 * * *", Timezone: "UTC"}, now)
	if err != nil {
		t.Fatal(err)
	}
	// A worker still holding A's job finishes it: B's job must stay.
	for _, j := range old {
		if err := s.FinishJob(ctx, j.ID); err != nil {
			t.Fatal(err)
		}
	}
	if jobs, _ := s.Jobs(ctx, b.ID); len(jobs) != 2 {
		t.Fatalf("group B has jobs %+v after a stale finish of A's, want its reminder and session post", jobs)
	}
}

func TestStaleReminderAdvanceAfterAScheduleChangeIsRefused(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 17, 30, 0, 0, time.UTC) // a Monday
	g, err := s.CreateGroup(ctx, domain.Group{GuildID: "g1", Name: "A", Kind: domain.KindOpen, Schedule: "0 18 * * MON", Timezone: "UTC"},
		now.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	due, _ := s.DueJobs(ctx, now, 10)                                                       // read by the loop...
	if err := s.SetSchedule(ctx, g.ID, "0 18 * * MON,THU", "UTC", "30m", now); err != nil { // ...then re-planned
		t.Fatal(err)
	}
	next := time.Date(2026, 3, 9, 18, 0, 0, 0, time.UTC) // by the old schedule
	recs, err := s.RecordFirings(ctx, []domain.FiringIntent{{Job: due[0], NextSession: next, NextDue: next.Add(-30 * time.Minute),
		Firing: domain.Firing{GroupID: g.ID, Kind: domain.JobReminder, SessionAt: due[0].SessionAt, Lead: due[0].Lead,
			State: domain.FiringSending, CreatedAt: now}}})
	if err != nil {
		t.Fatal(err)
	}
	if !recs[0].JobChanged {
		t.Fatalf("a stale advance was recorded: %+v", recs[0])
	}
}

func TestUnarchiveRestoresThePlannedLockAndRetriesTheJobInFlight(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	g, err := s.CreateGroup(ctx, domain.Group{GuildID: "g1", Name: "Cohort", Kind: domain.KindClosed, Sessions: 1,
		Schedule: "0 18 * * MON", Timezone: "UTC"}, now)
	if err != nil {
		t.Fatal(err)
	}
	jobs, _ := s.Jobs(ctx, g.ID)
	for _, j := range jobs {
		if j.Kind == domain.JobComplete {
			if ok, err := s.ClaimJob(ctx, j.ID); !ok || err != nil { // the completion in flight
				t.Fatal(ok, err)
			}
		}
	}
	undo, err := s.Archive(ctx, g.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Unarchive(ctx, g.ID, undo, now); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Group(ctx, g.ID)
	if !got.LockAt.Equal(g.LockAt) || got.LockAt.IsZero() {
		t.Errorf("lock at %s after the undo, want %s", got.LockAt, g.LockAt)
	}
	if err := s.Join(ctx, g.ID, "late", g.LockAt.Add(time.Minute), 0); !errors.Is(err, domain.ErrLocked) {
		t.Errorf("join after the planned lock: %v, want ErrLocked", err)
	}
	jobs, _ = s.Jobs(ctx, g.ID)
	for _, j := range jobs {
		if j.Kind == domain.JobComplete && (!j.DueAt.Equal(now.Add(domain.Backoff(1))) || j.Attempts != 1) {
			t.Errorf("the completion in flight came back as %+v, want due after a backoff", j)
		}
	}
}

func TestOneGroupThatCannotBePlannedDoesNotStopTheOthers(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var ids []int64
	for _, name := range []string{"Broken", "Fine"} {
		g, err := s.CreateGroup(ctx, domain.Group{GuildID: "g1", Name: name, Kind: domain.KindOpen, Schedule: "0 18 * * *", Timezone: "UTC"}, now)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, g.ID)
	}
	if _, err := s.db.Exec(`UPDATE groups SET planned_at = NULL`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`UPDATE groups SET schedule = 'not a schedule' WHERE id = ?`, ids[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`DELETE FROM jobs`); err != nil {
		t.Fatal(err)
	}
	n, err := s.ReplanUnplanned(ctx, now)
	if n != 1 || err == nil {
		t.Fatalf("planned %d, err %v; want 1 and the broken group's error", n, err)
	}
	if jobs, _ := s.Jobs(ctx, ids[1]); len(jobs) != 2 {
		t.Errorf("the fine group has jobs %+v, want its reminder and session post", jobs)
	}
}

// An archive holds its name until its channel change is done, so that
// undoing a failed one never collides with a new group of the same name
// (issue 10, defect 5).
func TestUndoingAnArchiveNeverFailsOnTheName(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	g := mustCreate(t, s, domain.Group{Name: "Grief Circle"})
	undo, err := s.Archive(ctx, g.ID, now)
	if err != nil {
		t.Fatal(err)
	}
	// Meanwhile someone creates the next cohort with the same name.
	if _, err := s.CreateGroup(ctx, domain.Group{GuildID: "g1", Name: "grief circle", Kind: domain.KindOpen, Timezone: "UTC"}, now); !errors.Is(err, domain.ErrNameTaken) {
		t.Fatalf("a new group took the name of one still being archived: %v", err)
	}
	if err := s.Unarchive(ctx, g.ID, undo, now); err != nil {
		t.Fatalf("undoing the archive: %v", err)
	}
	if got, _ := s.Group(ctx, g.ID); got.State != domain.StateActive {
		t.Fatalf("state %s after the undo", got.State)
	}
	// A finished archive frees it.
	if _, err := s.Archive(ctx, g.ID, now); err != nil {
		t.Fatal(err)
	}
	if pending, _ := s.PendingArchives(ctx); len(pending) != 1 {
		t.Fatalf("pending archives %+v, want the one in progress", pending)
	}
	if err := s.FinishArchive(ctx, g.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateGroup(ctx, domain.Group{GuildID: "g1", Name: "grief circle", Kind: domain.KindOpen, Timezone: "UTC"}, now); err != nil {
		t.Fatalf("the name is not free after the archive finished: %v", err)
	}
}
