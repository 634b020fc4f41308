package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"hearth/internal/fakediscord"
)

// buttons returns the custom ids of a reply's buttons, in order.
func buttons(t *testing.T, r fakediscord.Reply) []string {
	t.Helper()
	var rows []struct {
		Components []struct {
			CustomID string `json:"custom_id"`
			Label    string `json:"label"`
		} `json:"components"`
	}
	if len(r.Components) > 0 {
		if err := json.Unmarshal(r.Components, &rows); err != nil {
			t.Fatal(err)
		}
	}
	var ids []string
	for _, row := range rows {
		for _, c := range row.Components {
			ids = append(ids, c.CustomID)
		}
	}
	return ids
}

// press presses a button as user and returns the answer.
func (w *world) press(user, customID string) fakediscord.Reply {
	w.t.Helper()
	r, err := w.fake.Component(w.guild, user, customID, 2).Wait(5 * time.Second)
	if err != nil {
		w.t.Fatalf("pressing %s: %v", customID, err)
	}
	return r
}

// writeGuidelines opens /group guidelines as a moderator and submits text.
func (w *world) writeGuidelines(group, text string) fakediscord.Reply {
	w.t.Helper()
	modal := w.group(w.mod, "guidelines", str("group", group))
	if modal.Type != 9 || modal.CustomID == "" {
		w.t.Fatalf("/group guidelines answered %+v, want a modal", modal)
	}
	r, err := w.fake.ModalSubmit(w.guild, w.mod, modal.CustomID, map[string]string{"text": text}).Wait(5 * time.Second)
	if err != nil {
		w.t.Fatal(err)
	}
	return r
}

// A group with guidelines is joined only by agreeing to them: the button
// joins exactly the person who typed /join, re-checks everything, records
// the agreement, and a stale or foreign button changes nothing.
func TestJoiningAGroupWithGuidelinesTakesAgreement(t *testing.T) {
	w := newWorld(t)
	w.start()
	st := w.db()
	ctx := context.Background()
	w.group(w.mod, "create", str("name", "Grief Circle"), str("type", "open"))
	g := w.groupNamed(st, "Grief Circle")
	const rules = "What is shared here stays here. Speak from your own experience."
	if r := w.writeGuidelines("Grief Circle", rules); r.Content != en.GuidelinesSaved("Grief Circle", 1) {
		t.Fatalf("saving guidelines: %q", r.Content)
	}

	prompt := w.do(w.alice, "join", str("group", "Grief Circle"))
	if prompt.Content != en.GuidelinesIntro("Grief Circle") || !strings.Contains(string(prompt.Embeds), "stays here") {
		t.Fatalf("/join = %q with embeds %s; want the guidelines", prompt.Content, prompt.Embeds)
	}
	ids := buttons(t, prompt)
	if len(ids) != 2 {
		t.Fatalf("buttons %v, want agree and cancel", ids)
	}
	agree, cancel := ids[0], ids[1]
	if in, _ := st.IsMember(ctx, g.ID, w.alice); in {
		t.Fatal("alice joined before agreeing")
	}

	// Someone else pressing alice's button, or a forged one, joins nobody.
	if r := w.press(w.bob, agree); r.Content != en.NotYourButton() {
		t.Errorf("bob pressing alice's button: %q", r.Content)
	}
	forged := strings.Replace(agree, ":1:", ":2:", 1)
	if r := w.press(w.alice, forged); r.Content != en.NotYourButton() {
		t.Errorf("a forged button: %q", r.Content)
	}
	for _, who := range []string{w.alice, w.bob} {
		if in, _ := st.IsMember(ctx, g.ID, who); in {
			t.Fatalf("%s joined through a button not theirs", who)
		}
	}

	// The guidelines change: the old button no longer joins.
	w.writeGuidelines("Grief Circle", rules+" Be gentle with each other.")
	if r := w.press(w.alice, agree); r.Type != 7 || r.Content != en.GuidelinesChanged("Grief Circle") {
		t.Errorf("a stale agreement: type %d %q", r.Type, r.Content)
	}

	// Agreeing to the current ones joins, once, and is recorded.
	agree = buttons(t, w.do(w.alice, "join", str("group", "Grief Circle")))[0]
	if r := w.press(w.alice, agree); r.Type != 7 || r.Content != en.Joined("Grief Circle", g.ChannelID, time.Time{}) {
		t.Fatalf("agreeing: type %d %q", r.Type, r.Content)
	}
	if ow, ok := w.overwrite(g.ChannelID, w.alice); !ok || ow.Allow != memberAllow {
		t.Errorf("alice's overwrite = %+v, %v", ow, ok)
	}
	if agreed, _ := st.Agreements(ctx, g.ID); agreed[w.alice] != 2 {
		t.Errorf("agreements %v, want alice to version 2", agreed)
	}
	if r := w.press(w.alice, agree); r.Content != en.AlreadyMember("Grief Circle", g.ChannelID) {
		t.Errorf("pressing again: %q", r.Content)
	}

	// Cancel joins nobody; a Spanish caller reads it all in Spanish.
	carol := w.carol()
	w.fake.SetUserLocale(carol, "es-ES")
	prompt = w.do(carol, "join", str("group", "Grief Circle"))
	if prompt.Content != es.GuidelinesIntro("Grief Circle") {
		t.Errorf("Spanish prompt %q", prompt.Content)
	}
	if r := w.press(carol, buttons(t, prompt)[1]); r.Content != es.JoinCancelled("Grief Circle") {
		t.Errorf("cancel: %q", r.Content)
	}
	if r := w.press(w.bob, cancel); r.Content != en.NotYourButton() {
		t.Errorf("bob cancelling for alice: %q", r.Content)
	}
	if in, _ := st.IsMember(ctx, g.ID, carol); in {
		t.Error("carol joined by cancelling")
	}

	// Removing the guidelines: people join at once again.
	if r := w.writeGuidelines("Grief Circle", ""); r.Content != en.GuidelinesRemoved("Grief Circle") {
		t.Errorf("removing guidelines: %q", r.Content)
	}
	wantReply(t, w.do(w.bob, "join", str("group", "Grief Circle")), "Welcome")
}

// Only the group's managers may write its guidelines: a member gets no
// form, and a form submitted by someone who no longer manages the group
// saves nothing.
func TestOnlyManagersWriteGuidelines(t *testing.T) {
	w := newWorld(t)
	w.start()
	w.group(w.mod, "create", str("name", "Grief Circle"), str("type", "open"))
	if r := w.group(w.alice, "guidelines", str("group", "Grief Circle")); r.Type == 9 || r.Content != en.NotModerator() {
		t.Fatalf("a member's /group guidelines: type %d %q", r.Type, r.Content)
	}
	modal := w.group(w.mod, "guidelines", str("group", "Grief Circle"))
	// alice submits the moderator's form: its custom id is not hers.
	r, err := w.fake.ModalSubmit(w.guild, w.alice, modal.CustomID, map[string]string{"text": "Anything goes"}).Wait(5 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if r.Content != en.NotYourButton() {
		t.Errorf("a foreign form: %q", r.Content)
	}
	if g := w.groupNamed(w.db(), "Grief Circle"); g.Guidelines != "" {
		t.Errorf("guidelines saved from a foreign form: %q", g.Guidelines)
	}
}
