package commands

import (
	"context"
	"errors"

	"hearth/domain"
	"hearth/groups"
)

// moderatorOptions are the /group edit options only moderators may use;
// the group's facilitator may change its description.
var moderatorOptions = []string{"name", "capacity", "facilitator", "voice"}

// editGroup answers /group edit: a moderator may change the group's name,
// description, capacity and facilitator, its facilitator the description
// only. Everything is checked before anything changes.
func (a *App) editGroup(ctx context.Context, in *Interaction, g domain.Group) (Response, error) {
	p := Printer(in)
	var restricted []string
	for _, o := range moderatorOptions {
		if in.Options.Has(o) {
			restricted = append(restricted, o)
		}
	}
	if len(restricted) > 0 {
		mod, err := a.isModerator(ctx, in)
		if err != nil {
			return Response{}, err
		}
		if !mod {
			setOutcome(ctx, OutcomeRefused)
			return Reply(p.EditModeratorsOnly(g.Name, restricted)), nil
		}
	}
	c, err := editChanges(in.Options, g)
	if err != nil {
		return Response{}, err
	}
	voice, voiceGiven := in.Options.Bool("voice")
	if c.Empty() && voiceGiven {
		return a.editVoice(ctx, in, g, voice)
	}
	if c.Empty() {
		return Reply(p.EditNothing(g.Name)), nil
	}
	after, err := a.Groups.Edit(ctx, g.ID, c)
	switch {
	case errors.Is(err, domain.ErrNameTaken):
		return Reply(p.NameTaken(*c.Name)), nil
	case errors.Is(err, domain.ErrArchived), errors.Is(err, domain.ErrNoGroup):
		return Reply(p.Archived(g.Name)), nil
	case errors.Is(err, groups.ErrDiscord):
		return Reply(p.DiscordFailed()), nil
	case err != nil:
		return Response{}, err
	}
	a.Log.Info("group edited", "guild", g.GuildID, "group", g.ID)
	oldName, capacity, facilitator := "", 0, ""
	if c.Name != nil {
		oldName = g.Name
	}
	if c.Capacity != nil {
		capacity = after.Capacity
	}
	if c.FacilitatorID != nil {
		facilitator = after.FacilitatorID
	}
	reply := p.Edited(after.Name, oldName, c.Description != nil, capacity, facilitator)
	if voiceGiven {
		r, err := a.editVoice(ctx, in, after, voice)
		if err != nil {
			return Response{}, err
		}
		reply += "\n" + r.Content
	}
	return Reply(reply), nil
}

// editChanges validates /group edit's options against g as it is, by the
// rules /group create follows, and returns what differs from it.
func editChanges(o Options, g domain.Group) (domain.GroupChanges, error) {
	var c domain.GroupChanges
	if o.Has("name") {
		name := o.String("name")
		if err := domain.CheckName(name); err != nil {
			return c, err
		}
		if name != g.Name {
			c.Name = &name
		}
	}
	if o.Has("description") {
		d := o.String("description")
		if err := domain.CheckDescription(d); err != nil {
			return c, err
		}
		if d != g.Description {
			c.Description = &d
		}
	}
	if n, ok := o.Int("capacity"); ok {
		if err := domain.CheckCapacity(n, g.MemberCount+g.HeldSeats); err != nil {
			return c, err
		}
		if capacity := int(n); capacity != g.Capacity {
			c.Capacity = &capacity
		}
	}
	if o.Has("facilitator") {
		id := o.String("facilitator")
		if id == "" {
			return c, domain.Input("facilitator", domain.ProblemRequired)
		}
		if id != g.FacilitatorID {
			c.FacilitatorID = &id
		}
	}
	return c, nil
}
