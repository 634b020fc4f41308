package main

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"hearth/domain"
	"hearth/internal/fakediscord"
)

// dmButtons returns the custom ids of the buttons in the newest direct
// message to user, and the message's text; "" when there is none.
func (w *world) dmButtons(user string) (content string, ids []string) {
	w.t.Helper()
	ch := w.fake.DMChannel(user)
	if ch == "" {
		return "", nil
	}
	msgs := w.fake.Messages(ch)
	if len(msgs) == 0 {
		return "", nil
	}
	m := msgs[len(msgs)-1]
	var rows []struct {
		Components []struct {
			CustomID string `json:"custom_id"`
		} `json:"components"`
	}
	if len(m.Components) > 0 {
		if err := json.Unmarshal(m.Components, &rows); err != nil {
			w.t.Fatal(err)
		}
	}
	for _, r := range rows {
		for _, c := range r.Components {
			ids = append(ids, c.CustomID)
		}
	}
	return m.Content, ids
}

// pressDM presses a button of a direct message as user.
func (w *world) pressDM(user, customID string) fakediscord.Reply {
	w.t.Helper()
	r, err := w.fake.Component("", user, customID, 2).Wait(5 * time.Second)
	if err != nil {
		w.t.Fatalf("pressing %s in a DM: %v", customID, err)
	}
	return r
}

func (w *world) waitOffer(user string) []string {
	w.t.Helper()
	var ids []string
	eventually(w.t, "a seat offer to "+user, func() bool {
		content, b := w.dmButtons(user)
		ids = b
		return strings.Contains(content, "A seat has opened") && len(b) == 2
	})
	return ids
}

// A full group's waitlist: seats that free are offered by direct message in
// the order people asked, held for each in turn; declined and expired
// offers go to the next; twenty presses of one offer take one seat; an
// offer open across a restart can still be taken; nothing of the lists is
// shown to anyone else.
func TestWaitlistOffersSeatsInOrder(t *testing.T) {
	w := newWorld(t)
	h := w.start()
	st := w.db()
	ctx := context.Background()
	w.group(w.mod, "create", str("name", "Circle"), str("type", "open"), num("capacity", 2))
	g := w.groupNamed(st, "Circle")
	w.do(w.alice, "join", str("group", "Circle"))
	w.do(w.bob, "join", str("group", "Circle"))
	var waiting []string
	for i := range 5 {
		u := w.fake.AddMember(w.guild, "waiting"+string(rune('a'+i)))
		waiting = append(waiting, u)
		r := w.do(u, "join", str("group", "Circle"))
		if r.Content != en.FullWaitlist("Circle") {
			t.Fatalf("/join on a full group: %q", r.Content)
		}
		if got := w.press(u, buttons(t, r)[0]); got.Content != en.WaitlistJoined("Circle", i+1) {
			t.Fatalf("joining the waitlist: %q", got.Content)
		}
	}
	if r := w.do(waiting[2], "groups"); !strings.Contains(r.Content, "waitlist: #3") {
		t.Errorf("/groups for the third waiting: %q", r.Content)
	}

	// Two leave: the first two waiting get offers, nobody else.
	w.do(w.alice, "leave", str("group", "Circle"))
	w.do(w.bob, "leave", str("group", "Circle"))
	offer0, offer1 := w.waitOffer(waiting[0]), w.waitOffer(waiting[1])
	for _, u := range waiting[2:] {
		if c, _ := w.dmButtons(u); c != "" {
			t.Errorf("%s got an offer out of turn: %q", u, c)
		}
	}
	// The seats are held: someone new cannot take them.
	if r := w.do(w.carol(), "join", str("group", "Circle")); r.Content != en.FullWaitlist("Circle") {
		t.Errorf("a newcomer while seats are held: %q", r.Content)
	}

	// The first declines: the third is offered the seat.
	if r := w.pressDM(waiting[0], offer0[1]); r.Content != en.OfferDeclined() {
		t.Errorf("declining: %q", r.Content)
	}
	offer2 := w.waitOffer(waiting[2])
	// Someone else pressing the third's offer takes nothing.
	if r := w.pressDM(waiting[4], offer2[0]); r.Content != en.NotYourButton() {
		t.Errorf("someone else's offer: %q", r.Content)
	}

	// Twenty presses of the third's offer at once take one seat.
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.fake.Component("", waiting[2], offer2[0], 2).Wait(5 * time.Second)
		}()
	}
	wg.Wait()
	members, _ := st.Members(ctx, g.ID)
	if len(members) != 1 || members[0] != waiting[2] {
		t.Fatalf("members after twenty presses: %v, want the third waiting alone", members)
	}

	// The second lets theirs expire: the fourth is offered it.
	w.clock.Advance(24*time.Hour + time.Minute)
	offer3 := w.waitOffer(waiting[3])
	if r := w.pressDM(waiting[1], offer1[0]); r.Content != en.OfferGone() {
		t.Errorf("taking an expired offer: %q", r.Content)
	}

	// A restart with the fourth's offer open: it can still be taken.
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	w.start()
	r := w.pressDM(waiting[3], offer3[0])
	if r.Content != en.Joined("Circle", g.ChannelID, time.Time{}) {
		t.Errorf("taking an offer after a restart: %q", r.Content)
	}
	members, _ = st.Members(ctx, g.ID)
	if len(members) != 2 {
		t.Fatalf("members %v, want 2 (the capacity)", members)
	}
	if got, _ := st.Group(ctx, g.ID); got.MemberCount != 2 || got.HeldSeats != 0 {
		t.Errorf("member count %d, held seats %d", got.MemberCount, got.HeldSeats)
	}

	// The lists are shown to the group's managers only.
	view := w.group(w.mod, "waitlist", str("group", "Circle"))
	if want := en.WaitlistView("Circle", []string{waiting[4]}, nil); view.Content != want {
		t.Errorf("/group waitlist = %q, want %q", view.Content, want)
	}
	if r := w.group(waiting[4], "waitlist", str("group", "Circle")); r.Content != en.NotModerator() {
		t.Errorf("a waiting person's /group waitlist: %q", r.Content)
	}
	// /leave takes the last one off the waitlist.
	if r := w.do(waiting[4], "leave", str("group", "Circle")); r.Content != en.LeftWaitlist("Circle") {
		t.Errorf("/leave while waiting: %q", r.Content)
	}
	if list, _ := st.Waiting(ctx, g.ID, domain.SeatList); len(list) != 0 {
		t.Errorf("waitlist %v after the last left it", list)
	}
}

