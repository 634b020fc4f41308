package store

import (
	"hearth/domain"

	"context"
	"slices"
	"testing"
	"time"
)

func TestRecordFiringsInOneTransaction(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	t0 := time.Date(2026, 3, 2, 17, 0, 0, 0, time.UTC)
	var groups []domain.Group
	for _, name := range []string{"a", "b", "c", "d"} {
		g := mustCreate(t, s, domain.Group{Name: name})
		groups = append(groups, g)
	}
	for i := len(groups) - 1; i >= 0; i-- { // jobs made in reverse: their ids do not follow the groups'
		if err := s.ReplaceJobs(ctx, groups[i].ID, []domain.Job{{Kind: domain.JobReminder, SessionAt: t0.Add(time.Hour),
			Lead: time.Hour, DueAt: t0}}); err != nil {
			t.Fatal(err)
		}
	}
	due, err := s.DueJobs(ctx, t0, 10)
	if err != nil || len(due) != 4 {
		t.Fatalf("due %v, %v", due, err)
	}
	for i, j := range due {
		if j.GroupID != groups[i].ID {
			t.Fatalf("due jobs of one second not in group order: %+v", due)
		}
	}
	firing := func(j domain.Job) domain.Firing {
		return domain.Firing{GroupID: j.GroupID, Kind: domain.JobReminder, SessionAt: j.SessionAt, Lead: j.Lead,
			State: domain.FiringSending, Mentions: []string{"u1", "u2"}, CreatedAt: t0}
	}
	next := t0.Add(25 * time.Hour)
	// b's reminder was recorded before; c's job changed since it was read.
	if _, created, err := s.RecordFiring(ctx, due[1], firing(due[1]), next, next.Add(-time.Hour)); err != nil || !created {
		t.Fatal(created, err)
	}
	stale := due[2]
	if err := s.AdvanceJob(ctx, stale, next, next.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	var intents []domain.FiringIntent
	for _, j := range due {
		intents = append(intents, domain.FiringIntent{Job: j, Firing: firing(j), NextSession: next, NextDue: next.Add(-time.Hour)})
	}
	intents[1].Job.SessionAt = next // b's job as it is now, so that its advance applies
	intents[3].NextSession = time.Time{}
	recs, err := s.RecordFirings(ctx, intents)
	if err != nil {
		t.Fatal(err)
	}
	got := []bool{recs[0].Created, recs[1].Created, recs[2].Created, recs[3].Created}
	if !slices.Equal(got, []bool{true, false, false, true}) || !recs[2].JobChanged || recs[0].JobChanged || recs[0].Firing.ID == 0 {
		t.Fatalf("records %+v", recs)
	}
	if f, err := s.Firing(ctx, recs[0].Firing.ID); err != nil || !slices.Equal(f.Mentions, []string{"u1", "u2"}) {
		t.Errorf("firing %+v, %v", f, err)
	}
	if fs, _ := s.Firings(ctx, groups[2].ID); len(fs) != 0 {
		t.Errorf("a firing was recorded for a job that changed: %+v", fs)
	}
	if jobs, _ := s.Jobs(ctx, groups[3].ID); len(jobs) != 0 {
		t.Errorf("d's job was not deleted: %+v", jobs)
	}
	if jobs, _ := s.Jobs(ctx, groups[0].ID); len(jobs) != 1 || !jobs[0].SessionAt.Equal(next) {
		t.Errorf("a's job was not advanced: %+v", jobs)
	}
}

func TestGroupsWithMembers(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	a := mustCreate(t, s, domain.Group{Name: "a"})
	b := mustCreate(t, s, domain.Group{Name: "b"})
	now := time.Date(2026, 3, 2, 17, 0, 0, 0, time.UTC)
	for i, u := range []string{"u2", "u1"} {
		if err := s.Join(ctx, a.ID, u, now.Add(time.Duration(i)*time.Minute), 0); err != nil {
			t.Fatal(err)
		}
	}
	groups, members, err := s.GroupsWithMembers(ctx, []int64{a.ID, b.ID, 999})
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 2 || groups[a.ID].Name != "a" || groups[a.ID].MemberCount != 2 {
		t.Errorf("groups %+v", groups)
	}
	if !slices.Equal(members[a.ID], []string{"u2", "u1"}) || len(members[b.ID]) != 0 {
		t.Errorf("members %+v", members)
	}
}
