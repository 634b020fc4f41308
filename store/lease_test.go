package store

import (
	"context"
	"testing"
	"time"

	"hearth/domain"
)

// Only the work a worker still holds has its lease renewed: the rest of
// what this process has in flight (a worker gave up on it) runs out and is
// taken over.
func TestRenewLeasesRenewsOnlyTheWorkGiven(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	now := time.Now().Truncate(time.Second)
	type held struct{ group, job, firing int64 }
	var work []held
	for _, name := range []string{"held", "given up"} {
		g := mustCreate(t, s, domain.Group{Name: name})
		session := now.Add(29 * time.Minute)
		if err := s.ReplaceJobs(ctx, g.ID, []domain.Job{
			{Kind: domain.JobReminder, SessionAt: session, Lead: 30 * time.Minute, DueAt: now.Add(-time.Minute)},
			{Kind: domain.JobComplete, SessionAt: session, DueAt: now.Add(-time.Minute)},
		}); err != nil {
			t.Fatal(err)
		}
		jobs, err := s.Jobs(ctx, g.ID)
		if err != nil || len(jobs) != 2 {
			t.Fatalf("jobs %+v, %v", jobs, err)
		}
		w := held{group: g.ID}
		for _, j := range jobs {
			if j.Kind == domain.JobComplete {
				if ok, err := s.ClaimJob(ctx, j.ID); !ok || err != nil {
					t.Fatal(ok, err)
				}
				w.job = j.ID
				continue
			}
			next := session.Add(7 * 24 * time.Hour)
			recs, err := s.RecordFirings(ctx, []domain.FiringIntent{{Job: j, NextSession: next, NextDue: next.Add(-30 * time.Minute),
				Firing: domain.Firing{GroupID: g.ID, Kind: domain.JobReminder, SessionAt: session, Lead: 30 * time.Minute,
					State: domain.FiringSending, Mentions: []string{"u1"}, CreatedAt: now}}})
			if err != nil || !recs[0].Created {
				t.Fatalf("record %+v, %v", recs, err)
			}
			w.firing = recs[0].Firing.ID
		}
		work = append(work, w)
	}
	if err := s.RenewLeases(ctx, now.Add(time.Minute), nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.RenewLeases(ctx, now.Add(time.Minute), []int64{work[0].job}, []int64{work[0].firing}); err != nil {
		t.Fatal(err)
	}
	// The given-up work's lease ran out; the held work's was renewed.
	n, err := s.TakeOverExpired(ctx, now.Add(s.LeaseTerm()+5*time.Second))
	if err != nil || n != 2 {
		t.Fatalf("took over %d, %v; want the given-up job and reminder", n, err)
	}
	for i, w := range work {
		f, err := s.Firing(ctx, w.firing)
		if err != nil {
			t.Fatal(err)
		}
		if taken := !f.RetryAt.IsZero(); taken != (i == 1) {
			t.Errorf("reminder %d: retry at %s", i, f.RetryAt)
		}
		jobs, err := s.Jobs(ctx, w.group)
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range jobs {
			if taken := !j.DueAt.IsZero(); j.ID == w.job && taken != (i == 1) {
				t.Errorf("job %d: due at %s", i, j.DueAt)
			}
		}
	}
}