// A started closed group offers word of its next cohort; /group next
// creates it with the same settings and invites everyone who asked, in
// their language; they join with the button.
func TestNextCohortInvitesThoseWaiting(t *testing.T) {
	w := newWorld(t)
	w.start()
	st := w.db()
	w.group(w.mod, "create", str("name", "Spring"), str("type", "closed"), num("capacity", 8), num("sessions", 6),
		str("schedule", "0 18 * * MON"), str("timezone", "Europe/Madrid"))
	w.group(w.mod, "start", str("group", "Spring"))
	carol := w.carol()
	w.fake.SetUserLocale(carol, "es-ES")
	for _, u := range []string{w.alice, carol} {
		r := w.do(u, "join", str("group", "Spring"))
		if len(buttons(t, r)) != 1 {
			t.Fatalf("/join on a started cohort: %q without the interest button", r.Content)
		}
		w.press(u, buttons(t, r)[0])
	}
	r := w.group(w.mod, "next", str("group", "Spring"), str("name", "Autumn"))
	next := w.groupNamed(st, "Autumn")
	if want := en.NextCreated("Autumn", next.ChannelID, 2); r.Content != want {
		t.Fatalf("/group next = %q, want %q", r.Content, want)
	}
	if next.Kind != domain.KindClosed || next.Capacity != 8 || next.Sessions != 6 || next.Schedule != "0 18 * * MON" ||
		next.Timezone != "Europe/Madrid" || next.State != domain.StateActive {
		t.Errorf("the next cohort's settings: %+v", next)
	}
	var joinID string
	eventually(t, "carol's invitation, in Spanish", func() bool {
		c, ids := w.dmButtons(carol)
		if len(ids) == 1 && c == es.NextInviteDM("Autumn") {
			joinID = ids[0]
			return true
		}
		return false
	})
	if r := w.pressDM(carol, joinID); r.Content != es.Joined("Autumn", next.ChannelID, next.UpcomingSessions(w.clock.Now(), 1)[0]) {
		t.Errorf("joining from the invitation: %q", r.Content)
	}
	if in, _ := st.IsMember(context.Background(), next.ID, carol); !in {
		t.Error("carol is not in the next cohort")
	}
	if r := w.group(w.alice, "next", str("group", "Spring"), str("name", "Winter")); r.Content != en.NotModerator() {
		t.Errorf("a member's /group next: %q", r.Content)
	}
}

// Someone whose direct messages are closed is passed over; an offer of a
// group with guidelines is taken through the agreement; refusals and
// offers are in each person's language.
func TestWaitlistPassesOverClosedDMsAndTakesAgreement(t *testing.T) {
	w := newWorld(t)
	w.start()
	st := w.db()
	ctx := context.Background()
	w.group(w.mod, "create", str("name", "Duelo"), str("type", "open"), num("capacity", 1))
	g := w.groupNamed(st, "Duelo")
	w.do(w.alice, "join", str("group", "Duelo"))
	closed, spanish := w.fake.AddMember(w.guild, "closed"), w.fake.AddMember(w.guild, "spanish")
	w.fake.SetDMsClosed(closed, true)
	w.fake.SetUserLocale(spanish, "es-419")
	for _, u := range []string{closed, spanish} {
		r := w.do(u, "join", str("group", "Duelo"))
		if u == spanish && r.Content != es.FullWaitlist("Duelo") {
			t.Errorf("a Spanish speaker's /join on a full group: %q", r.Content)
		}
		w.press(u, buttons(t, r)[0])
	}
	w.writeGuidelines("Duelo", "Lo que se comparte aquí, aquí se queda.")
	w.do(w.alice, "leave", str("group", "Duelo"))

	var take string
	eventually(t, "the offer to pass the closed DMs over, in Spanish", func() bool {
		content, ids := w.dmButtons(spanish)
		if len(ids) == 2 && strings.HasPrefix(content, "Se ha liberado una plaza en **Duelo**") {
			take = ids[0]
			return true
		}
		return false
	})
	prompt := w.pressDM(spanish, take)
	if prompt.Content != es.GuidelinesIntro("Duelo") || len(buttons(t, prompt)) != 2 {
		t.Fatalf("taking a seat of a group with guidelines: %q", prompt.Content)
	}
	if r := w.pressDM(spanish, buttons(t, prompt)[0]); r.Content != es.Joined("Duelo", g.ChannelID, time.Time{}) {
		t.Errorf("agreeing from the offer: %q", r.Content)
	}
	if in, _ := st.IsMember(ctx, g.ID, spanish); !in {
		t.Error("not a member after taking the seat")
	}
	if agreed, _ := st.Agreements(ctx, g.ID); agreed[spanish] != 1 {
		t.Errorf("agreements %v", agreed)
	}
	if in, _ := st.IsMember(ctx, g.ID, closed); in {
		t.Error("the person with closed DMs got the seat")
	}
}
