package main

import (
	"testing"

	"hearth/domain"
)

// A new name renames the channel and its topic; a new description becomes
// the topic; a name another live group has is refused and changes nothing.
func TestEditRenamesTheChannel(t *testing.T) {
	w := newWorld(t)
	w.start()
	st := w.db()
	w.group(w.mod, "create", str("name", "Grief Circle"), str("type", "open"))
	w.group(w.mod, "create", str("name", "Other"), str("type", "open"))
	g := w.groupNamed(st, "Grief Circle")

	r := w.group(w.mod, "edit", str("group", "grief circle"), str("name", "Loss & Grief"))
	if want := en.Edited("Loss & Grief", "Grief Circle", false, 0, ""); r.Content != want {
		t.Fatalf("rename: %q, want %q", r.Content, want)
	}
	ch, _ := w.fake.Channel(g.ChannelID)
	if ch.Name != "loss-grief" || ch.Topic != en.ChannelTopic("Loss & Grief", "") {
		t.Errorf("channel %q with topic %q after the rename", ch.Name, ch.Topic)
	}
	if got := w.groupNamed(st, "loss & grief"); got.ID != g.ID {
		t.Errorf("the renamed group is %d, want %d", got.ID, g.ID)
	}

	r = w.group(w.mod, "edit", str("group", "Loss & Grief"), str("description", "For anyone who lost someone"))
	if want := en.Edited("Loss & Grief", "", true, 0, ""); r.Content != want {
		t.Fatalf("description: %q, want %q", r.Content, want)
	}
	if ch, _ := w.fake.Channel(g.ChannelID); ch.Topic != "For anyone who lost someone" || ch.Name != "loss-grief" {
		t.Errorf("channel %q with topic %q after the description", ch.Name, ch.Topic)
	}

	if r := w.group(w.mod, "edit", str("group", "Loss & Grief"), str("name", "other")); r.Content != en.NameTaken("other") {
		t.Errorf("a taken name: %q", r.Content)
	}
	if got := w.groupNamed(st, "Loss & Grief"); got.Name != "Loss & Grief" {
		t.Errorf("name %q after a refused rename", got.Name)
	}
	if ch, _ := w.fake.Channel(g.ChannelID); ch.Name != "loss-grief" {
		t.Errorf("channel renamed to %q by a refused rename", ch.Name)
	}
	if r := w.group(w.mod, "edit", str("group", "Loss & Grief")); r.Content != en.EditNothing("Loss & Grief") {
		t.Errorf("nothing to change: %q", r.Content)
	}
}

// Capacity never goes below the members a group has; raised, it is saved.
func TestEditCapacityNotBelowMembers(t *testing.T) {
	w := newWorld(t)
	w.start()
	st := w.db()
	w.group(w.mod, "create", str("name", "Small"), str("type", "open"), num("capacity", 3))
	w.do(w.alice, "join", str("group", "Small"))
	w.do(w.bob, "join", str("group", "Small"))

	r := w.group(w.mod, "edit", str("group", "Small"), num("capacity", 1), str("description", "Cosy"))
	if want := en.Input(domain.Input("capacity", domain.ProblemBelowMembers).Max(2)); r.Content != want {
		t.Fatalf("capacity below the members: %q, want %q", r.Content, want)
	}
	if g := w.groupNamed(st, "Small"); g.Capacity != 3 || g.Description != "" {
		t.Fatalf("capacity %d, description %q after a refused edit; want 3 and none", g.Capacity, g.Description)
	}

	if r := w.group(w.mod, "edit", str("group", "Small"), num("capacity", 2)); r.Content != en.Edited("Small", "", false, 2, "") {
		t.Errorf("capacity down to the members: %q", r.Content)
	}
	if r := w.group(w.mod, "edit", str("group", "Small"), num("capacity", 5)); r.Content != en.Edited("Small", "", false, 5, "") {
		t.Errorf("capacity raised: %q", r.Content)
	}
	if g := w.groupNamed(st, "Small"); g.Capacity != 5 {
		t.Fatalf("capacity %d, want 5", g.Capacity)
	}
	wantReply(t, w.do(w.carol(), "join", str("group", "Small")), "Welcome")
}

