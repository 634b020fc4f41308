package commands

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"hearth/domain"
	"hearth/messages"
)

// Every test here plays a fixture from testdata/ into the whole router
// (middleware included), with a real store and a fake Discord, and checks
// the exact reply, worded by the Printer, and what changed.

// wednesdays is a weekly session at 19:00 UTC; start is a Wednesday at 18:00.
const wednesdays = "0 19 * * 3"

var nextWednesday = time.Date(2025, 1, 15, 19, 0, 0, 0, time.UTC)

func TestJoin(t *testing.T) {
	cases := []struct {
		name    string
		fixture string
		group   domain.Group
		before  func(t *testing.T, e *env, g domain.Group) // runs after the group is seeded
		want    func(g domain.Group) string
		member  bool     // the caller is in the group afterwards
		calls   []string // the fake's calls, {{chan}} standing for the group's channel
	}{
		{
			name: "open group", fixture: "join",
			group:  domain.Group{Name: "Grief circle", Kind: domain.KindOpen, Schedule: wednesdays},
			want:   func(g domain.Group) string { return en.Joined("Grief circle", g.ChannelID, nextWednesday) },
			member: true, calls: []string{"AllowMember chan-1 " + memberID},
		},
		{
			name: "open group in Spanish", fixture: "join_es",
			group:  domain.Group{Name: "Grief circle", Kind: domain.KindOpen, Schedule: wednesdays},
			want:   func(g domain.Group) string { return es.Joined("Grief circle", g.ChannelID, nextWednesday) },
			member: true, calls: []string{"AllowMember chan-1 " + memberID},
		},
		{
			name: "full group in Spanish", fixture: "join_es",
			group: domain.Group{Name: "Pequeño", Kind: domain.KindOpen, Capacity: 1},
			before: func(t *testing.T, e *env, g domain.Group) {
				if err := e.store.Join(context.Background(), g.ID, "2200000000000000009", start, 0); err != nil {
					t.Fatal(err)
				}
			},
			want: func(domain.Group) string { return es.FullWaitlist("Pequeño") },
		},
		{
			name: "already a member", fixture: "join",
			group: domain.Group{Name: "Grief circle", Kind: domain.KindOpen},
			before: func(t *testing.T, e *env, g domain.Group) {
				if err := e.store.Join(context.Background(), g.ID, memberID, start, 0); err != nil {
					t.Fatal(err)
				}
			},
			want:   func(g domain.Group) string { return en.AlreadyMember("Grief circle", g.ChannelID) },
			member: true,
		},
		{
			name: "Discord refuses the overwrite", fixture: "join",
			group:  domain.Group{Name: "Grief circle", Kind: domain.KindOpen},
			before: func(t *testing.T, e *env, _ domain.Group) { e.discord.fail["AllowMember"] = true },
			want:   func(domain.Group) string { return en.DiscordFailed() },
			// the membership is undone, and so is the overwrite, in case it was made
			calls: []string{"AllowMember chan-1 " + memberID, "RemoveMember chan-1 " + memberID},
		},
		{
			name: "no such group", fixture: "join",
			group: domain.Group{Name: "Grief circle", Kind: domain.KindOpen},
			before: func(t *testing.T, e *env, _ domain.Group) {
				if err := e.store.DeleteGroup(context.Background(), e.group(t, "Grief circle").ID); err != nil {
					t.Fatal(err)
				}
			},
			want: func(domain.Group) string { return en.UnknownGroup("Grief circle") },
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			g := e.seed(t, c.group)
			if c.before != nil {
				c.before(t, e, g)
			}
			got := e.serve(t, load(t, c.fixture, map[string]string{"group": c.group.Name}))
			if want := c.want(g); got.Content != want {
				t.Errorf("reply = %q\nwant    %q", got.Content, want)
			}
			if c.name == "no such group" {
				return
			}
			if m := e.isMember(t, g, memberID); m != c.member {
				t.Errorf("member = %v, want %v", m, c.member)
			}
			if calls := e.discord.took(); !slices.Equal(calls, c.calls) {
				t.Errorf("Discord calls = %q, want %q", calls, c.calls)
			}
		})
	}
}

