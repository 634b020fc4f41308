package commands

import (
	"context"
	"errors"
	"strconv"

	"hearth/domain"
	"hearth/groups"
)

// Custom-id prefixes of the waitlist's buttons.
const (
	waitlistID = "wait"
	interestID = "interest"
)

// full answers /join on a full group: the waitlist is offered.
func (a *App) full(in *Interaction, g domain.Group) Response {
	p := Printer(in)
	return Response{Content: p.FullWaitlist(g.Name), Buttons: []Button{{
		CustomID: a.signedID(in.UserID, waitlistID, strconv.FormatInt(g.ID, 10)),
		Label:    p.WaitlistButton(), Style: ButtonPrimary}}}
}

// locked answers /join on a group that has started: a closed group offers
// to tell of its next cohort.
func (a *App) locked(in *Interaction, g domain.Group) Response {
	p := Printer(in)
	if g.Kind != domain.KindClosed {
		return Reply(p.Locked(g.Name))
	}
	return Response{Content: p.LockedInterest(g.Name), Buttons: []Button{{
		CustomID: a.signedID(in.UserID, interestID, strconv.FormatInt(g.ID, 10)),
		Label:    p.InterestButton(), Style: ButtonPrimary}}}
}

// joinWaitlist answers "Join the waitlist".
func (a *App) joinWaitlist(ctx context.Context, in *Interaction) (Response, error) {
	g, _, refusal, err := a.buttonGroup(ctx, in)
	if refusal != nil || err != nil {
		return deref(refusal), err
	}
	p := Printer(in)
	if member, err := a.Store.IsMember(ctx, g.ID, in.UserID); err != nil || member {
		return Response{Content: p.AlreadyMember(g.Name, g.ChannelID), Update: true}, err
	}
	if g.State == domain.StateArchived {
		return Response{Content: p.Archived(g.Name), Update: true}, nil
	}
	place, err := a.Store.AddWaiting(ctx, g.ID, in.UserID, domain.SeatList, a.now())
	if err != nil {
		return Response{}, err
	}
	// A seat may have freed since /join said full.
	if err := a.Groups.SeatsFreed(ctx, g.ID); err != nil {
		a.Log.Warn("offering seats failed", "group", g.ID, "err", err)
	}
	return Response{Content: p.WaitlistJoined(g.Name, place), Update: true}, nil
}

// joinInterest answers "Tell me when the next cohort opens".
func (a *App) joinInterest(ctx context.Context, in *Interaction) (Response, error) {
	g, _, refusal, err := a.buttonGroup(ctx, in)
	if refusal != nil || err != nil {
		return deref(refusal), err
	}
	if _, err := a.Store.AddWaiting(ctx, g.ID, in.UserID, domain.InterestList, a.now()); err != nil {
		return Response{}, err
	}
	return Response{Content: Printer(in).InterestJoined(g.Name), Update: true}, nil
}

// offer reads the seat offer a signed button is about, for its person.
func (a *App) offer(ctx context.Context, in *Interaction) (domain.Offer, domain.Group, *Response, error) {
	p := Printer(in)
	parts, ok := a.verifyID(in.UserID, in.CustomID)
	if !ok || len(parts) != 1 {
		r := Reply(p.NotYourButton())
		return domain.Offer{}, domain.Group{}, &r, nil
	}
	id, _ := strconv.ParseInt(parts[0], 10, 64)
	o, err := a.Store.Offer(ctx, id)
	if errors.Is(err, domain.ErrNoOffer) || (err == nil && (o.UserID != in.UserID || !o.Held(a.now()))) {
		r := Response{Content: p.OfferGone(), Update: true}
		return o, domain.Group{}, &r, nil
	}
	if err != nil {
		return o, domain.Group{}, nil, err
	}
	g, err := a.Store.Group(ctx, o.GroupID)
	return o, g, nil, err
}

// takeSeat answers "Take my seat": through the agreement when the group
// has guidelines, else a join (which takes the held seat).
func (a *App) takeSeat(ctx context.Context, in *Interaction) (Response, error) {
	_, g, refusal, err := a.offer(ctx, in)
	if refusal != nil || err != nil {
		return deref(refusal), err
	}
	if g.Guidelines != "" {
		return a.agreement(in, g), nil
	}
	return a.joinByButton(ctx, in, g, 0)
}

// declineSeat answers "No, thanks": the seat goes to the next person.
func (a *App) declineSeat(ctx context.Context, in *Interaction) (Response, error) {
	o, _, refusal, err := a.offer(ctx, in)
	if refusal != nil || err != nil {
		return deref(refusal), err
	}
	p := Printer(in)
	switch err := a.Groups.Decline(ctx, o); {
	case errors.Is(err, domain.ErrNoOffer):
		return Response{Content: p.OfferGone(), Update: true}, nil
	case err != nil:
		return Response{}, err
	}
	return Response{Content: p.OfferDeclined(), Update: true}, nil
}

