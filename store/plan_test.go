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

	if _, err := s.db.Exec(`CREATE TRIGGER fail_plan BEFORE INSERT ON jobs BEGIN SELECT RAISE(ABORT, 'disk full'); END`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateGroup(ctx, cohort, now); err == nil {
		t.Fatal("created a group whose plan could not be written")
	}
	if _, err := s.GroupByName(ctx, "g1", "Cohort"); !errors.Is(err, domain.ErrNoGroup) {
		t.Fatalf("the group exists without its plan: %v", err)
	}
	if _, err := s.db.Exec(`DROP TRIGGER fail_plan`); err != nil {
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
