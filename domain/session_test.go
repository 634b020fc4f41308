package domain

import (
	"testing"
	"time"
)

func TestAttendanceOf(t *testing.T) {
	start := time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC)
	at := func(min int) time.Time { return start.Add(time.Duration(min) * time.Minute) }
	now := at(120)
	cases := []struct {
		name  string
		voice []VoiceInterval
		mark  Mark
		want  Presence
	}{
		{"ten minutes exactly", []VoiceInterval{{Joined: at(0), Left: at(10)}}, "", Attended},
		{"nine minutes", []VoiceInterval{{Joined: at(0), Left: at(9)}}, "", Absent},
		{"two stretches adding up", []VoiceInterval{{Joined: at(5), Left: at(10)}, {Joined: at(40), Left: at(45)}}, "", Attended},
		{"before the start does not count", []VoiceInterval{{Joined: at(-30), Left: at(5)}}, "", Absent},
		{"after the end does not count", []VoiceInterval{{Joined: at(55), Left: at(90)}}, "", Absent},
		{"still there counts to now", []VoiceInterval{{Joined: at(50)}}, "", Attended},
		{"checked in", nil, MarkHere, Attended},
		{"excused", nil, MarkExcused, Excused},
		{"excused but came", []VoiceInterval{{Joined: at(0), Left: at(30)}}, MarkExcused, Attended},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := AttendanceOf(start, time.Hour, c.voice, c.mark, now); got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
		})
	}
}

func TestAttendanceReport(t *testing.T) {
	s1 := time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC)
	s2 := s1.Add(24 * time.Hour)
	voice := []VoiceInterval{
		{UserID: "a", Joined: s1, Left: s1.Add(20 * time.Minute)},
		{UserID: "a", Joined: s2, Left: s2.Add(20 * time.Minute)},
		{UserID: "x", Joined: s1, Left: s1.Add(time.Hour)}, // not a member
	}
	marks := []SessionMark{{UserID: "b", SessionAt: s2, Mark: MarkExcused}, {UserID: "b", SessionAt: s1, Mark: MarkHere}}
	r := Attendance([]time.Time{s2, s1}, time.Hour, []string{"a", "b"}, voice, marks, s2.Add(2*time.Hour))
	if len(r.Sessions) != 2 || !r.Sessions[0].At.Equal(s1) {
		t.Fatalf("sessions %+v, want two, oldest first", r.Sessions)
	}
	if got := r.Sessions[1]; len(got.Attended) != 1 || got.Attended[0] != "a" || len(got.Excused) != 1 || got.Excused[0] != "b" {
		t.Errorf("second session %+v", got)
	}
	want := []MemberAttendance{{UserID: "a", Attended: 2, Held: 2}, {UserID: "b", Attended: 1, Excused: 1, Held: 2}}
	for i, m := range want {
		if r.Members[i] != m {
			t.Errorf("member %d: %+v, want %+v", i, r.Members[i], m)
		}
	}
}

func TestSessionEndPlannedForVoiceGroupsOnly(t *testing.T) {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	g := Group{Kind: KindOpen, State: StateActive, Schedule: "0 18 * * *", Timezone: "UTC", Reminders: "30m", Duration: time.Hour}
	end := func(g Group, now time.Time) (Job, bool) {
		p, err := PlanJobs(g, nil, now)
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range p.Jobs {
			if j.Kind == JobSessionEnd {
				return j, true
			}
		}
		return Job{}, false
	}
	if _, ok := end(g, now); ok {
		t.Error("a group without voice got a session_end job")
	}
	g.VoiceChannelID = "v1"
	session := time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC)
	if j, ok := end(g, now); !ok || !j.SessionAt.Equal(session) || !j.DueAt.Equal(session.Add(time.Hour)) {
		t.Errorf("session_end %+v, want the 18:00 session's end at 19:00", j)
	}
	// During the session it is still that session's end; at its end, the next one's.
	if j, _ := end(g, session.Add(30*time.Minute)); !j.SessionAt.Equal(session) {
		t.Errorf("mid-session: %+v", j)
	}
	if j, _ := end(g, session.Add(time.Hour)); !j.SessionAt.Equal(session.Add(24 * time.Hour)) {
		t.Errorf("at the end: %+v", j)
	}
	g.State = StateArchived
	if _, ok := end(g, now); ok {
		t.Error("an archived group got a session_end job")
	}
}

func TestHeldSessions(t *testing.T) {
	created := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	g := Group{Kind: KindOpen, State: StateActive, Schedule: "0 18 * * *", Timezone: "UTC", CreatedAt: created}
	now := created.Add(3*24*time.Hour + 9*time.Hour) // the 29th at 18:00: the fourth session begins
	got := g.HeldSessions(now, 3, nil)
	if len(got) != 3 || !got[2].Equal(now) || !got[0].Equal(now.Add(-48*time.Hour)) {
		t.Errorf("held %v, want the last three, up to the one beginning now", got)
	}
	g.Schedule = "* * * * *" // every minute for a year: still quick, still the latest
	now = created.Add(365 * 24 * time.Hour)
	if got := g.HeldSessions(now, 2, nil); len(got) != 2 || !got[1].Equal(now) {
		t.Errorf("every minute: %v", got)
	}
}

func TestCheckDuration(t *testing.T) {
	for _, n := range []int64{0, -1, 601} {
		if CheckDuration(n) == nil {
			t.Errorf("duration %d accepted", n)
		}
	}
	for _, n := range []int64{1, 90, 600} {
		if err := CheckDuration(n); err != nil {
			t.Errorf("duration %d refused: %v", n, err)
		}
	}
}
