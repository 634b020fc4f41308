package commands

import (
	"context"
	"slices"
	"strings"

	"hearth/domain"
)

// crisisFormID is the custom-id prefix of /setup crisis_words:true's form.
const crisisFormID = "crisis-form"

// crisisForm is /setup crisis_words:true's form, holding the phrases the
// server's crisis-alert rule looks for, one a line.
func (a *App) crisisForm(in *Interaction, sf domain.Safety) Response {
	p := Printer(in)
	return Response{Modal: &Modal{
		CustomID: a.signedID(in.UserID, crisisFormID, in.GuildID),
		Title:    p.CrisisModalTitle(),
		Inputs: []TextInput{{CustomID: "words", Label: p.CrisisModalLabel(), Paragraph: true,
			MaxLength: domain.MaxCrisisWordsText, Value: strings.Join(sf.CrisisPhrases(), "\n")}},
	}}
}

// saveCrisisWords stores the submitted crisis phrases, and puts them in the
// server's rule when crisis alerts are on; the sender must still have
// Manage Server (the route says so). Input Discord would refuse is refused
// first, and a rule Discord refuses leaves the phrases as they were.
func (a *App) saveCrisisWords(ctx context.Context, in *Interaction) (Response, error) {
	p := Printer(in)
	parts, ok := a.verifyID(in.UserID, in.CustomID)
	if !ok || len(parts) != 1 || parts[0] != in.GuildID {
		return Reply(p.NotYourButton()), nil
	}
	words, err := domain.ParseCrisisWords(in.Fields["words"])
	if err != nil {
		return Response{}, err
	}
	own := strings.Join(words, "\n")
	if slices.Equal(words, domain.DefaultCrisisWords()) {
		own = "" // Hearth's lists, as they grow with Hearth
	}
	unlock, err := a.Groups.LockSettings(ctx, in.GuildID)
	if err != nil {
		return Response{}, err
	}
	defer unlock()
	st, err := a.Store.Settings(ctx, in.GuildID)
	if err != nil {
		return Response{}, err
	}
	sf, err := a.Store.Safety(ctx, in.GuildID)
	if err != nil {
		return Response{}, err
	}
	sf.CrisisWords = own
	if sf.CrisisAlerts {
		if sf, err = a.Groups.SyncCrisisRule(ctx, st, sf); err != nil {
			if r, ok := crisisRefusal(p, err); ok {
				return r, nil
			}
			return Response{}, err
		}
	}
	if err := a.Store.SaveSafety(ctx, sf); err != nil {
		return Response{}, err
	}
	reply := p.CrisisWordsSaved(len(sf.CrisisPhrases()), own != "")
	if !sf.CrisisAlerts {
		reply += " " + p.CrisisWordsInactive()
	}
	return Reply(reply), nil
}
