package commands

import (
	"context"
	"encoding/json"
	"errors"

	"hearth/domain"
	"hearth/groups"
	"hearth/messages"
)

// Custom-id prefixes of /forget's buttons.
const (
	forgetID       = "forget"
	cancelForgetID = "forget-cancel"
)

// privacyRoutes registers /mydata and /forget, for anyone in a server.
func (a *App) privacyRoutes(r *Router) {
	r.Handle("mydata", a.myData)
	r.Handle("forget", a.forget)
	r.HandleComponent(forgetID, a.confirmForget)
	r.HandleComponent(cancelForgetID, a.cancelForget)
}

// myData answers /mydata: everything Hearth keeps about the caller in this
// server, as a JSON file only they see, and a summary.
func (a *App) myData(ctx context.Context, in *Interaction) (Response, error) {
	d, err := a.Groups.People.Export(ctx, in.GuildID, in.UserID, a.now())
	if err != nil {
		return Response{}, err
	}
	body, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return Response{}, err
	}
	return Response{
		Content: Printer(in).MyDataSummary(len(d.Groups), len(d.Waiting), len(d.Agreements), len(d.Attendance)),
		Files:   []File{{Name: messages.MyDataFile, ContentType: "application/json", Data: append(body, '\n')}},
	}, nil
}

// forget answers /forget: what erasing means, and buttons that only the
// caller can use. A facilitator of a live group is asked to have a
// moderator hand it on first.
func (a *App) forget(ctx context.Context, in *Interaction) (Response, error) {
	p := Printer(in)
	names, err := a.Groups.People.FacilitatedGroups(ctx, in.GuildID, in.UserID)
	if err != nil {
		return Response{}, err
	}
	if len(names) > 0 {
		setOutcome(ctx, OutcomeRefused)
		return Reply(p.ForgetFacilitator(names)), nil
	}
	return Response{Content: p.ForgetConfirm(), Buttons: a.forgetButtons(in)}, nil
}

func (a *App) forgetButtons(in *Interaction) []Button {
	p := Printer(in)
	return []Button{
		{CustomID: a.signedID(in.UserID, forgetID, in.GuildID), Label: p.ForgetButton(), Style: ButtonDanger},
		{CustomID: a.signedID(in.UserID, cancelForgetID, in.GuildID), Label: p.CancelButton(), Style: ButtonSecondary},
	}
}

// ownForgetButton reports whether the button pressed was made for its
// presser, in this server.
func (a *App) ownForgetButton(in *Interaction) bool {
	parts, ok := a.verifyID(in.UserID, in.CustomID)
	return ok && len(parts) == 1 && parts[0] == in.GuildID
}

// confirmForget answers "Erase my data": the caller leaves every group of
// the server and is erased. One cut short is finished later on its own.
func (a *App) confirmForget(ctx context.Context, in *Interaction) (Response, error) {
	p := Printer(in)
	if !a.ownForgetButton(in) {
		setOutcome(ctx, OutcomeRefused)
		return Reply(p.ForgetNotYours()), nil
	}
	err := a.Groups.Forget(ctx, in.GuildID, in.UserID)
	switch {
	case errors.Is(err, domain.ErrFacilitates):
		names, ferr := a.Groups.People.FacilitatedGroups(ctx, in.GuildID, in.UserID)
		if ferr != nil {
			return Response{}, ferr
		}
		setOutcome(ctx, OutcomeRefused)
		return Response{Content: p.ForgetFacilitator(names), Update: true}, nil
	case errors.Is(err, groups.ErrErasurePending):
		a.Log.Warn("an erasure was cut short; it will be finished later", "err", err)
		return Response{Content: p.ForgetPending(), Buttons: a.forgetButtons(in), Update: true}, nil
	case err != nil:
		return Response{}, err
	}
	a.locales.Delete(in.UserID) // erased: a later interaction records it anew
	return Response{Content: p.ForgetDone(), Update: true}, nil
}

// cancelForget answers "Cancel": nothing changes.
func (a *App) cancelForget(ctx context.Context, in *Interaction) (Response, error) {
	p := Printer(in)
	if !a.ownForgetButton(in) {
		setOutcome(ctx, OutcomeRefused)
		return Reply(p.ForgetNotYours()), nil
	}
	return Response{Content: p.ForgetCancelled(), Update: true}, nil
}