// A new facilitator gets the member overwrite; the former one loses theirs
// unless they are a member.
func TestEditMovesTheFacilitator(t *testing.T) {
	w := newWorld(t)
	h := w.start()
	st := w.db()
	carol := w.carol()
	w.group(w.mod, "create", str("name", "Grief Circle"), str("type", "open"), usr("facilitator", w.bob))
	g := w.groupNamed(st, "Grief Circle")
	w.do(w.alice, "join", str("group", "Grief Circle"))

	r := w.group(w.mod, "edit", str("group", "Grief Circle"), usr("facilitator", carol))
	if want := en.Edited("Grief Circle", "", false, 0, carol); r.Content != want {
		t.Fatalf("new facilitator: %q, want %q", r.Content, want)
	}
	if ow, ok := w.overwrite(g.ChannelID, carol); !ok || ow.Type != 1 || ow.Allow != memberAllow || ow.Deny != 0 {
		t.Errorf("carol's overwrite = %+v, %v; want member allow %d", ow, ok, memberAllow)
	}
	if ow, ok := w.overwrite(g.ChannelID, w.bob); ok {
		t.Errorf("bob, no longer facilitating and not a member, kept %+v", ow)
	}
	if g := w.groupNamed(st, "Grief Circle"); g.FacilitatorID != carol {
		t.Errorf("facilitator %q in the database, want carol", g.FacilitatorID)
	}

	// A former facilitator who is a member keeps their overwrite.
	w.group(w.mod, "edit", str("group", "Grief Circle"), usr("facilitator", w.alice))
	w.do(carol, "join", str("group", "Grief Circle"))
	w.group(w.mod, "edit", str("group", "Grief Circle"), usr("facilitator", w.bob))
	for _, who := range []string{w.alice, w.bob, carol} {
		if ow, ok := w.overwrite(g.ChannelID, who); !ok || ow.Allow != memberAllow {
			t.Errorf("%s's overwrite = %+v, %v; want member allow", who, ow, ok)
		}
	}
	// alice, a member, leaves: her overwrite goes, as nobody facilitates through it.
	wantReply(t, w.do(w.alice, "leave", str("group", "Grief Circle")), "left")
	if _, ok := w.overwrite(g.ChannelID, w.alice); ok {
		t.Error("alice kept her overwrite after leaving")
	}
	// Reconciliation at the next start agrees: the facilitator and the
	// member keep theirs.
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	w.start()
	for _, who := range []string{w.bob, carol} {
		if _, ok := w.overwrite(g.ChannelID, who); !ok {
			t.Errorf("%s lost their overwrite at reconciliation", who)
		}
	}
}

// The facilitator may change the description, and only that: the rest is
// refused kindly, in the caller's language, and nothing changes.
func TestFacilitatorEditsOnlyTheDescription(t *testing.T) {
	w := newWorld(t)
	w.start()
	st := w.db()
	w.group(w.mod, "create", str("name", "Grief Circle"), str("type", "open"), num("capacity", 8), usr("facilitator", w.bob))
	g := w.groupNamed(st, "Grief Circle")

	r := w.group(w.bob, "edit", str("group", "Grief Circle"), str("description", "Tuesdays, gently"))
	if want := en.Edited("Grief Circle", "", true, 0, ""); r.Content != want {
		t.Fatalf("facilitator's description: %q, want %q", r.Content, want)
	}
	if ch, _ := w.fake.Channel(g.ChannelID); ch.Topic != "Tuesdays, gently" {
		t.Errorf("topic %q", ch.Topic)
	}

	r = w.group(w.bob, "edit", str("group", "Grief Circle"), str("name", "Mine"), str("description", "Changed"))
	if want := en.EditModeratorsOnly("Grief Circle", []string{"name"}); r.Content != want {
		t.Errorf("facilitator's rename: %q, want %q", r.Content, want)
	}
	w.fake.SetUserLocale(w.bob, "es-ES")
	r = w.group(w.bob, "edit", str("group", "Grief Circle"), num("capacity", 20), usr("facilitator", w.alice))
	if want := es.EditModeratorsOnly("Grief Circle", []string{"capacity", "facilitator"}); r.Content != want {
		t.Errorf("facilitator's capacity in Spanish: %q, want %q", r.Content, want)
	}
	got := w.groupNamed(st, "Grief Circle")
	if got.Name != "Grief Circle" || got.Description != "Tuesdays, gently" || got.Capacity != 8 || got.FacilitatorID != w.bob {
		t.Errorf("group after refused edits: %+v", got)
	}
	if ch, _ := w.fake.Channel(g.ChannelID); ch.Name != "grief-circle" {
		t.Errorf("channel renamed to %q", ch.Name)
	}
	if _, ok := w.overwrite(g.ChannelID, w.alice); ok {
		t.Error("alice got an overwrite from a refused edit")
	}

	// Anyone else learns nothing.
	if r := w.group(w.alice, "edit", str("group", "Grief Circle"), str("description", "x")); r.Content != en.NotModerator() {
		t.Errorf("a member's edit: %q", r.Content)
	}
}

// Discord refusing the rename undoes the whole edit: the name in the
// database, and the overwrite already given to the new facilitator.
func TestEditUndoneWhenDiscordRefusesTheRename(t *testing.T) {
	w := newWorld(t)
	w.start()
	st := w.db()
	carol := w.carol()
	w.group(w.mod, "create", str("name", "Grief Circle"), str("type", "open"), usr("facilitator", w.bob))
	g := w.groupNamed(st, "Grief Circle")

	w.fake.FailNext("PATCH", "/channels/{channel_id}", 100, 500)
	r := w.group(w.mod, "edit", str("group", "Grief Circle"), str("name", "Renamed"), usr("facilitator", carol))
	if r.Content != en.DiscordFailed() {
		t.Fatalf("a refused rename: %q", r.Content)
	}
	got := w.groupNamed(st, "Grief Circle")
	if got.Name != "Grief Circle" || got.FacilitatorID != w.bob {
		t.Errorf("group %q facilitated by %q after the undo; want Grief Circle and bob", got.Name, got.FacilitatorID)
	}
	if ch, _ := w.fake.Channel(g.ChannelID); ch.Name != "grief-circle" {
		t.Errorf("channel %q", ch.Name)
	}
	if _, ok := w.overwrite(g.ChannelID, carol); ok {
		t.Error("carol kept the overwrite of an undone edit")
	}
	if _, ok := w.overwrite(g.ChannelID, w.bob); !ok {
		t.Error("bob lost his overwrite in an undone edit")
	}
}
