package commands

import (
	"context"
	"errors"
	"time"
	"unicode/utf8"

	"hearth/messages"
	"hearth/scheduler"
	"hearth/store"
)

// createGroup answers /group create: it validates every option before
// changing anything, stores the group, makes its private channel, and
// removes the group again if Discord refuses the channel.
func (a *App) createGroup(ctx context.Context, in *Interaction) Response {
	settings, err := a.Store.Settings(ctx, in.GuildID)
	if err != nil {
		return a.failed(in, err)
	}
	g, msg := a.groupFromOptions(in, settings)
	if msg != "" {
		return Reply(msg)
	}
	g, err = a.Store.CreateGroup(ctx, g)
	if errors.Is(err, store.ErrNameTaken) {
		return Reply(messages.NameTaken(g.Name))
	}
	if err != nil {
		return a.failed(in, err)
	}
	defer a.Locks.Lock(g.ID)()
	channelID, err := a.Discord.CreateGroupChannel(ctx, GroupChannelSpec(g, settings))
	if err != nil {
		a.Log.Warn("create undone: channel not made", "group", g.ID, "err", err)
		undo, cancel := undoContext(ctx)
		defer cancel()
		a.deleteGroup(undo, g.ID)
		return Reply(messages.DiscordFailed)
	}
	if err := a.Store.SetGroupChannel(ctx, g.ID, channelID); err != nil {
		// Without the channel id stored, the two cannot be kept in step.
		undo, cancel := undoContext(ctx)
		defer cancel()
		if derr := a.Discord.ArchiveChannel(undo, channelID, nil, true); derr != nil {
			a.Log.Error("undo create: deleting the channel failed", "group", g.ID, "channel", channelID, "err", derr)
		}
		a.deleteGroup(undo, g.ID)
		return a.failed(in, err)
	}
	g.ChannelID = channelID
	a.reschedule(ctx, g.ID)
	a.Log.Info("group created", "guild", g.GuildID, "group", g.ID, "kind", g.Kind)
	a.note(ctx, g.GuildID, messages.NoteCreated(g.Name, string(g.Kind), in.UserID))
	return Reply(messages.Created(g.Name, string(g.Kind), g.Capacity, channelID, g.StartAt, a.upcoming(g, 3)))
}

func (a *App) deleteGroup(ctx context.Context, id int64) {
	if err := a.Store.DeleteGroup(ctx, id); err != nil {
		a.Log.Error("undo create failed", "group", id, "err", err)
	}
}

// groupFromOptions validates /group create's options. It returns the group
// to store, or a message saying what to fix.
func (a *App) groupFromOptions(in *Interaction, settings store.Settings) (store.Group, string) {
	o := in.Options
	g := store.Group{
		GuildID:       in.GuildID,
		Name:          o.String("name"),
		Kind:          store.Kind(o.String("type")),
		Description:   o.String("description"),
		FacilitatorID: o.String("facilitator"),
		CreatedBy:     in.UserID,
		CreatedAt:     a.now(),
	}
	switch {
	case g.Name == "":
		return g, messages.NameEmpty
	case utf8.RuneCountInString(g.Name) > maxNameLen:
		return g, messages.NameTooLong
	case !plainName(g.Name):
		return g, messages.NameInvalid
	case g.Kind != store.KindOpen && g.Kind != store.KindClosed:
		return g, messages.KindInvalid
	case utf8.RuneCountInString(g.Description) > maxDescriptionLen:
		return g, messages.DescriptionLong
	}
	if n, ok := o.Int("capacity"); ok {
		if n < 1 || n > maxCapacity {
			return g, messages.CapacityRange
		}
		g.Capacity = int(n)
	}
	if n, ok := o.Int("sessions"); ok {
		if n < 1 || n > maxSessions {
			return g, messages.SessionsRange
		}
		if g.Kind != store.KindClosed {
			return g, messages.SessionsOpen
		}
		g.Sessions = int(n)
	}
	tz, loc, msg := a.timezoneOption(in, settings)
	if msg != "" {
		return g, msg
	}
	g.Timezone = tz
	if start := o.String("start"); start != "" {
		if g.Kind != store.KindClosed {
			return g, messages.StartOpen
		}
		t, ok := parseStart(start, loc)
		if !ok {
			return g, messages.StartInvalid(start)
		}
		if !t.After(a.now()) {
			return g, messages.StartPast
		}
		g.StartAt = t
	}
	spec, reminders, msg := scheduleOptions(in)
	if msg != "" {
		return g, msg
	}
	g.Schedule, g.Reminders = spec, reminders
	return g, ""
}

