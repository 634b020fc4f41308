package store

import (
	"hearth/domain"

	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func mustCreate(t *testing.T, s *Store, g domain.Group) domain.Group {
	t.Helper()
	if g.GuildID == "" {
		g.GuildID = "g1"
	}
	if g.Kind == "" {
		g.Kind = domain.KindOpen
	}
	if g.Timezone == "" {
		g.Timezone = "UTC"
	}
	g, err := s.CreateGroup(context.Background(), g, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestMigrateIsIdempotent(t *testing.T) {
	s := openTest(t)
	n, err := s.Migrate(context.Background())
	if err != nil || n != 0 {
		t.Fatalf("second migrate applied %d, err %v; want 0, nil", n, err)
	}
}

func TestGroupNamesAreUniqueIgnoringCase(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	g := mustCreate(t, s, domain.Group{Name: "Grief Circle"})
	if _, err := s.CreateGroup(ctx, domain.Group{GuildID: "g1", Name: "grief circle", Kind: domain.KindOpen, Timezone: "UTC"}, time.Now()); !errors.Is(err, domain.ErrNameTaken) {
		t.Fatalf("duplicate name: got %v, want domain.ErrNameTaken", err)
	}
	// Another server may use the name.
	mustCreate(t, s, domain.Group{GuildID: "g2", Name: "Grief Circle"})
	// Archiving frees the name for the next cohort, once its channel change is done.
	if _, err := s.Archive(ctx, g.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishArchive(ctx, g.ID); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, s, domain.Group{Name: "GRIEF CIRCLE"})
	if err := s.Unarchive(ctx, g.ID, domain.ArchiveUndo{State: domain.StateActive}, time.Now()); !errors.Is(err, domain.ErrNameTaken) {
		t.Fatalf("unarchive over a taken name: got %v, want domain.ErrNameTaken", err)
	}
	got, err := s.GroupByName(ctx, "g1", "grief circle")
	if err != nil || got.Name != "GRIEF CIRCLE" {
		t.Fatalf("GroupByName = %+v, %v", got, err)
	}
}

func TestJoinRules(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	s := openTest(t)
	open := mustCreate(t, s, domain.Group{Name: "Open", Capacity: 1})
	closed := mustCreate(t, s, domain.Group{Name: "Cohort", Kind: domain.KindClosed})

	steps := []struct {
		name string
		do   func() error
		want error
	}{
		{"first join", func() error { return s.Join(ctx, open.ID, "u1", now, 0) }, nil},
		{"join twice", func() error { return s.Join(ctx, open.ID, "u1", now, 0) }, domain.ErrAlreadyMember},
		{"full", func() error { return s.Join(ctx, open.ID, "u2", now, 0) }, domain.ErrFull},
		{"leave a group you are not in", func() error { _, err := s.Leave(ctx, open.ID, "u2"); return err }, domain.ErrNotMember},
		{"unknown group", func() error { return s.Join(ctx, 999, "u1", now, 0) }, domain.ErrNoGroup},
		{"enrol before the start", func() error { return s.Join(ctx, closed.ID, "u1", now, 0) }, nil},
		{"start an open group", func() error { return s.Lock(ctx, open.ID, now, now) }, domain.ErrNotClosed},
		{"start", func() error { return s.Lock(ctx, closed.ID, now, now) }, nil},
		{"start twice", func() error { return s.Lock(ctx, closed.ID, now, now) }, domain.ErrAlreadyLocked},
		{"join after the lock", func() error { return s.Join(ctx, closed.ID, "u2", now, 0) }, domain.ErrLocked},
		{"leave after the lock", func() error { _, err := s.Leave(ctx, closed.ID, "u1"); return err }, nil},
		{"re-join after the lock", func() error { return s.Join(ctx, closed.ID, "u1", now, 0) }, domain.ErrLocked},
	}
	for _, st := range steps {
		if err := st.do(); !errors.Is(err, st.want) {
			t.Fatalf("%s: got %v, want %v", st.name, err, st.want)
		}
	}
	g, _ := s.Group(ctx, closed.ID)
	if g.State != domain.StateLocked || g.LockedAt.IsZero() || g.MemberCount != 0 {
		t.Fatalf("closed group after steps: %+v", g)
	}
}

func TestJoinRefusedOnceAClosedGroupsStartHasPassed(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	start := time.Date(2026, 12, 1, 18, 0, 0, 0, time.UTC)
	g := mustCreate(t, s, domain.Group{Name: "Cohort", Kind: domain.KindClosed, StartAt: start})
	if err := s.Join(ctx, g.ID, "early", start.Add(-time.Second), 0); err != nil {
		t.Fatalf("join before the start: %v", err)
	}
	// The scheduler has not locked it yet, but the start is the lock.
	if err := s.Join(ctx, g.ID, "late", start, 0); !errors.Is(err, domain.ErrLocked) {
		t.Fatalf("join at the start: got %v, want domain.ErrLocked", err)
	}
}

func TestConcurrentJoinsNeverExceedCapacity(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	g := mustCreate(t, s, domain.Group{Name: "Five seats", Capacity: 5})
	var wg sync.WaitGroup
	var mu sync.Mutex
	results := map[error]int{}
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.Join(ctx, g.ID, "user"+string(rune('A'+i)), time.Now(), 0)
			mu.Lock()
			results[err]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if results[nil] != 5 || results[domain.ErrFull] != 45 || len(results) != 2 {
		t.Fatalf("results = %v, want 5 joins and 45 domain.ErrFull", results)
	}
	members, _ := s.Members(ctx, g.ID)
	if len(members) != 5 {
		t.Fatalf("%d members stored, want 5", len(members))
	}
}

func TestSettingsRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	st, err := s.Settings(ctx, "g1")
	if err != nil || st != (domain.Settings{GuildID: "g1"}) {
		t.Fatalf("unset settings = %+v, %v", st, err)
	}
	want := domain.Settings{GuildID: "g1", ModeratorRoleID: "r1", CategoryID: "c1", Timezone: "Europe/Madrid"}
	if err := s.SaveSettings(ctx, want); err != nil {
		t.Fatal(err)
	}
	want.Timezone = "UTC"
	if err := s.SaveSettings(ctx, want); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Settings(ctx, "g1"); got != want {
		t.Fatalf("settings = %+v, want %+v", got, want)
	}
}

func TestMemberCountFollowsJoinsAndLeaves(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	g := mustCreate(t, s, domain.Group{Name: "Circle"})
	for _, u := range []string{"a", "b", "c"} {
		if err := s.Join(ctx, g.ID, u, time.Now(), 0); err != nil {
			t.Fatal(err)
		}
	}
	at, err := s.Leave(ctx, g.ID, "b")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Rejoin(ctx, g.ID, "b", at); err != nil {
		t.Fatal(err)
	}
	if err := s.Rejoin(ctx, g.ID, "b", at); err != nil { // already back: no change
		t.Fatal(err)
	}
	s.Leave(ctx, g.ID, "c")
	got, _ := s.Group(ctx, g.ID)
	if got.MemberCount != 2 {
		t.Fatalf("member count %d, want 2", got.MemberCount)
	}
}

func TestListAndSearchGroups(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	names := []string{"Anxiety", "Grief Circle", "Grief Cohort", "Parents", "Sobriety"}
	ids := map[string]int64{}
	for _, n := range names {
		g := domain.Group{Name: n}
		if n == "Grief Cohort" {
			g.Kind, g.FacilitatorID = domain.KindClosed, "fac"
		}
		ids[n] = mustCreate(t, s, g).ID
	}
	mustCreate(t, s, domain.Group{GuildID: "other", Name: "Grief Elsewhere"})
	s.Join(ctx, ids["Grief Circle"], "u", time.Now(), 0)
	s.Join(ctx, ids["Sobriety"], "u", time.Now(), 0)
	s.Lock(ctx, ids["Grief Cohort"], time.Now(), time.Now())
	archived := mustCreate(t, s, domain.Group{Name: "Old Grief"})
	s.Archive(ctx, archived.ID, time.Now())

	l, err := s.ListGroups(ctx, "g1", "u", 3)
	if err != nil {
		t.Fatal(err)
	}
	if l.Total != 5 || len(l.Groups) != 3 || l.Groups[0].Name != "Anxiety" || !l.Mine[ids["Grief Circle"]] || l.Mine[ids["Anxiety"]] {
		t.Fatalf("listing = %+v", l)
	}
	if all, _ := s.ListGroups(ctx, "g1", "u", 40); all.Total != 5 || len(all.Groups) != 5 {
		t.Fatalf("a listing with room for all = %d of %d", len(all.Groups), all.Total)
	}
	search := func(typed string, f domain.Filter, limit int) string {
		names, err := s.SearchGroups(ctx, "g1", "u", typed, f, limit, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(names, ",")
	}
	cases := []struct {
		name, typed string
		filter      domain.Filter
		limit       int
		want        string
	}{
		{"any part, any case", "RIEF", domain.AnyGroup, 25, "Grief Circle,Grief Cohort"},
		{"empty matches all", "", domain.AnyGroup, 25, "Anxiety,Grief Circle,Grief Cohort,Parents,Sobriety"},
		{"limit", "", domain.AnyGroup, 2, "Anxiety,Grief Circle"},
		{"joinable: not mine, not started", "", domain.JoinableGroup, 25, "Anxiety,Parents"},
		{"own", "", domain.OwnGroup, 25, "Grief Circle,Sobriety"},
		{"facilitated (as fac)", "", domain.Facilitated, 25, ""},
	}
	for _, c := range cases {
		if got := search(c.typed, c.filter, c.limit); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
	if names, _ := s.SearchGroups(ctx, "g1", "fac", "", domain.Facilitated, 25, time.Now()); len(names) != 1 || names[0] != "Grief Cohort" {
		t.Errorf("facilitated by fac = %v", names)
	}
}

func TestGrantsOutliveMembershipUntilDropped(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	g := mustCreate(t, s, domain.Group{Name: "Circle"})
	s.Join(ctx, g.ID, "a", time.Now(), 0)
	s.Join(ctx, g.ID, "b", time.Now(), 0)
	s.Leave(ctx, g.ID, "b")
	if got, _ := s.Grants(ctx, g.ID); strings.Join(got, ",") != "a,b" {
		t.Fatalf("grants = %v, want a,b (b's overwrite not yet confirmed gone)", got)
	}
	s.DropGrant(ctx, g.ID, "a") // a is a member: kept
	s.DropGrant(ctx, g.ID, "b")
	if got, _ := s.Grants(ctx, g.ID); strings.Join(got, ",") != "a" {
		t.Fatalf("grants = %v, want a", got)
	}
}

func TestOpenPathWithURICharacters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "odd?name#1%.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database not at %s: %v", path, err)
	}
}