func TestGroupCreate(t *testing.T) {
	cases := []struct {
		name    string
		fixture string
		user    string
		want    string
		created bool
	}{
		{"by a moderator", "group_create", moderatorID,
			en.Created("Evening circle", domain.KindOpen, 12, "chan-1", time.Time{}, nil), true},
		// member.permissions in the fixture includes Manage Channels from a
		// channel overwrite: only server-wide permissions count.
		{"by a member", "group_create", memberID, en.NotModerator(), false},
		{"capacity 0, in Latin American Spanish", "group_create_capacity_zero_es419", moderatorID,
			es.Input(domain.Input("capacity", domain.ProblemRange).Max(domain.MaxCapacity)), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			got := e.serve(t, load(t, c.fixture, map[string]string{"user": c.user}))
			if got.Content != c.want {
				t.Errorf("reply = %q\nwant    %q", got.Content, c.want)
			}
			calls := e.discord.took()
			if !c.created {
				if n := e.groupCount(t); n != 0 || len(calls) != 0 {
					t.Errorf("%d groups stored and Discord calls %q; want none", n, calls)
				}
				return
			}
			g := e.group(t, "Evening circle")
			if g.Kind != domain.KindOpen || g.Capacity != 12 || g.ChannelID != "chan-1" || g.CreatedBy != c.user ||
				g.Timezone != "UTC" || g.State != domain.StateActive {
				t.Errorf("stored %+v", g)
			}
			if len(calls) != 1 || !strings.HasPrefix(calls[0], "CreateGroupChannel ") {
				t.Errorf("Discord calls = %q, want one CreateGroupChannel", calls)
			}
		})
	}
}

func TestGroupsListsStatuses(t *testing.T) {
	e := newEnv(t)
	e.seed(t, domain.Group{Name: "Grief circle", Kind: domain.KindOpen, Schedule: wednesdays})
	e.seed(t, domain.Group{Name: "Spring cohort", Kind: domain.KindClosed, Capacity: 8, StartAt: start.Add(48 * time.Hour)})
	tiny := e.seed(t, domain.Group{Name: "Tiny", Kind: domain.KindOpen, Capacity: 1})
	started := e.seed(t, domain.Group{Name: "Autumn cohort", Kind: domain.KindClosed, StartAt: start.Add(time.Hour)})
	gone := e.seed(t, domain.Group{Name: "Old circle", Kind: domain.KindOpen})
	ctx := context.Background()
	if err := e.store.Join(ctx, tiny.ID, memberID, start, 0); err != nil {
		t.Fatal(err)
	}
	if err := e.store.Lock(ctx, started.ID, start, start); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.Archive(ctx, gone.ID, start); err != nil {
		t.Fatal(err)
	}

	got := e.serve(t, load(t, "groups", nil))
	want := en.GroupList([]string{ // by name; the archived group is not listed
		en.GroupLine("Autumn cohort", domain.KindClosed, domain.StatusLocked, -1, time.Time{}, false, 0),
		en.GroupLine("Grief circle", domain.KindOpen, domain.StatusOpen, -1, nextWednesday, false, 0),
		en.GroupLine("Spring cohort", domain.KindClosed, domain.StatusEnrolling, 8, time.Time{}, false, 0),
		en.GroupLine("Tiny", domain.KindOpen, domain.StatusFull, 0, time.Time{}, true, 0),
	}, 4)
	if got.Content != want {
		t.Errorf("reply = %q\nwant    %q", got.Content, want)
	}

	t.Run("none", func(t *testing.T) {
		e := newEnv(t)
		if got := e.serve(t, load(t, "groups", nil)); got.Content != en.NoGroups() {
			t.Errorf("reply = %q, want %q", got.Content, en.NoGroups())
		}
	})
}

// TestClosedGroupPastItsStartBeforeTheScheduler is the window between a
// closed group's start and the scheduler locking it (it was down, or is
// about to run): the stored state is still active, yet /groups, /join's
// autocomplete and /join must all treat the group as started.
func TestClosedGroupPastItsStartBeforeTheScheduler(t *testing.T) {
	e := newEnv(t)
	g := e.seed(t, domain.Group{Name: "Spring cohort", Kind: domain.KindClosed, Capacity: 8, StartAt: start.Add(time.Hour)})
	const newcomer = "2200000000000000004"

	type view struct {
		list    string
		offered []string
		join    string
	}
	look := func(t *testing.T, user string) view {
		t.Helper()
		vars := map[string]string{"user": user, "group": "Spring cohort", "typed": "spr"}
		return view{
			list:    e.serve(t, load(t, "groups", vars)).Content,
			offered: choiceValues(e.serve(t, load(t, "join_autocomplete", vars))),
			join:    e.serve(t, load(t, "join", vars)).Content,
		}
	}
	check := func(t *testing.T, got, want view) {
		t.Helper()
		if got.list != want.list {
			t.Errorf("/groups = %q\nwant      %q", got.list, want.list)
		}
		if !slices.Equal(got.offered, want.offered) {
			t.Errorf("autocomplete offers %q, want %q", got.offered, want.offered)
		}
		if got.join != want.join {
			t.Errorf("/join = %q\nwant    %q", got.join, want.join)
		}
	}

	t.Run("before the start", func(t *testing.T) {
		check(t, look(t, memberID), view{
			list:    en.GroupList([]string{en.GroupLine("Spring cohort", domain.KindClosed, domain.StatusEnrolling, 8, time.Time{}, false, 0)}, 1),
			offered: []string{"Spring cohort"},
			join:    en.Joined("Spring cohort", g.ChannelID, time.Time{}),
		})
		if !e.isMember(t, g, memberID) {
			t.Error("not a member after joining")
		}
	})

	e.clock.Advance(90 * time.Minute) // past the start; no scheduler runs here
	e.discord.took()

	t.Run("after the start, not yet locked", func(t *testing.T) {
		if s := e.group(t, "Spring cohort").State; s != domain.StateActive {
			t.Fatalf("stored state = %q; the test needs it still active", s)
		}
		check(t, look(t, newcomer), view{
			list:    en.GroupList([]string{en.GroupLine("Spring cohort", domain.KindClosed, domain.StatusLocked, 7, time.Time{}, false, 0)}, 1),
			offered: nil,
			join:    en.LockedInterest("Spring cohort"),
		})
		if e.isMember(t, g, newcomer) {
			t.Error("the newcomer joined a started group")
		}
		if calls := e.discord.took(); len(calls) != 0 {
			t.Errorf("Discord calls %q, want none", calls)
		}
	})
}