// timezoneOption returns the timezone option, else the server's, else the
// configured default.
func (a *App) timezoneOption(in *Interaction, settings store.Settings) (string, *time.Location, string) {
	tz := in.Options.String("timezone")
	if tz == "" {
		tz = settings.Timezone
	}
	if tz == "" {
		tz = a.DefaultTimezone
	}
	loc, ok := loadTimezone(tz)
	if !ok {
		return "", nil, messages.TimezoneInvalid(tz)
	}
	return tz, loc, ""
}

// scheduleOptions validates the schedule and reminder options.
func scheduleOptions(in *Interaction) (spec, reminders, msg string) {
	spec = in.Options.String("schedule")
	if spec != "" {
		if _, err := scheduler.ParseSchedule(spec); err != nil {
			return "", "", err.Error()
		}
	}
	reminders = in.Options.String("reminder")
	if reminders == "" {
		reminders = "30m"
	}
	if _, err := scheduler.ParseReminders(reminders); err != nil {
		return "", "", err.Error()
	}
	return spec, reminders, ""
}

// GroupChannelSpec describes the private channel of g in a server with
// settings; reconciliation uses it to remake a missing channel.
func GroupChannelSpec(g store.Group, settings store.Settings) ChannelSpec {
	return ChannelSpec{
		GuildID:         g.GuildID,
		Name:            ChannelName(g.Name),
		Topic:           messages.ChannelTopic(g.Name, g.Description),
		CategoryID:      settings.CategoryID,
		ModeratorRoleID: settings.ModeratorRoleID,
		FacilitatorID:   g.FacilitatorID,
	}
}

// upcoming returns up to n next sessions of g.
func (a *App) upcoming(g store.Group, n int) []time.Time {
	if g.Schedule == "" || a.Scheduler == nil {
		return nil
	}
	return a.Scheduler.UpcomingSessions(g, a.now(), n)
}

func (a *App) nextSession(g store.Group) (time.Time, bool) {
	if t := a.upcoming(g, 1); len(t) > 0 {
		return t[0], true
	}
	return time.Time{}, false
}

func (a *App) startGroup(ctx context.Context, in *Interaction) Response {
	g, refusal := a.managedGroup(ctx, in)
	if refusal != nil {
		return *refusal
	}
	at := a.now()
	if a.Scheduler != nil {
		at = a.Scheduler.StartedAt(g, at) // a session under way counts
	}
	switch err := a.Store.Lock(ctx, g.ID, at); {
	case errors.Is(err, store.ErrNotClosed):
		return Reply(messages.StartOpenGroup(g.Name))
	case errors.Is(err, store.ErrAlreadyLocked):
		return Reply(messages.AlreadyStarted(g.Name))
	case errors.Is(err, store.ErrArchived):
		return Reply(messages.Archived(g.Name))
	case err != nil:
		return a.failed(in, err)
	}
	a.reschedule(ctx, g.ID)
	a.Log.Info("group started", "guild", g.GuildID, "group", g.ID)
	a.note(ctx, g.GuildID, messages.NoteStarted(g.Name, in.UserID))
	return Reply(messages.Started(g.Name, g.MemberCount))
}

func (a *App) scheduleGroup(ctx context.Context, in *Interaction) Response {
	g, refusal := a.managedGroup(ctx, in)
	if refusal != nil {
		return *refusal
	}
	settings, err := a.Store.Settings(ctx, in.GuildID)
	if err != nil {
		return a.failed(in, err)
	}
	if !in.Options.Has("timezone") {
		settings.Timezone = g.Timezone // keep the group's own zone
	}
	tz, _, msg := a.timezoneOption(in, settings)
	if msg != "" {
		return Reply(msg)
	}
	spec, reminders, msg := scheduleOptions(in)
	if msg != "" {
		return Reply(msg)
	}
	if spec == "" {
		return Reply(messages.ScheduleEmpty)
	}
	if !in.Options.Has("reminder") {
		reminders = g.Reminders
	}
	if g.State == store.StateLocked && g.Sessions > 0 && a.Scheduler != nil {
		// Sessions held so far count toward the commitment; the new
		// schedule goes on from here.
		now := a.now()
		err = a.Store.SetScheduleCounting(ctx, g.ID, spec, tz, reminders, a.Scheduler.SessionsHeld(g, now), now)
	} else {
		err = a.Store.SetSchedule(ctx, g.ID, spec, tz, reminders)
	}
	if err != nil {
		return a.failed(in, err)
	}
	g, err = a.Store.Group(ctx, g.ID)
	if err != nil {
		return a.failed(in, err)
	}
	a.reschedule(ctx, g.ID)
	return Reply(messages.Scheduled(g.Name, reminders, a.upcoming(g, 3)))
}

