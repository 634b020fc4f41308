package commands

import (
	"context"
	"errors"
	"strings"

	"hearth/domain"
	"hearth/groups"
	"hearth/messages"
)

// listGroups answers /groups: every live group with its kind, status, seats
// and next session, marking those the caller is in. It names no members.
func (a *App) listGroups(ctx context.Context, in *Interaction) (Response, error) {
	p := Printer(in)
	l, err := a.Store.ListGroups(ctx, in.GuildID, in.UserID, messages.MaxListed)
	if err != nil {
		return Response{}, err
	}
	if l.Total == 0 {
		return Reply(p.NoGroups()), nil
	}
	now := a.now()
	lines := make([]string, 0, len(l.Groups))
	for _, g := range l.Groups {
		next, _ := g.NextSession(now)
		line := p.GroupLine(g.Name, g.Kind, g.Status(now), g.SeatsLeft(), next, l.Mine[g.ID], l.Waiting[g.ID])
		if l.Mine[g.ID] && g.Schedule != "" {
			// Their own record, and nobody else's.
			attended, held, ok, err := a.ownAttendance(ctx, g.ID, in.UserID)
			if err != nil {
				return Response{}, err
			}
			if ok {
				line += " · " + p.YourAttendance(attended, held)
			}
		}
		lines = append(lines, line)
	}
	return Reply(p.GroupList(lines, l.Total)), nil
}

func (a *App) join(ctx context.Context, in *Interaction) (Response, error) {
	p := Printer(in)
	name := in.Options.String("group")
	if name == "" {
		return Response{}, domain.Input("group", domain.ProblemRequired)
	}
	g, err := a.Store.GroupByName(ctx, in.GuildID, name)
	if errors.Is(err, domain.ErrNoGroup) {
		return Reply(p.UnknownGroup(name)), nil
	}
	if err != nil {
		return Response{}, err
	}
	if g.ChannelID == "" {
		// Its channel is still being made (or repaired at start-up).
		return Reply(p.NotReady(g.Name)), nil
	}
	if g.Guidelines != "" {
		// Agreement first; the button checks everything again.
		switch member, err := a.Store.IsMember(ctx, g.ID, in.UserID); {
		case err != nil:
			return Response{}, err
		case member:
			return Reply(p.AlreadyMember(g.Name, g.ChannelID)), nil
		}
		if err := g.JoinRefusal(a.now()); err == nil {
			return a.agreement(in, g), nil
		}
	}
	switch err := a.Groups.Join(ctx, g, in.UserID, 0); {
	case errors.Is(err, domain.ErrGuidelinesChanged):
		// Guidelines were written meanwhile: show them.
		if g, err = a.Store.Group(ctx, g.ID); err != nil {
			return Response{}, err
		}
		return a.agreement(in, g), nil
	case errors.Is(err, domain.ErrAlreadyMember):
		return Reply(p.AlreadyMember(g.Name, g.ChannelID)), nil
	case errors.Is(err, domain.ErrLocked):
		return a.locked(in, g), nil
	case errors.Is(err, domain.ErrFull):
		return a.full(in, g), nil
	case errors.Is(err, domain.ErrArchived), errors.Is(err, domain.ErrNoGroup):
		return Reply(p.Archived(g.Name)), nil
	case errors.Is(err, groups.ErrDiscord):
		return Reply(p.DiscordFailed()), nil
	case err != nil:
		return Response{}, err
	}
	next, _ := g.NextSession(a.now())
	return Reply(p.Joined(g.Name, g.ChannelID, next)), nil
}

func (a *App) leave(ctx context.Context, in *Interaction) (Response, error) {
	p := Printer(in)
	name := in.Options.String("group")
	if name == "" {
		return Response{}, domain.Input("group", domain.ProblemRequired)
	}
	g, err := a.groupToLeave(ctx, in, name)
	if errors.Is(err, domain.ErrNoGroup) {
		return Reply(p.UnknownGroup(name)), nil
	}
	if err != nil {
		return Response{}, err
	}
	left, err := a.Groups.Remove(ctx, g.ID, in.UserID)
	switch {
	case errors.Is(err, domain.ErrNotMember), errors.Is(err, domain.ErrNoGroup):
		// Not in it: maybe waiting for it, or holding a seat offered to
		// them. Leaving takes them off, and lets the seat go.
		seat, serr := a.Store.RemoveWaiting(ctx, g.ID, in.UserID, domain.SeatList)
		interest, ierr := a.Store.RemoveWaiting(ctx, g.ID, in.UserID, domain.InterestList)
		held, herr := a.Groups.DeclineHeld(ctx, g.ID, in.UserID)
		if err := errors.Join(serr, ierr, herr); err != nil {
			return Response{}, err
		}
		if seat || interest || held {
			return Reply(p.LeftWaitlist(g.Name)), nil
		}
		return Reply(p.NotMember(g.Name)), nil
	case errors.Is(err, groups.ErrDiscord):
		return Reply(p.DiscordFailed()), nil
	case err != nil:
		return Response{}, err
	}
	switch left.State {
	case domain.StateArchived:
		return Reply(p.LeftArchived(g.Name)), nil
	case domain.StateLocked:
		return Reply(p.LeftLocked(g.Name)), nil
	}
	return Reply(p.Left(g.Name)), nil
}

