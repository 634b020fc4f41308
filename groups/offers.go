package groups

import (
	"context"
	"errors"
	"strconv"
	"time"

	"hearth/domain"
	"hearth/internal/signed"
	"hearth/messages"
)

// ErrCannotDM means the person does not take direct messages from the
// bot (Discord's 50007): the message was refused for good.
var ErrCannotDM = errors.New("the person takes no direct messages from Hearth")

// Button is a button under a direct message.
type Button struct {
	CustomID string
	Label    string
	Primary  bool
}

// Custom-id prefixes of the buttons in Hearth's direct messages.
const (
	TakeSeatID    = "take"
	DeclineSeatID = "decline"
	JoinCohortID  = "joinnext"
)

// DefaultOfferFor is how long a seat offered from the waitlist is held
// (groups.offer_hours).
const DefaultOfferFor = 24 * time.Hour

// SeatsFreed offers a group's free seats, one by one, to the first people
// on its waitlist, by direct message. The store holds each seat for its
// person (nobody else can take it) until they take it, decline it, or the
// offer expires; someone whose direct messages are closed is passed over.
// It is called whenever a seat may have freed: a leave, a removal, a
// declined or expired offer, a raised capacity.
func (s *Service) SeatsFreed(ctx context.Context, groupID int64) error {
	for range 1000 {
		now := s.Clock.Now()
		o, ok, err := s.Store.OfferNext(ctx, groupID, now, now.Add(s.offerFor()))
		if err != nil || !ok {
			return err
		}
		if err := s.sendOffer(ctx, o); err != nil {
			return err
		}
	}
	return nil
}

// ResendPending sends again the offers whose message was never confirmed
// sent (a dead process, a Discord outage), and offers the free seats of
// every group someone waits for, in case a seat freed while nobody was
// there to offer it. The scheduler calls it at start and every few
// minutes.
func (s *Service) ResendPending(ctx context.Context) error {
	pending, err := s.Store.ClaimPendingOffers(ctx, s.Clock.Now())
	if err != nil {
		return err
	}
	var errs []error
	for _, o := range pending {
		errs = append(errs, s.sendOffer(ctx, o))
	}
	groups, err := s.Store.GroupsWithWaiting(ctx)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	for _, id := range groups {
		errs = append(errs, s.SeatsFreed(ctx, id))
	}
	return errors.Join(errs...)
}

// DeclineHeld lets go the seat held for userID in a group, if any: they
// left its waitlist.
func (s *Service) DeclineHeld(ctx context.Context, groupID int64, userID string) (bool, error) {
	o, ok, err := s.Store.HeldOffer(ctx, groupID, userID)
	if err != nil || !ok {
		return false, err
	}
	if err := s.Decline(ctx, o); err != nil && !errors.Is(err, domain.ErrNoOffer) {
		return false, err
	}
	return true, nil
}

func (s *Service) offerFor() time.Duration {
	if s.OfferFor > 0 {
		return s.OfferFor
	}
	return DefaultOfferFor
}

// sendOffer sends one offer; a person whose direct messages are closed is
// passed over, and the seat offered to the next (the caller's loop).
func (s *Service) sendOffer(ctx context.Context, o domain.Offer) error {
	g, err := s.Store.Group(ctx, o.GroupID)
	if err != nil {
		return err
	}
	p, err := s.printerFor(ctx, o.UserID, g.GuildID)
	if err != nil {
		return err
	}
	ids, id := signed.IDs{Key: s.Key}, strconv.FormatInt(o.ID, 10)
	err = s.Discord.SendDM(ctx, o.UserID, p.OfferDM(g.Name, o.ExpiresAt), []Button{
		{CustomID: ids.Make(o.UserID, TakeSeatID, id), Label: p.TakeButton(), Primary: true},
		{CustomID: ids.Make(o.UserID, DeclineSeatID, id), Label: p.DeclineButton()},
	}, "offer-"+id)
	switch {
	case errors.Is(err, ErrCannotDM):
		s.Log.Info("a seat offer could not be sent: direct messages closed; offering the next", "group", g.ID)
		_, err = s.Store.SetOfferState(ctx, o.ID, domain.OfferUndeliverable)
		return err
	case err != nil:
		// Left pending: the scheduler sends it again (same nonce).
		s.Log.Warn("sending a seat offer failed; it stays pending", "group", g.ID, "err", err)
		return nil
	}
	_, err = s.Store.SetOfferState(ctx, o.ID, domain.OfferOpen)
	return err
}

// printerFor words a direct message in the recipient's last known
// language, else the server's.
func (s *Service) printerFor(ctx context.Context, userID, guildID string) (*messages.Printer, error) {
	locale, err := s.Store.UserLocale(ctx, userID)
	if err != nil {
		return nil, err
	}
	if locale != "" {
		return messages.For(messages.LangOf(locale)), nil
	}
	settings, err := s.Store.Settings(ctx, guildID)
	if err != nil {
		return nil, err
	}
	return messages.ForServer(settings), nil
}

// Decline lets an offered seat go, to the next person waiting.
func (s *Service) Decline(ctx context.Context, o domain.Offer) error {
	ok, err := s.Store.SetOfferState(ctx, o.ID, domain.OfferDeclined)
	if err != nil {
		return err
	}
	if !ok {
		return domain.ErrNoOffer
	}
	return s.SeatsFreed(ctx, o.GroupID)
}

// Invite sends everyone on a new cohort's interest list a Join button by
// direct message, and returns how many it reached.
func (s *Service) Invite(ctx context.Context, g domain.Group, users []string) int {
	ids, id := signed.IDs{Key: s.Key}, strconv.FormatInt(g.ID, 10)
	sent := 0
	for _, u := range users {
		p, err := s.printerFor(ctx, u, g.GuildID)
		if err == nil {
			err = s.Discord.SendDM(ctx, u, p.NextInviteDM(g.Name), []Button{
				{CustomID: ids.Make(u, JoinCohortID, id), Label: p.JoinButton(), Primary: true}}, "invite-"+id+"-"+u[max(len(u)-8, 0):])
		}
		if err != nil {
			s.Log.Info("an invitation to the next cohort could not be sent", "group", g.ID, "err", err)
			continue
		}
		sent++
	}
	return sent
}
