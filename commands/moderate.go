package commands

import (
	"context"
	"errors"
	"time"

	"hearth/domain"
	"hearth/groups"
	"hearth/messages"
)

// createGroup answers /group create: it validates every option before
// changing anything, then the groups service stores the group with its
// plan and makes its private channel.
func (a *App) createGroup(ctx context.Context, in *Interaction) (Response, error) {
	p := Printer(in)
	settings, err := a.Store.Settings(ctx, in.GuildID)
	if err != nil {
		return Response{}, err
	}
	g, err := a.groupFromOptions(in, settings)
	if err != nil {
		return Response{}, err
	}
	if voice, _ := in.Options.Bool("voice"); voice {
		g, err = a.Groups.CreateWithVoice(ctx, g)
	} else {
		g, err = a.Groups.Create(ctx, g)
	}
	switch {
	case errors.Is(err, domain.ErrNameTaken):
		return Reply(p.NameTaken(g.Name)), nil
	case errors.Is(err, groups.ErrDiscord):
		return Reply(p.DiscordFailed()), nil
	case err != nil:
		return Response{}, err
	}
	reply := p.Created(g.Name, g.Kind, g.Capacity, g.ChannelID, g.StartAt, g.UpcomingSessions(a.now(), 3))
	if g.HasVoice() {
		reply += "\n" + p.VoiceChannelLine(g.VoiceChannelID)
	}
	return Reply(reply), nil
}

// groupFromOptions validates /group create's options. It returns the group
// to store, or an input error saying what to fix.
func (a *App) groupFromOptions(in *Interaction, settings domain.Settings) (domain.Group, error) {
	o := in.Options
	g := domain.Group{
		GuildID:       in.GuildID,
		Name:          o.String("name"),
		Description:   o.String("description"),
		FacilitatorID: o.String("facilitator"),
		CreatedBy:     in.UserID,
		CreatedAt:     a.now(),
	}
	if err := domain.CheckName(g.Name); err != nil {
		return g, err
	}
	kind, err := domain.ParseKind(o.String("type"))
	if err != nil {
		return g, err
	}
	g.Kind = kind
	if err := domain.CheckDescription(g.Description); err != nil {
		return g, err
	}
	if n, ok := o.Int("capacity"); ok {
		if err := domain.CheckCount("capacity", n, domain.MaxCapacity); err != nil {
			return g, err
		}
		g.Capacity = int(n)
	}
	if n, ok := o.Int("sessions"); ok {
		if err := domain.CheckCount("sessions", n, domain.MaxSessions); err != nil {
			return g, err
		}
		if g.Kind != domain.KindClosed {
			return g, domain.Input("sessions", domain.ProblemClosedOnly)
		}
		g.Sessions = int(n)
	}
	tz, err := a.timezoneOption(in, settings.Timezone)
	if err != nil {
		return g, err
	}
	g.Timezone = tz
	if start := o.String("start"); start != "" {
		if g.Kind != domain.KindClosed {
			return g, domain.Input("start", domain.ProblemClosedOnly)
		}
		loc, _ := domain.LoadTimezone(tz)
		if g.StartAt, err = domain.ParseStart(start, loc, a.now()); err != nil {
			return g, err
		}
	}
	g.Schedule, g.Reminders, err = scheduleOptions(in, domain.DefaultReminders)
	return g, err
}

// timezoneOption returns the timezone option, else fallback, else the
// configured default, refusing a name that is not an IANA zone.
func (a *App) timezoneOption(in *Interaction, fallback string) (string, error) {
	tz := in.Options.String("timezone")
	if !in.Options.Has("timezone") || tz == "" {
		tz = fallback
	}
	if tz == "" {
		tz = a.DefaultTimezone
	}
	if _, err := domain.LoadTimezone(tz); err != nil {
		return "", err
	}
	return tz, nil
}

// scheduleOptions validates the schedule and reminder options; reminders
// not given are keep.
func scheduleOptions(in *Interaction, keep string) (spec, reminders string, err error) {
	spec = in.Options.String("schedule")
	if spec != "" {
		if _, err := domain.ParseSchedule(spec); err != nil {
			return "", "", err
		}
	}
	reminders = in.Options.String("reminder")
	if reminders == "" {
		reminders = keep
	}
	if _, err := domain.ParseReminders(reminders); err != nil {
		return "", "", err
	}
	return spec, reminders, nil
}