// groupToLeave resolves /leave's group: the live group of that name if the
// caller is in it, else an archived one they are still in, else the live one
// (so that they hear they are not in it).
func (a *App) groupToLeave(ctx context.Context, in *Interaction, name string) (domain.Group, error) {
	live, err := a.Store.GroupByName(ctx, in.GuildID, name)
	if err != nil && !errors.Is(err, domain.ErrNoGroup) {
		return live, err
	}
	if err == nil {
		if member, err := a.Store.IsMember(ctx, live.ID, in.UserID); err != nil || member {
			return live, err
		}
	}
	if archived, aerr := a.archivedGroupOf(ctx, in, name); !errors.Is(aerr, domain.ErrNoGroup) {
		return archived, aerr
	}
	return live, err
}

// archivedGroupOf finds an archived group called name that the caller is
// still in, so they can leave a read-only channel they no longer want to see,
// even when a new group has taken the name. With deleted archives there is
// no channel left to leave.
func (a *App) archivedGroupOf(ctx context.Context, in *Interaction, name string) (domain.Group, error) {
	if a.DeleteOnArchive {
		return domain.Group{}, domain.ErrNoGroup
	}
	archived, err := a.Store.ArchivedUserGroups(ctx, in.GuildID, in.UserID)
	if err != nil {
		return domain.Group{}, err
	}
	for _, g := range archived {
		if domain.NameKey(g.Name) == domain.NameKey(name) {
			return g, nil
		}
	}
	return domain.Group{}, domain.ErrNoGroup
}

// suggestJoinable offers the groups the caller can join (enrolling, and not
// theirs), matching what they typed anywhere in the name.
func (a *App) suggestJoinable(ctx context.Context, in *Interaction) (Response, error) {
	return a.suggest(ctx, in, domain.JoinableGroup)
}

// suggestOwn offers the caller's own groups, for /leave, including archived
// ones whose read-only channel they can still see.
func (a *App) suggestOwn(ctx context.Context, in *Interaction) (Response, error) {
	resp, err := a.suggest(ctx, in, domain.OwnGroup)
	if err != nil || a.DeleteOnArchive || len(resp.Choices) == maxChoices {
		return resp, err
	}
	archived, err := a.Store.ArchivedUserGroups(ctx, in.GuildID, in.UserID)
	if err != nil {
		return Response{}, err
	}
	typed := domain.NameKey(in.Options.String(in.Focused))
	for _, g := range archived {
		if len(resp.Choices) < maxChoices && strings.Contains(domain.NameKey(g.Name), typed) {
			resp.Choices = append(resp.Choices, nameChoice(g.Name))
		}
	}
	return resp, nil
}

// maxChoices is Discord's limit on autocomplete suggestions.
const maxChoices = 25

// suggest offers up to 25 groups passing filter whose name contains what
// the caller typed, ignoring case.
func (a *App) suggest(ctx context.Context, in *Interaction, filter domain.Filter) (Response, error) {
	names, err := a.Store.SearchGroups(ctx, in.GuildID, in.UserID, in.Options.String(in.Focused), filter, maxChoices, a.now())
	if err != nil {
		return Response{}, err
	}
	choices := make([]Choice, 0, len(names))
	for _, name := range names {
		choices = append(choices, nameChoice(name))
	}
	return Response{Choices: choices}, nil
}

func nameChoice(name string) Choice { return Choice{Name: choiceName(name), Value: name} }

// choiceName fits a name into Discord's 100-character choice name.
func choiceName(name string) string {
	r := []rune(name)
	if len(r) > 100 {
		return string(r[:99]) + "…"
	}
	return name
}
