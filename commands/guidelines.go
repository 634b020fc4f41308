package commands

import (
	"context"
	"errors"
	"strconv"
	"unicode/utf8"

	"hearth/domain"
)

// Custom-id prefixes of the agreement's buttons and the guidelines' modal.
const (
	agreeID      = "agree"
	cancelJoinID = "cancel-join"
	guidelinesID = "guidelines"
)

// agreement answers /join on a group with guidelines: the guidelines, and
// buttons to agree and join or to cancel, which only the caller can use.
func (a *App) agreement(in *Interaction, g domain.Group) Response {
	p := Printer(in)
	id, version := strconv.FormatInt(g.ID, 10), strconv.Itoa(g.GuidelinesVersion)
	return Response{
		Content: p.GuidelinesIntro(g.Name),
		Notice:  g.Guidelines,
		Buttons: []Button{
			{CustomID: a.signedID(in.UserID, agreeID, id, version), Label: p.AgreeButton(), Style: ButtonPrimary},
			{CustomID: a.signedID(in.UserID, cancelJoinID, id), Label: p.CancelButton(), Style: ButtonSecondary},
		},
	}
}

// buttonGroup reads the group a signed button or modal is about, for the
// person who pressed it; ok is false when the custom id was not made for
// them (or forged), and the reply says so.
func (a *App) buttonGroup(ctx context.Context, in *Interaction) (g domain.Group, parts []string, refusal *Response, err error) {
	parts, ok := a.verifyID(in.UserID, in.CustomID)
	if !ok || len(parts) == 0 {
		r := Reply(Printer(in).NotYourButton())
		return g, nil, &r, nil
	}
	id, perr := strconv.ParseInt(parts[0], 10, 64)
	if perr != nil {
		r := Reply(Printer(in).NotYourButton())
		return g, nil, &r, nil
	}
	g, err = a.Store.Group(ctx, id)
	// In a server, the group must be that server's; in a direct message,
	// the signature vouches for it.
	if errors.Is(err, domain.ErrNoGroup) || (err == nil && in.GuildID != "" && g.GuildID != in.GuildID) {
		r := Reply(Printer(in).NotYourButton())
		return g, nil, &r, nil
	}
	return g, parts[1:], nil, err
}

// agree answers "I agree and join": everything is checked again now (the
// group still open, not full, not started, the caller not in it, the
// guidelines unchanged), and the join is recorded with the agreement.
func (a *App) agree(ctx context.Context, in *Interaction) (Response, error) {
	g, parts, refusal, err := a.buttonGroup(ctx, in)
	if refusal != nil || err != nil {
		return deref(refusal), err
	}
	version, _ := strconv.Atoi(parts[0])
	if version == 0 {
		return Reply(Printer(in).NotYourButton()), nil // agree buttons always name a version
	}
	return a.joinByButton(ctx, in, g, version)
}

// cancelJoin answers "Cancel": nothing changes.
func (a *App) cancelJoin(ctx context.Context, in *Interaction) (Response, error) {
	g, _, refusal, err := a.buttonGroup(ctx, in)
	if refusal != nil || err != nil {
		return deref(refusal), err
	}
	return Response{Content: Printer(in).JoinCancelled(g.Name), Update: true}, nil
}

// editGuidelines answers /group guidelines with a form holding the
// group's guidelines as they are.
func (a *App) editGuidelines(_ context.Context, in *Interaction, g domain.Group) (Response, error) {
	p := Printer(in)
	return Response{Modal: &Modal{
		CustomID: a.signedID(in.UserID, guidelinesID, strconv.FormatInt(g.ID, 10)),
		Title:    p.GuidelinesModalTitle(),
		Inputs: []TextInput{{CustomID: "text", Label: p.GuidelinesModalLabel(), Paragraph: true,
			MaxLength: domain.MaxGuidelinesLen, Value: g.Guidelines}},
	}}, nil
}

// saveGuidelines stores the submitted guidelines as a new version; the
// caller must still manage the group.
func (a *App) saveGuidelines(ctx context.Context, in *Interaction) (Response, error) {
	p := Printer(in)
	g, _, refusal, err := a.buttonGroup(ctx, in)
	if refusal != nil || err != nil {
		return deref(refusal), err
	}
	if ok, err := a.manages(ctx, in, g); err != nil || !ok {
		return Reply(p.NotModerator()), err
	}
	text := in.Fields["text"]
	if utf8.RuneCountInString(text) > domain.MaxGuidelinesLen {
		return Response{}, domain.Input("guidelines", domain.ProblemTooLong).Max(domain.MaxGuidelinesLen)
	}
	version, err := a.Store.SetGuidelines(ctx, g.ID, text)
	switch {
	case errors.Is(err, domain.ErrNoGroup):
		return Reply(p.Archived(g.Name)), nil
	case err != nil:
		return Response{}, err
	case text == "":
		return Reply(p.GuidelinesRemoved(g.Name)), nil
	}
	return Reply(p.GuidelinesSaved(g.Name, version)), nil
}

func deref(r *Response) Response {
	if r == nil {
		return Response{}
	}
	return *r
}