func (a *App) startGroup(ctx context.Context, in *Interaction, g domain.Group) (Response, error) {
	p := Printer(in)
	switch err := a.Groups.Start(ctx, g); {
	case errors.Is(err, domain.ErrNotClosed):
		return Reply(p.StartOpenGroup(g.Name)), nil
	case errors.Is(err, domain.ErrAlreadyLocked):
		return Reply(p.AlreadyStarted(g.Name)), nil
	case errors.Is(err, domain.ErrArchived):
		return Reply(p.Archived(g.Name)), nil
	case err != nil:
		return Response{}, err
	}
	return Reply(p.Started(g.Name, g.MemberCount)), nil
}

func (a *App) scheduleGroup(ctx context.Context, in *Interaction, g domain.Group) (Response, error) {
	tz, err := a.timezoneOption(in, g.Timezone) // the group keeps its own zone
	if err != nil {
		return Response{}, err
	}
	if in.Options.String("schedule") == "" {
		return Response{}, domain.Input("schedule", domain.ProblemRequired)
	}
	spec, reminders, err := scheduleOptions(in, g.Reminders)
	if err != nil {
		return Response{}, err
	}
	var duration time.Duration
	if n, ok := in.Options.Int("duration"); ok {
		if err := domain.CheckDuration(n); err != nil {
			return Response{}, err
		}
		duration = time.Duration(n) * time.Minute
	}
	g, err = a.Groups.SetScheduleFor(ctx, g, spec, tz, reminders, duration)
	if err != nil {
		return Response{}, err
	}
	p := Printer(in)
	return Reply(p.Scheduled(g.Name, reminders, g.UpcomingSessions(a.now(), 3)) + "\n" +
		p.SessionLength(int(g.SessionLength()/time.Minute))), nil
}

func (a *App) groupInfo(_ context.Context, in *Interaction, g domain.Group) (Response, error) {
	now := a.now()
	return Reply(Printer(in).Info(messages.GroupInfo{
		Name: g.Name, Kind: g.Kind, Status: g.Status(now), Capacity: g.Capacity,
		Members: g.MemberCount, StartAt: g.StartAt, Sessions: g.Sessions, Schedule: g.Schedule,
		Timezone: g.Timezone, Reminders: g.Reminders, Description: g.Description,
		FacilitatorID: g.FacilitatorID, ChannelID: g.ChannelID, VoiceChannelID: g.VoiceChannelID,
		DurationMinutes: int(g.SessionLength() / time.Minute), Next: g.UpcomingSessions(now, 3),
	})), nil
}

func (a *App) groupMembers(ctx context.Context, in *Interaction, g domain.Group) (Response, error) {
	ids, err := a.Store.Members(ctx, g.ID)
	if err != nil {
		return Response{}, err
	}
	return Reply(Printer(in).Roster(g.Name, ids)), nil
}

func (a *App) removeMember(ctx context.Context, in *Interaction, g domain.Group) (Response, error) {
	p := Printer(in)
	user := in.Options.String("user")
	if user == "" {
		return Response{}, domain.Input("user", domain.ProblemRequired)
	}
	switch _, err := a.Groups.Remove(ctx, g.ID, user); {
	case errors.Is(err, domain.ErrNotMember):
		return Reply(p.NotAMember(g.Name, user)), nil
	case errors.Is(err, groups.ErrDiscord):
		return Reply(p.DiscordFailed()), nil
	case err != nil:
		return Response{}, err
	}
	a.Log.Info("member removed", "guild", g.GuildID, "group", g.ID)
	return Reply(p.Removed(g.Name, user)), nil
}

func (a *App) archiveGroup(ctx context.Context, in *Interaction, g domain.Group) (Response, error) {
	p := Printer(in)
	switch err := a.Groups.Archive(ctx, g.ID); {
	case errors.Is(err, groups.ErrDiscord):
		return Reply(p.DiscordFailed()), nil
	case errors.Is(err, domain.ErrArchived):
		return Reply(p.AlreadyArchived(g.Name)), nil
	case err != nil:
		return Response{}, err
	}
	return Reply(p.ArchivedDone(g.Name, a.DeleteOnArchive)), nil
}
