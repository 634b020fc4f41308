package domain

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// sessionJobs renders a plan's session_start and session_end jobs as
// "kind session→due", sorted, for exact comparison.
func sessionJobs(p Plan) []string {
	var out []string
	for _, j := range p.Jobs {
		if j.Kind == JobSessionStart || j.Kind == JobSessionEnd {
			out = append(out, fmt.Sprintf("%s %s→%s", j.Kind, j.SessionAt.Format("02 15:04"), j.DueAt.Format("02 15:04")))
		}
	}
	slices.Sort(out)
	return out
}

// PlanJobs plans a group's session post (session_start, every group with a
// schedule) and its event's move (session_end, voice groups only) together,
// for the same session, through schedule changes, archive, the end of a
// closed group and a session under way at a restart.
func TestPlanJobsPlansSessionStartAndEndTogether(t *testing.T) {
	day := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	at := func(h, m int) time.Time { return day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute) }
	open := Group{Kind: KindOpen, State: StateActive, Schedule: "0 18 * * *", Timezone: "UTC", Reminders: "30m", Duration: time.Hour}
	voice := open
	voice.VoiceChannelID = "v1"
	moved := voice
	moved.Schedule = "0 20 * * *"
	archived := voice
	archived.State = StateArchived
	long := voice
	long.Schedule, long.Duration = "0 * * * *", 90*time.Minute
	// A closed group of two sessions that started (locked) on the 25th at 18:00.
	closed := voice
	closed.Kind, closed.State, closed.LockedAt, closed.Sessions = KindClosed, StateLocked, at(18, 0).AddDate(0, 0, -1), 2
	enrolling := voice
	enrolling.Kind, enrolling.State, enrolling.StartAt = KindClosed, StateActive, at(18, 0).AddDate(0, 0, 2)

	postPending := []Job{{Kind: JobSessionStart, SessionAt: at(18, 0), DueAt: at(18, 0)}}
	cases := []struct {
		name     string
		g        Group
		existing []Job
		now      time.Time
		want     []string
	}{
		{"text group: a post, no event to move", open, nil, at(9, 0),
			[]string{"session_start 26 18:00→26 18:00"}},
		{"voice group: the same session's post and end", voice, nil, at(9, 0),
			[]string{"session_end 26 18:00→26 19:00", "session_start 26 18:00→26 18:00"}},
		{"under way at a restart, post not yet made: kept, fires at once", voice, postPending, at(18, 30),
			[]string{"session_end 26 18:00→26 19:00", "session_start 26 18:00→26 18:00"}},
		{"under way, post made: the next post, this session's end", voice, nil, at(18, 30),
			[]string{"session_end 26 18:00→26 19:00", "session_start 27 18:00→27 18:00"}},
		{"text group under way at a restart", open, postPending, at(18, 30),
			[]string{"session_start 26 18:00→26 18:00"}},
		{"at the session's end: both on the next", voice, nil, at(19, 0),
			[]string{"session_end 27 18:00→27 19:00", "session_start 27 18:00→27 18:00"}},
		{"schedule moved: both follow, the old post dropped", moved, postPending, at(9, 0),
			[]string{"session_end 26 20:00→26 21:00", "session_start 26 20:00→26 20:00"}},
		{"archived: neither", archived, postPending, at(9, 0), nil},
		{"closed, enrolling: from its start", enrolling, nil, at(9, 0),
			[]string{"session_end 28 18:00→28 19:00", "session_start 28 18:00→28 18:00"}},
		{"closed, its last session under way: its end, no next post", closed, nil, at(18, 30),
			[]string{"session_end 26 18:00→26 19:00"}},
		{"closed, after its last session: neither", closed, nil, at(19, 0), nil},
		{"sessions overlapping (hourly, 90 minutes): the earliest still running ends first", long, nil, at(18, 10),
			[]string{"session_end 26 17:00→26 18:30", "session_start 26 19:00→26 19:00"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := PlanJobs(c.g, c.existing, c.now)
			if err != nil {
				t.Fatal(err)
			}
			if got := sessionJobs(p); !slices.Equal(got, c.want) {
				t.Errorf("jobs %q, want %q", got, c.want)
			}
		})
	}
}