// joinCohort answers the Join button of an invitation to a next cohort.
func (a *App) joinCohort(ctx context.Context, in *Interaction) (Response, error) {
	g, _, refusal, err := a.buttonGroup(ctx, in)
	if refusal != nil || err != nil {
		return deref(refusal), err
	}
	if g.Guidelines != "" {
		return a.agreement(in, g), nil
	}
	return a.joinByButton(ctx, in, g, 0)
}

// joinByButton joins the presser to g (having agreed to version of its
// guidelines; 0: none), answering in place of the button. A join against
// guidelines it did not agree to shows them (agreed 0) or says they
// changed.
func (a *App) joinByButton(ctx context.Context, in *Interaction, g domain.Group, agreed int) (Response, error) {
	p := Printer(in)
	update := func(content string) (Response, error) { return Response{Content: content, Update: true}, nil }
	switch err := a.Groups.Join(ctx, g, in.UserID, agreed); {
	case errors.Is(err, domain.ErrGuidelinesChanged) && agreed != 0:
		return update(p.GuidelinesChanged(g.Name))
	case errors.Is(err, domain.ErrGuidelinesChanged):
		g, err := a.Store.Group(ctx, g.ID)
		if err != nil {
			return Response{}, err
		}
		return a.agreement(in, g), nil
	case errors.Is(err, domain.ErrAlreadyMember):
		return update(p.AlreadyMember(g.Name, g.ChannelID))
	case errors.Is(err, domain.ErrLocked):
		return update(p.Locked(g.Name))
	case errors.Is(err, domain.ErrFull):
		return update(p.Full(g.Name))
	case errors.Is(err, domain.ErrArchived), errors.Is(err, domain.ErrNoGroup):
		return update(p.Archived(g.Name))
	case errors.Is(err, groups.ErrDiscord):
		return update(p.DiscordFailed())
	case err != nil:
		return Response{}, err
	}
	next, _ := g.NextSession(a.now())
	return update(p.Joined(g.Name, g.ChannelID, next))
}

// showWaitlist answers /group waitlist: both lists, in order, for the
// group's managers; mentions in replies ping nobody.
func (a *App) showWaitlist(ctx context.Context, in *Interaction, g domain.Group) (Response, error) {
	seat, err := a.Store.Waiting(ctx, g.ID, domain.SeatList)
	if err != nil {
		return Response{}, err
	}
	interest, err := a.Store.Waiting(ctx, g.ID, domain.InterestList)
	if err != nil {
		return Response{}, err
	}
	return Reply(Printer(in).WaitlistView(g.Name, seat, interest)), nil
}

// nextCohort answers /group next: a closed group's next cohort, with the
// same settings and a channel of its own; everyone waiting for it is
// invited by direct message, and the list moves to it.
func (a *App) nextCohort(ctx context.Context, in *Interaction, prev domain.Group) (Response, error) {
	p := Printer(in)
	if prev.Kind != domain.KindClosed {
		return Reply(p.NextNotClosed(prev.Name)), nil
	}
	g := domain.Group{GuildID: prev.GuildID, Name: in.Options.String("name"), Kind: domain.KindClosed,
		Capacity: prev.Capacity, Sessions: prev.Sessions, Schedule: prev.Schedule, Timezone: prev.Timezone,
		Reminders: prev.Reminders, Description: prev.Description, FacilitatorID: prev.FacilitatorID,
		Guidelines: prev.Guidelines, CreatedBy: in.UserID, CreatedAt: a.now()}
	if err := domain.CheckName(g.Name); err != nil {
		return Response{}, err
	}
	if start := in.Options.String("start"); start != "" {
		loc, err := domain.LoadTimezone(g.Timezone)
		if err != nil {
			return Response{}, err
		}
		if g.StartAt, err = domain.ParseStart(start, loc, a.now()); err != nil {
			return Response{}, err
		}
	}
	g, err := a.Groups.Create(ctx, g)
	switch {
	case errors.Is(err, domain.ErrNameTaken):
		return Reply(p.NameTaken(g.Name)), nil
	case errors.Is(err, groups.ErrDiscord):
		return Reply(p.DiscordFailed()), nil
	case err != nil:
		return Response{}, err
	}
	waiting, err := a.Store.MoveInterest(ctx, prev.ID, g.ID)
	if err != nil {
		return Response{}, err
	}
	invited := a.Groups.Invite(ctx, g, waiting)
	return Reply(p.NextCreated(g.Name, g.ChannelID, invited)), nil
}
