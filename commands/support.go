package commands

import (
	"context"
	"errors"

	"hearth/groups"
	"sync"
	"time"
	"unicode/utf8"

	"hearth/domain"
)

// Custom-id prefixes of /support's button and /setup's support form.
const (
	askModeratorID = "ask-moderator"
	supportFormID  = "support-form"
)

// supportEvery is how often one person may ask the moderators to reach
// out: often enough for someone in crisis, not enough to flood the log.
const supportEvery = 10 * time.Minute

// supportAsks remembers when each person last asked, per server.
type supportAsks struct {
	mu   sync.Mutex
	last map[string]time.Time // guild/user → when
}

// allow reports whether key may ask at now, recording it if so.
func (s *supportAsks) allow(key string, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.last == nil {
		s.last = map[string]time.Time{}
	}
	if at, ok := s.last[key]; ok && now.Sub(at) < supportEvery {
		return false
	}
	s.last[key] = now
	return true
}

// support answers /support, for anyone, also in a direct message with
// Hearth: the server's crisis resources (or Hearth's), and in a server
// with a private log channel a button to ask a moderator to reach out.
func (a *App) support(ctx context.Context, in *Interaction) (Response, error) {
	p := Printer(in)
	if in.GuildID == "" {
		return Response{Notice: p.SupportDefault()}, nil
	}
	st, err := a.Store.Settings(ctx, in.GuildID)
	if err != nil {
		return Response{}, err
	}
	text := st.SupportText
	if text == "" {
		text = p.SupportDefault()
	}
	if st.LogChannelID == "" {
		return Response{Content: p.SupportNoLog(), Notice: text}, nil
	}
	return Response{Notice: text, Buttons: []Button{{
		CustomID: a.signedID(in.UserID, askModeratorID, in.GuildID),
		Label:    p.SupportAskButton(), Style: ButtonPrimary}}}, nil
}

// askModerator posts a quiet alert in the log channel, naming the person
// and nothing else, at most once per supportEvery.
func (a *App) askModerator(ctx context.Context, in *Interaction) (Response, error) {
	p := Printer(in)
	parts, ok := a.verifyID(in.UserID, in.CustomID)
	if !ok || len(parts) != 1 || parts[0] != in.GuildID {
		return Reply(p.NotYourButton()), nil
	}
	if !a.asks.allow(in.GuildID+"/"+in.UserID, a.now()) {
		return Response{Content: p.SupportWait(), Update: true}, nil
	}
	switch err := a.Groups.AlertModerators(ctx, in.GuildID, in.UserID); {
	case errors.Is(err, groups.ErrNoLogChannel):
		return Response{Content: p.SupportNoLog(), Update: true}, nil
	case err != nil:
		return Response{}, err
	}
	return Response{Content: p.SupportSent(), Update: true}, nil
}

// supportForm is /setup support:true's form, holding the server's text.
func (a *App) supportForm(in *Interaction, st domain.Settings) Response {
	p := Printer(in)
	return Response{Modal: &Modal{
		CustomID: a.signedID(in.UserID, supportFormID, in.GuildID),
		Title:    p.SupportModalTitle(),
		Inputs: []TextInput{{CustomID: "text", Label: p.SupportModalLabel(), Paragraph: true,
			MaxLength: domain.MaxSupportLen, Value: st.SupportText}},
	}}
}

// saveSupport stores the submitted crisis resources; the sender must still
// have Manage Server (the route says so).
func (a *App) saveSupport(ctx context.Context, in *Interaction) (Response, error) {
	p := Printer(in)
	parts, ok := a.verifyID(in.UserID, in.CustomID)
	if !ok || len(parts) != 1 || parts[0] != in.GuildID {
		return Reply(p.NotYourButton()), nil
	}
	text := in.Fields["text"]
	if utf8.RuneCountInString(text) > domain.MaxSupportLen {
		return Response{}, domain.Input("support", domain.ProblemTooLong).Max(domain.MaxSupportLen)
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
	st.SupportText = text
	if err := a.Store.SaveSettings(ctx, st); err != nil {
		return Response{}, err
	}
	if text == "" {
		return Reply(p.SupportReset()), nil
	}
	return Reply(p.SupportSaved()), nil
}
