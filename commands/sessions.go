package commands

import (
	"context"
	"errors"

	"hearth/domain"
	"hearth/groups"
)

// maxReported is how many of a group's latest sessions /group attendance
// shows, and each member's record counts.
const maxReported = 10

// editVoice answers /group edit voice: a private voice channel with the
// group's access (true), or none (false).
func (a *App) editVoice(ctx context.Context, in *Interaction, g domain.Group, on bool) (Response, error) {
	p := Printer(in)
	if on == g.HasVoice() {
		return Reply(p.VoiceUnchanged(g.Name, g.VoiceChannelID)), nil
	}
	after, err := a.Groups.SetVoice(ctx, g.ID, on)
	switch {
	case errors.Is(err, domain.ErrArchived), errors.Is(err, domain.ErrNoGroup):
		return Reply(p.Archived(g.Name)), nil
	case errors.Is(err, groups.ErrDiscord):
		return Reply(p.DiscordFailed()), nil
	case err != nil:
		return Response{}, err
	}
	a.Log.Info("group voice changed", "guild", g.GuildID, "group", g.ID, "voice", on)
	if on {
		return Reply(p.VoiceAdded(after.Name, after.VoiceChannelID)), nil
	}
	return Reply(p.VoiceRemoved(after.Name)), nil
}

// attendance answers /group attendance (the group's facilitator and
// moderators): each of its latest sessions, who attended and who was
// excused, and each member's record.
func (a *App) attendance(ctx context.Context, in *Interaction, g domain.Group) (Response, error) {
	members, err := a.Store.Members(ctx, g.ID)
	if err != nil {
		return Response{}, err
	}
	r, err := a.attendanceReport(ctx, g, members)
	if err != nil {
		return Response{}, err
	}
	return Reply(Printer(in).Attendance(g.Name, r)), nil
}

// attendanceReport works out g's attendance over its latest sessions held.
func (a *App) attendanceReport(ctx context.Context, g domain.Group, members []string) (domain.AttendanceReport, error) {
	now := a.now()
	marked, err := a.Store.MarkedSessions(ctx, g.ID, maxReported)
	if err != nil {
		return domain.AttendanceReport{}, err
	}
	sessions := g.HeldSessions(now, maxReported, marked)
	if len(sessions) == 0 {
		return domain.Attendance(nil, g.SessionLength(), members, nil, nil, now), nil
	}
	from, to := sessions[0], sessions[len(sessions)-1]
	voice, err := a.Store.VoiceIntervals(ctx, g.ID, from, to.Add(g.SessionLength()))
	if err != nil {
		return domain.AttendanceReport{}, err
	}
	marks, err := a.Store.SessionMarks(ctx, g.ID, from, to)
	if err != nil {
		return domain.AttendanceReport{}, err
	}
	return domain.Attendance(sessions, g.SessionLength(), members, voice, marks, now), nil
}

// ownAttendance is userID's record in g (attended, held), for their line
// in /groups; ok is false when g has held no session yet.
func (a *App) ownAttendance(ctx context.Context, groupID int64, userID string) (attended, held int, ok bool, err error) {
	g, err := a.Store.Group(ctx, groupID) // the listing's groups carry no creation time or session length
	if err != nil {
		return 0, 0, false, err
	}
	r, err := a.attendanceReport(ctx, g, []string{userID})
	if err != nil || len(r.Sessions) == 0 {
		return 0, 0, false, err
	}
	return r.Members[0].Attended, r.Members[0].Held, true, nil
}