func (a *App) groupInfo(ctx context.Context, in *Interaction) Response {
	g, refusal := a.managedGroup(ctx, in)
	if refusal != nil {
		return *refusal
	}
	return Reply(messages.Info(messages.GroupInfo{
		Name: g.Name, Kind: string(g.Kind), State: groupState(g), Capacity: g.Capacity,
		Members: g.MemberCount, StartAt: g.StartAt, Sessions: g.Sessions, Schedule: g.Schedule,
		Timezone: g.Timezone, Reminders: g.Reminders, Description: g.Description,
		FacilitatorID: g.FacilitatorID, ChannelID: g.ChannelID, Next: a.upcoming(g, 3),
	}))
}

func (a *App) groupMembers(ctx context.Context, in *Interaction) Response {
	g, refusal := a.managedGroup(ctx, in)
	if refusal != nil {
		return *refusal
	}
	ids, err := a.Store.Members(ctx, g.ID)
	if err != nil {
		return a.failed(in, err)
	}
	return Reply(messages.Roster(g.Name, ids))
}

func (a *App) removeMember(ctx context.Context, in *Interaction) Response {
	g, refusal := a.managedGroup(ctx, in)
	if refusal != nil {
		return *refusal
	}
	user := in.Options.String("user")
	if user == "" {
		return Reply(messages.UserRequired)
	}
	return a.removeFromGroup(ctx, in, g, user,
		func() Response {
			a.Log.Info("member removed", "guild", g.GuildID, "group", g.ID)
			return Reply(messages.Removed(g.Name, user))
		},
		func() Response { return Reply(messages.NotAMember(g.Name, user)) })
}

func (a *App) archiveGroup(ctx context.Context, in *Interaction) Response {
	g, refusal := a.managedGroup(ctx, in)
	if refusal != nil {
		return *refusal
	}
	switch err := a.Archive(ctx, g.ID); {
	case errors.Is(err, errDiscord):
		return Reply(messages.DiscordFailed)
	case errors.Is(err, store.ErrArchived):
		return Reply(messages.AlreadyArchived(g.Name))
	case err != nil:
		return a.failed(in, err)
	}
	return Reply(messages.ArchivedDone(g.Name, a.DeleteOnArchive))
}

var errDiscord = errors.New("discord refused the change")

// Archive ends a group: the database first, then its channel (read-only, or
// deleted per groups.on_archive), undoing the first if the second fails.
// The scheduler calls it too, when a closed group completes.
func (a *App) Archive(ctx context.Context, groupID int64) error {
	return a.archive(ctx, groupID, true)
}

// archive is Archive; rescheduleOnUndo says whether a failed archive hands
// the group back to the scheduler, which the scheduler's own completion,
// retrying with its backoff, must not.
func (a *App) archive(ctx context.Context, groupID int64, rescheduleOnUndo bool) error {
	defer a.Locks.Lock(groupID)()
	g, err := a.Store.Group(ctx, groupID)
	if err != nil {
		return err
	}
	prev, err := a.Store.Archive(ctx, g.ID, a.now())
	if err != nil {
		return err
	}
	if g.ChannelID != "" {
		// Read after the archive: from now on nobody joins.
		members, err := a.Store.Members(ctx, g.ID)
		if err == nil {
			err = a.Discord.ArchiveChannel(ctx, g.ChannelID, members, a.DeleteOnArchive)
			if err != nil {
				err = errors.Join(errDiscord, err)
			}
		}
		if err != nil {
			a.Log.Warn("archive undone: channel change failed", "group", g.ID, "err", err)
			undo, cancel := undoContext(ctx)
			defer cancel()
			if uerr := a.Store.Unarchive(undo, g.ID, prev); uerr != nil {
				a.Log.Error("undo archive failed", "group", g.ID, "err", uerr)
			}
			if rescheduleOnUndo {
				a.reschedule(undo, g.ID) // the scheduler may have set its jobs aside meanwhile
			}
			return err
		}
	}
	a.reschedule(ctx, g.ID)
	a.Log.Info("group archived", "guild", g.GuildID, "group", g.ID)
	a.note(ctx, g.GuildID, messages.NoteArchived(g.Name))
	return nil
}

// CompleteGroup archives a closed group after its last session; it is the
// scheduler's way in.
func (a *App) CompleteGroup(ctx context.Context, groupID int64) error {
	err := a.archive(ctx, groupID, false)
	if errors.Is(err, store.ErrArchived) {
		return nil
	}
	return err
}
