package commands

import (
	"context"
	"errors"
	"math/rand/v2"
	"strconv"

	"hearth/domain"
	"hearth/groups"
	"hearth/internal/signed"
	"hearth/messages"
)

// startRound answers /group round group: [add:]: without add, a talking
// round of the members present now, in a random order, posted in the
// group's channel; with add, a member who arrived late joins the end of the
// round under way.
func (a *App) startRound(ctx context.Context, in *Interaction, g domain.Group) (Response, error) {
	p := Printer(in)
	if g.State == domain.StateArchived {
		return Reply(p.Archived(g.Name)), nil
	}
	if g.ChannelID == "" {
		return Reply(p.RoundNoChannel(g.Name)), nil
	}
	unlock, err := a.Groups.Locks.Lock(ctx, g.ID) // one post edit at a time per group
	if err != nil {
		return Response{}, err
	}
	defer unlock()
	sp, err := a.serverPrinter(ctx, g.GuildID)
	if err != nil {
		return Response{}, err
	}
	if user := in.Options.String("add"); user != "" {
		r, err := a.Store.AddToRound(ctx, g.ID, user)
		switch {
		case errors.Is(err, domain.ErrNoRound):
			return Reply(p.RoundNone(g.Name)), nil
		case errors.Is(err, domain.ErrNotMember):
			return Reply(p.RoundAddNotMember(user, g.Name)), nil
		case errors.Is(err, domain.ErrInRound):
			return Reply(p.RoundAddIn(user)), nil
		case err != nil:
			return Response{}, err
		}
		if err := a.Groups.Discord.EditMessage(ctx, r.ChannelID, r.MessageID, roundText(sp, r), a.roundButtons(sp, r)); err != nil {
			return Response{}, err
		}
		return Reply(p.RoundAdded(user)), nil
	}
	present, err := a.Store.PresentMembers(ctx, g.ID, a.now())
	if err != nil {
		return Response{}, err
	}
	if len(present) == 0 {
		return Reply(p.RoundNobody()), nil
	}
	rand.Shuffle(len(present), func(i, j int) { present[i], present[j] = present[j], present[i] })
	r, err := a.Store.StartRound(ctx, g.ID, g.ChannelID, present, a.now())
	if errors.Is(err, domain.ErrRoundOpen) {
		return Reply(p.RoundAlready(g.Name)), nil
	}
	if err != nil {
		return Response{}, err
	}
	msgID, err := a.Groups.Discord.PostMessage(ctx, g.ChannelID, roundText(sp, r), a.roundButtons(sp, r))
	if err != nil {
		if derr := a.Store.DropRound(context.WithoutCancel(ctx), r.ID); derr != nil {
			a.Log.Error("dropping a round whose post failed", "group", g.ID, "err", derr)
		}
		return Response{}, err
	}
	if err := a.Store.SetRoundMessage(ctx, r.ID, msgID); err != nil {
		return Response{}, err
	}
	return Reply(p.RoundStarted(g.ChannelID)), nil
}

// serverPrinter words what the whole channel reads: in the server's language.
func (a *App) serverPrinter(ctx context.Context, guildID string) (*messages.Printer, error) {
	st, err := a.Store.Settings(ctx, guildID)
	if err != nil {
		return nil, err
	}
	return messages.ForServer(st), nil
}

func roundText(p *messages.Printer, r domain.Round) string {
	turns := make([]messages.RoundTurn, len(r.Turns))
	for i, t := range r.Turns {
		turns[i] = messages.RoundTurn{UserID: t.UserID, Outcome: t.Outcome}
	}
	return p.RoundPost(turns, r.Position)
}

// roundButtons are Done and Pass for the current turn; none once it ended.
// They carry the turn, so a press on a turn already moved on from does nothing.
func (a *App) roundButtons(p *messages.Printer, r domain.Round) []groups.Button {
	if r.Ended {
		return nil
	}
	ids := signed.IDs{Key: a.Key}
	id, pos := strconv.FormatInt(r.ID, 10), strconv.Itoa(r.Position)
	return []groups.Button{
		{CustomID: ids.Make("", groups.RoundID, id, pos, domain.TurnDone), Label: p.DoneButton(), Primary: true},
		{CustomID: ids.Make("", groups.RoundID, id, pos, domain.TurnPassed), Label: p.PassButton()},
	}
}

// roundTurn answers Done or Pass on a round's post: only the speaker, the
// facilitator or a moderator moves it on; the post is edited to the next
// turn, or to its closing line.
func (a *App) roundTurn(ctx context.Context, in *Interaction) (Response, error) {
	p := Printer(in)
	parts, ok := signed.IDs{Key: a.Key}.Check("", in.CustomID)
	if !ok || len(parts) != 3 || (parts[2] != domain.TurnDone && parts[2] != domain.TurnPassed) {
		return Reply(p.NotYourButton()), nil
	}
	id, err1 := strconv.ParseInt(parts[0], 10, 64)
	pos, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil {
		return Reply(p.NotYourButton()), nil
	}
	r, err := a.Store.Round(ctx, id)
	if errors.Is(err, domain.ErrNoRound) {
		return Reply(p.RoundEnded()), nil
	}
	if err != nil {
		return Response{}, err
	}
	g, err := a.Store.Group(ctx, r.GroupID)
	if err != nil {
		return Response{}, err
	}
	switch {
	case g.GuildID != in.GuildID:
		return Reply(p.NotYourButton()), nil
	case r.Ended:
		return Reply(p.RoundEnded()), nil
	case r.Position != pos:
		return Reply(p.RoundMoved()), nil
	}
	if in.UserID != r.Speaker() {
		manages, err := a.manages(ctx, in, g)
		if err != nil {
			return Response{}, err
		}
		if !manages {
			setOutcome(ctx, OutcomeRefused)
			return Reply(p.RoundNotYours()), nil
		}
	}
	unlock, err := a.Groups.Locks.Lock(ctx, g.ID)
	if err != nil {
		return Response{}, err
	}
	defer unlock()
	r, err = a.Store.AdvanceRound(ctx, id, pos, parts[2], a.now())
	switch {
	case errors.Is(err, domain.ErrTurnMoved):
		return Reply(p.RoundMoved()), nil
	case errors.Is(err, domain.ErrNoRound):
		return Reply(p.RoundEnded()), nil
	case err != nil:
		return Response{}, err
	}
	sp, err := a.serverPrinter(ctx, g.GuildID)
	if err != nil {
		return Response{}, err
	}
	return Response{Content: roundText(sp, r), Buttons: commandButtons(a.roundButtons(sp, r)), Update: true}, nil
}

// commandButtons turns the groups package's buttons into a reply's.
func commandButtons(bs []groups.Button) []Button {
	out := make([]Button, 0, len(bs))
	for _, b := range bs {
		style := ButtonSecondary
		if b.Primary {
			style = ButtonPrimary
		}
		out = append(out, Button{CustomID: b.CustomID, Label: b.Label, Style: style})
	}
	return out
}
