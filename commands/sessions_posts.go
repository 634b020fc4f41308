package commands

import (
	"context"
	"errors"
	"strconv"
	"time"

	"hearth/domain"
	"hearth/internal/signed"
)

// sessionButton reads a session post's or a reminder's button: its group
// (of this server, when pressed in one) and session. Those buttons sit on
// messages every member sees, so they are signed for no one in particular.
func (a *App) sessionButton(ctx context.Context, in *Interaction) (domain.Group, time.Time, *Response, error) {
	parts, ok := signed.IDs{Key: a.Key}.Check("", in.CustomID)
	refuse := func() (domain.Group, time.Time, *Response, error) {
		r := Reply(Printer(in).NotYourButton())
		return domain.Group{}, time.Time{}, &r, nil
	}
	if !ok || len(parts) != 2 {
		return refuse()
	}
	id, err1 := strconv.ParseInt(parts[0], 10, 64)
	at, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil {
		return refuse()
	}
	g, err := a.Store.Group(ctx, id)
	if errors.Is(err, domain.ErrNoGroup) || (err == nil && in.GuildID != "" && g.GuildID != in.GuildID) {
		return refuse()
	}
	return g, time.Unix(at, 0).UTC(), nil, err
}

// checkIn answers I'm here: during the session (its start to its start
// plus the group's duration) a member is marked present; anyone else, or
// a press outside the session, is told why not and nothing changes.
func (a *App) checkIn(ctx context.Context, in *Interaction) (Response, error) {
	g, session, refusal, err := a.sessionButton(ctx, in)
	if refusal != nil || err != nil {
		return deref(refusal), err
	}
	p := Printer(in)
	duration, err := a.Store.SessionDuration(ctx, g.ID)
	if err != nil {
		return Response{}, err
	}
	now := a.now()
	switch {
	case now.Before(session):
		return Reply(p.CheckInNotYet(session)), nil
	case !now.Before(session.Add(duration)):
		return Reply(p.CheckInOver()), nil
	}
	before, err := a.Store.MarkSession(ctx, g.ID, session, in.UserID, domain.MarkHere, now)
	switch {
	case errors.Is(err, domain.ErrNotMember):
		setOutcome(ctx, OutcomeRefused)
		return Reply(p.CheckInNotMember()), nil
	case err != nil:
		return Response{}, err
	case before == domain.MarkHere:
		return Reply(p.CheckedInAlready()), nil
	case before == domain.MarkExcused:
		return Reply(p.CheckedInUndid()), nil
	}
	return Reply(p.CheckedIn()), nil
}

// excuse answers Can't make it, on a reminder or a session post: until the
// session ends, a member is marked excused for it, which only the
// facilitator and moderators see. A check-in is not undone by it.
func (a *App) excuse(ctx context.Context, in *Interaction) (Response, error) {
	g, session, refusal, err := a.sessionButton(ctx, in)
	if refusal != nil || err != nil {
		return deref(refusal), err
	}
	p := Printer(in)
	duration, err := a.Store.SessionDuration(ctx, g.ID)
	if err != nil {
		return Response{}, err
	}
	now := a.now()
	if !now.Before(session.Add(duration)) {
		return Reply(p.CheckInOver()), nil
	}
	before, err := a.Store.MarkSession(ctx, g.ID, session, in.UserID, domain.MarkExcused, now)
	switch {
	case errors.Is(err, domain.ErrNotMember):
		setOutcome(ctx, OutcomeRefused)
		return Reply(p.CheckInNotMember()), nil
	case errors.Is(err, domain.ErrCheckedIn):
		return Reply(p.ExcusedCheckedIn()), nil
	case err != nil:
		return Response{}, err
	case before == domain.MarkExcused:
		return Reply(p.ExcusedAlready()), nil
	}
	return Reply(p.Excused()), nil
}

// setReminders answers /reminders mode:<channel|dm|off> [group:]: how the
// caller is reminded, of one of their groups or of all of them here.
func (a *App) setReminders(ctx context.Context, in *Interaction) (Response, error) {
	p := Printer(in)
	mode := domain.ReminderMode(in.Options.String("mode"))
	if !mode.Valid() {
		return Reply(p.RemindersBadMode()), nil
	}
	name := in.Options.String("group")
	if name == "" {
		if err := a.Store.SetReminderMode(ctx, in.GuildID, in.UserID, 0, mode); err != nil {
			return Response{}, err
		}
		return Reply(p.RemindersSet("", string(mode))), nil
	}
	g, err := a.Store.GroupByName(ctx, in.GuildID, name)
	if errors.Is(err, domain.ErrNoGroup) {
		return Reply(p.RemindersNotMember(name)), nil
	}
	if err != nil {
		return Response{}, err
	}
	member, err := a.Store.IsMember(ctx, g.ID, in.UserID)
	if err != nil {
		return Response{}, err
	}
	if !member {
		return Reply(p.RemindersNotMember(g.Name)), nil
	}
	if err := a.Store.SetReminderMode(ctx, in.GuildID, in.UserID, g.ID, mode); err != nil {
		return Response{}, err
	}
	return Reply(p.RemindersSet(g.Name, string(mode))), nil
}

// suggestMine offers the caller's own groups.
func (a *App) suggestMine(ctx context.Context, in *Interaction) (Response, error) {
	return a.suggest(ctx, in, domain.OwnGroup)
}

// tellDMClosed adds, once, to the caller's next ephemeral reply that a
// reminder they chose to get by direct message could not be sent and they
// were mentioned in the channel instead: a direct message could not tell
// them, and the channel is no place to.
func (a *App) tellDMClosed(next Handler) Handler {
	return func(ctx context.Context, in *Interaction) (Response, error) {
		resp, err := next(ctx, in)
		if err != nil || resp.None || resp.Modal != nil || resp.Update || in.Type == TypeAutocomplete || resp.Content == "" {
			return resp, err
		}
		note := Printer(in).DMClosedNotice()
		if len([]rune(resp.Content))+len([]rune(note))+2 > 2000 {
			return resp, nil // next time
		}
		if _, ok, terr := a.Store.TakeDMNotice(ctx, in.UserID); terr != nil {
			a.Log.Warn("reading a direct-message notice failed", "err", terr)
		} else if ok {
			resp.Content += "\n\n" + note
		}
		return resp, nil
	}
}