func TestGroupInfoForAFacilitator(t *testing.T) {
	e := newEnv(t)
	e.seed(t, domain.Group{Name: "Grief circle", Kind: domain.KindOpen, Capacity: 10, Schedule: wednesdays,
		Description: "A weekly circle", FacilitatorID: facilitID})
	e.seed(t, domain.Group{Name: "Spring cohort", Kind: domain.KindClosed, FacilitatorID: "2200000000000000008"})
	g := e.group(t, "Grief circle")
	ownInfo := en.Info(messages.GroupInfo{
		Name: "Grief circle", Kind: domain.KindOpen, Status: domain.StatusOpen, Capacity: 10,
		Schedule: wednesdays, Timezone: "UTC", Reminders: domain.DefaultReminders, Description: "A weekly circle",
		FacilitatorID: facilitID, ChannelID: g.ChannelID, DurationMinutes: 90,
		Next: []time.Time{nextWednesday, nextWednesday.AddDate(0, 0, 7), nextWednesday.AddDate(0, 0, 14)},
	})
	cases := []struct {
		name, user, group, want string
	}{
		{"facilitator, own group", facilitID, "Grief circle", ownInfo},
		{"facilitator, another group", facilitID, "Spring cohort", en.NotModerator()},
		{"facilitator, no such group", facilitID, "Nowhere", en.NotModerator()}, // learns nothing
		{"moderator, any group", moderatorID, "Grief circle", ownInfo},
		{"moderator, no such group", moderatorID, "Nowhere", en.UnknownGroup("Nowhere")},
		{"member", memberID, "Grief circle", en.NotModerator()},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := e.serve(t, load(t, "group_info", map[string]string{"user": c.user, "group": c.group}))
			if got.Content != c.want {
				t.Errorf("reply = %q\nwant    %q", got.Content, c.want)
			}
		})
	}
}

func TestUnroutedButtonAndModal(t *testing.T) {
	e := newEnv(t)
	for _, fixture := range []string{"button_unknown", "modal_unknown"} {
		t.Run(fixture, func(t *testing.T) {
			in := load(t, fixture, nil)
			if in.Type != TypeComponent && in.Type != TypeModal {
				t.Fatalf("decoded as type %d", in.Type)
			}
			if got := e.serve(t, in); got.Content != en.UnknownCmd() {
				t.Errorf("reply = %q, want %q", got.Content, en.UnknownCmd())
			}
		})
	}
}

func TestFixturesDecode(t *testing.T) {
	in := load(t, "modal_unknown", map[string]string{"user": facilitID})
	if in.CustomID != "nope:2" || in.Fields["text"] != "be kind" || in.UserID != facilitID ||
		in.GuildID != guildID || in.Locale != "en-US" || in.GuildLocale != "en-US" {
		t.Errorf("modal decoded as %+v", in)
	}
	in = load(t, "group_create_capacity_zero_es419", nil)
	if in.Route() != "group create" || in.Locale != "es-419" {
		t.Errorf("command decoded as %+v", in)
	}
	if n, ok := in.Options.Int("capacity"); !ok || n != 0 {
		t.Errorf("capacity = %d, %v", n, ok)
	}
	in = load(t, "join_autocomplete", map[string]string{"typed": "gri"})
	if in.Type != TypeAutocomplete || in.Focused != "group" || in.Options.String("group") != "gri" {
		t.Errorf("autocomplete decoded as %+v", in)
	}
}
