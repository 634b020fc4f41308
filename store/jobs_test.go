package store

import (
	"hearth/domain"

	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestJobsNextWakeAndClaims(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	g := mustCreate(t, s, domain.Group{Name: "a"})
	t0 := time.Date(2026, 3, 2, 17, 0, 0, 0, time.UTC)
	if _, ok, err := s.NextWake(ctx); ok || err != nil {
		t.Fatalf("empty database: wake %v, %v", ok, err)
	}
	jobs := []domain.Job{
		{Kind: domain.JobReminder, SessionAt: t0.Add(time.Hour), Lead: 30 * time.Minute, DueAt: t0.Add(30 * time.Minute)},
		{Kind: domain.JobReminder, SessionAt: t0.Add(time.Hour), Lead: 0, DueAt: t0.Add(time.Hour), UntilAt: t0.Add(48 * time.Hour)},
		{Kind: domain.JobComplete, SessionAt: t0.Add(2 * time.Hour), DueAt: t0.Add(2 * time.Hour)},
	}
	if err := s.ReplaceJobs(ctx, g.ID, jobs); err != nil {
		t.Fatal(err)
	}
	if at, ok, _ := s.NextWake(ctx); !ok || !at.Equal(t0.Add(30*time.Minute)) {
		t.Errorf("next wake %s %v", at, ok)
	}
	due, _ := s.DueJobs(ctx, t0.Add(time.Hour), 10)
	if len(due) != 2 || due[0].Lead != 30*time.Minute || !due[1].UntilAt.Equal(t0.Add(48*time.Hour)) {
		t.Fatalf("due %+v", due)
	}
	// A claimed job is not due again, and start-up makes it due.
	if ok, err := s.ClaimJob(ctx, due[0].ID); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if ok, _ := s.ClaimJob(ctx, due[0].ID); ok {
		t.Error("claimed twice")
	}
	if again, _ := s.DueJobs(ctx, t0.Add(time.Hour), 10); len(again) != 1 {
		t.Errorf("due after claim: %+v", again)
	}
	if n, err := s.RecoverInFlight(ctx, t0); n != 1 || err != nil {
		t.Errorf("recovered %d, %v", n, err)
	}
	// Advancing checks that nobody changed the job meanwhile.
	if err := s.AdvanceJob(ctx, due[1], t0.Add(25*time.Hour), t0.Add(25*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.AdvanceJob(ctx, due[1], t0.Add(49*time.Hour), t0.Add(49*time.Hour)); !errors.Is(err, domain.ErrJobChanged) {
		t.Errorf("stale advance: %v", err)
	}
	// Deleting the group drops its jobs.
	if err := s.DeleteGroup(ctx, g.ID); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.NextWake(ctx); ok {
		t.Error("jobs outlived their group")
	}
}

func TestFiringIsRecordedOnce(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	g := mustCreate(t, s, domain.Group{Name: "a"})
	session := time.Date(2026, 3, 2, 18, 0, 0, 0, time.UTC)
	if err := s.ReplaceJobs(ctx, g.ID, []domain.Job{{Kind: domain.JobReminder, SessionAt: session, Lead: time.Hour, DueAt: session.Add(-time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	jobs, _ := s.Jobs(ctx, g.ID)
	f := domain.Firing{GroupID: g.ID, Kind: domain.JobReminder, SessionAt: session, Lead: time.Hour, State: domain.FiringSending,
		Mentions: []string{"u1", "u2"}, CreatedAt: session.Add(-time.Hour)}
	next := session.AddDate(0, 0, 7)
	rec, created, err := s.RecordFiring(ctx, jobs[0], f, next, next.Add(-time.Hour))
	if err != nil || !created {
		t.Fatalf("first record: %v %v", created, err)
	}
	// The same job replayed (as after a reschedule) records nothing new.
	if err := s.ReplaceJobs(ctx, g.ID, []domain.Job{{Kind: domain.JobReminder, SessionAt: session, Lead: time.Hour, DueAt: session.Add(-time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	jobs, _ = s.Jobs(ctx, g.ID)
	if _, created, err := s.RecordFiring(ctx, jobs[0], f, next, next.Add(-time.Hour)); err != nil || created {
		t.Fatalf("second record: created %v, %v", created, err)
	}
	// In flight (no retry time), then an attempt, then a failure to retry.
	if due, _ := s.DueFirings(ctx, next, 10); len(due) != 0 {
		t.Errorf("in-flight firing is due: %+v", due)
	}
	at := session.Add(-time.Hour)
	if ok, err := s.BeginAttempt(ctx, rec.ID, at); err != nil || !ok {
		t.Fatal(err)
	}
	if ok, err := s.BeginAttempt(ctx, rec.ID, at.Add(time.Minute)); err != nil || !ok {
		t.Fatal(err)
	}
	got, _ := s.Firing(ctx, rec.ID)
	if !got.AttemptAt.Equal(at) || got.Attempts != 2 || len(got.Mentions) != 2 {
		t.Errorf("after attempts: %+v", got)
	}
	if err := s.RetryFiring(ctx, rec.ID, at.Add(time.Minute), false); err != nil {
		t.Fatal(err)
	}
	if due, _ := s.DueFirings(ctx, at.Add(time.Minute), 10); len(due) != 1 || !due[0].AttemptAt.Equal(at) {
		t.Errorf("due after an unknown outcome: %+v", due)
	}
	if ok, _ := s.ClaimFiring(ctx, rec.ID); !ok {
		t.Error("could not claim")
	}
	if err := s.PartSent(ctx, rec.ID, 1, false, at); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishFiring(ctx, rec.ID, domain.FiringSent, at); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.ClaimFiring(ctx, rec.ID); ok {
		t.Error("claimed a finished firing")
	}
	got, _ = s.Firing(ctx, rec.ID)
	if got.State != domain.FiringSent || got.PartsSent != 1 {
		t.Errorf("finished: %+v", got)
	}
	if _, err := s.Firing(ctx, rec.ID+100); !errors.Is(err, domain.ErrNoFiring) {
		t.Errorf("missing firing: %v", err)
	}
}

// Start-up reads the next due time through an index, whatever the number
// of jobs.
func TestNextWakeUsesIndexes(t *testing.T) {
	sqliteOnly(t, "SQLite's EXPLAIN QUERY PLAN")
	s := openTest(t)
	ctx := context.Background()
	for _, q := range []string{
		`EXPLAIN QUERY PLAN SELECT due_at FROM jobs WHERE due_at IS NOT NULL AND (lease_until IS NULL OR lease_until <= due_at)
			ORDER BY due_at LIMIT 1`,
		`EXPLAIN QUERY PLAN SELECT retry_at FROM firings WHERE state = 'sending' AND retry_at IS NOT NULL
			AND (lease_until IS NULL OR lease_until <= retry_at) ORDER BY retry_at LIMIT 1`,
		`EXPLAIN QUERY PLAN SELECT min(lease_until) FROM jobs WHERE lease_until IS NOT NULL`,
		`EXPLAIN QUERY PLAN SELECT id FROM jobs WHERE due_at <= 5 ORDER BY due_at LIMIT 10`,
	} {
		rows, err := s.db.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var plan string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan += detail + "; "
		}
		rows.Close()
		if !strings.Contains(plan, "USING INDEX") && !strings.Contains(plan, "USING COVERING INDEX") {
			t.Errorf("%s: plan %q scans", q, plan)
		}
	}
}

// Ended firings forget who was mentioned, and old ones are pruned; one
// still being sent, and recent ones, stay.
func TestEndedFiringsForgetMembersAndArePruned(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	g := mustCreate(t, s, domain.Group{Name: "a"})
	session := time.Date(2026, 3, 2, 18, 0, 0, 0, time.UTC)
	record := func(lead time.Duration, sessionAt time.Time) domain.Firing {
		t.Helper()
		if err := s.ReplaceJobs(ctx, g.ID, []domain.Job{{Kind: domain.JobReminder, SessionAt: sessionAt, Lead: lead, DueAt: sessionAt.Add(-lead)}}); err != nil {
			t.Fatal(err)
		}
		jobs, _ := s.Jobs(ctx, g.ID)
		f := domain.Firing{GroupID: g.ID, Kind: domain.JobReminder, SessionAt: sessionAt, Lead: lead, State: domain.FiringSending,
			Mentions: []string{"u1"}, CreatedAt: sessionAt.Add(-lead)}
		rec, _, err := s.RecordFiring(ctx, jobs[0], f, sessionAt.AddDate(0, 0, 7), sessionAt.AddDate(0, 0, 7).Add(-lead))
		if err != nil {
			t.Fatal(err)
		}
		return rec
	}
	old := record(time.Hour, session)
	pending := record(30*time.Minute, session)
	recent := record(time.Hour, session.AddDate(0, 0, 7))
	s.FinishFiring(ctx, old.ID, domain.FiringSent, session)
	s.FinishFiring(ctx, recent.ID, domain.FiringSkipped, session)
	if got, _ := s.Firing(ctx, old.ID); len(got.Mentions) != 0 {
		t.Errorf("an ended firing keeps its mentions: %v", got.Mentions)
	}
	n, err := s.PruneFirings(ctx, session.AddDate(0, 0, 1))
	if err != nil || n != 1 {
		t.Fatalf("pruned %d (err %v), want 1", n, err)
	}
	if _, err := s.Firing(ctx, pending.ID); err != nil {
		t.Errorf("a firing still being sent was pruned: %v", err)
	}
	if _, err := s.Firing(ctx, recent.ID); err != nil {
		t.Errorf("a recent firing was pruned: %v", err)
	}
}

// A closed group without a start locks at its first session: from then on
// a join is refused even before the scheduler has carried out the lock.
func TestJoinRefusedOnceTheLockIsDue(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	first := time.Date(2026, 3, 2, 18, 0, 0, 0, time.UTC) // a Monday
	g, err := s.CreateGroup(ctx, domain.Group{GuildID: "g1", Name: "Cohort", Kind: domain.KindClosed,
		Schedule: "0 18 * * MON", Timezone: "UTC"}, first.Add(-24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !g.LockAt.Equal(first) {
		t.Fatalf("planned lock at %s, want the first session %s", g.LockAt, first)
	}
	if err := s.Join(ctx, g.ID, "early", first.Add(-time.Minute), 0); err != nil {
		t.Fatalf("join before the first session: %v", err)
	}
	if err := s.Join(ctx, g.ID, "late", first.Add(time.Second), 0); !errors.Is(err, domain.ErrLocked) {
		t.Fatalf("join after the first session began: %v, want ErrLocked", err)
	}
}

// A job claimed while due and never given back (its process was stopped
// between the claim and the release) can be taken when its lease runs out:
// the next wake is then, not its past due time, which would wake the loop
// again at once for as long as the lease holds. The process that claimed
// it takes it back at once when it starts again; another waits.
func TestAJobClaimedAndNotReleasedWakesAtItsLeaseEnd(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	g := mustCreate(t, s, domain.Group{Name: "a"})
	t0 := time.Date(2026, 3, 2, 17, 0, 0, 0, time.UTC)
	if err := s.ReplaceJobs(ctx, g.ID, []domain.Job{{Kind: domain.JobSessionStart, SessionAt: t0, DueAt: t0}}); err != nil {
		t.Fatal(err)
	}
	s.SetLease("process-a", time.Minute)
	if jobs, err := s.ClaimDueJobs(ctx, t0, 10); err != nil || len(jobs) != 1 {
		t.Fatalf("claimed %+v, %v; want the one job", jobs, err)
	}
	leaseEnd := t0.Add(time.Minute)
	if at, ok, err := s.NextWake(ctx); err != nil || !ok || !at.Equal(leaseEnd) {
		t.Errorf("next wake %s (%v, %v), want %s, when the lease runs out", at, ok, err, leaseEnd)
	}

	s.SetLease("process-b", time.Minute) // another process, starting meanwhile
	if _, err := s.RecoverInFlight(ctx, t0.Add(10*time.Second)); err != nil {
		t.Fatal(err)
	}
	if jobs, err := s.ClaimDueJobs(ctx, t0.Add(10*time.Second), 10); err != nil || len(jobs) != 0 {
		t.Errorf("another process claimed %+v (%v) while process-a's lease holds", jobs, err)
	}
	if at, _, _ := s.NextWake(ctx); !at.Equal(leaseEnd) {
		t.Errorf("next wake %s, want %s", at, leaseEnd)
	}

	s.SetLease("process-a", time.Minute) // the claimer, restarted
	if _, err := s.RecoverInFlight(ctx, t0.Add(20*time.Second)); err != nil {
		t.Fatal(err)
	}
	if at, _, _ := s.NextWake(ctx); !at.Equal(t0) {
		t.Errorf("next wake %s after the claimer restarted, want its due time %s", at, t0)
	}
	if jobs, err := s.ClaimDueJobs(ctx, t0.Add(20*time.Second), 10); err != nil || len(jobs) != 1 {
		t.Errorf("the restarted claimer took %+v (%v), want the job back at once", jobs, err)
	}
}
