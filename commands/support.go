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

// recent reports whether key asked less than supportEvery before now.
func (s *supportAsks) recent(key string, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	at, ok := s.last[key]
	return ok && now.Sub(at) < supportEvery
}

// asked records that key asked at now, forgetting those long past.
func (s *supportAsks) asked(key string, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.last == nil {
		s.last = map[string]time.Time{}
	}
	for k, at := range s.last {
		if now.Sub(at) >= supportEvery {
			delete(s.last, k)
		}
	}
	s.last[key] = now
}

// support answers /support, for anyone, also in a direct message with
// Hearth: the server's crisis resources (or Hearth's), and in a server
// with a private log channel a button to ask a moderator to reach out.
func (a *App) support(ctx context.Context, in *Interaction) (Response, error) {
	p := Printer(in)
	if in.GuildID == "" {
		return Response{Notice: p.SupportDefault()}, nil
	}
	text, private, err := a.supportChannel(ctx, in)
	if err != nil {
		return Response{}, err
	}
	if !private {
		return Response{Content: p.SupportNoLog(), Notice: text}, nil
	}
	return Response{Notice: text, Buttons: []Button{{
		CustomID: a.signedID(in.UserID, askModeratorID, in.GuildID),
		Label:    p.SupportAskButton(), Style: ButtonPrimary}}}, nil
}

// supportChannel returns the server's crisis resources, and whether it has
// a log channel only moderators read, checked now: one that others can
// read (set before Hearth checked, or opened since) gets no alert.
func (a *App) supportChannel(ctx context.Context, in *Interaction) (text string, private bool, err error) {
	st, err := a.Store.Settings(ctx, in.GuildID)
	if err != nil {
		return "", false, err
	}
	text = st.SupportText
	if text == "" {
		text = Printer(in).SupportDefault()
	}
	if st.LogChannelID == "" {
		return text, false, nil
	}
	exposed, err := a.Perms.LogExposure(ctx, in.GuildID, st.LogChannelID, st.ModeratorRoleID)
	if err != nil {
		a.Log.Warn("checking the log channel is private failed; no alert offered", "err", err)
		return text, false, nil
	}
	return text, exposed == "", nil
}

// askModerator posts a quiet alert in the log channel, naming the person
// and nothing else, at most once per supportEvery.
func (a *App) askModerator(ctx context.Context, in *Interaction) (Response, error) {
	p := Printer(in)
	parts, ok := a.verifyID(in.UserID, in.CustomID)
	if !ok || len(parts) != 1 || parts[0] != in.GuildID {
		return Reply(p.NotYourButton()), nil
	}
	text, private, err := a.supportChannel(ctx, in)
	if err != nil {
		return Response{}, err
	}
	// The answer keeps the resources on screen.
	answer := func(content string) (Response, error) {
		return Response{Content: content, Notice: text, Update: true}, nil
	}
	key := in.GuildID + "/" + in.UserID
	if !private {
		return answer(p.SupportNoLog())
	}
	if a.asks.recent(key, a.now()) {
		return answer(p.SupportWait())
	}
	switch err := a.Groups.AlertModerators(ctx, in.GuildID, in.UserID); {
	case errors.Is(err, groups.ErrNoLogChannel):
		return answer(p.SupportNoLog())
	case err != nil:
		return Response{}, err
	}
	a.asks.asked(key, a.now())
	return answer(p.SupportSent())
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
