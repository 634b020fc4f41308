package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"hearth/internal/fakediscord"
)

// botPosts are the bot's posts in a channel after the first skip.
func (w *world) botPosts(channelID string, skip int) []fakediscord.Message {
	var out []fakediscord.Message
	for _, m := range w.fake.Messages(channelID)[skip:] {
		if m.AuthorID == w.fake.BotUserID {
			out = append(out, m)
		}
	}
	return out
}

// A channel Hearth can no longer see (Discord answers 403 Missing Access)
// cannot hold up an erasure for ever: the person is erased, told it is
// done, and the log channel says which channel to check, naming nobody.
func TestForgetGoesAheadWhenHearthLostAChannel(t *testing.T) {
	w := newWorld(t)
	w.start()
	st := w.db()
	logCh := w.withLog()
	text, voice, archived := w.placeEverywhere()
	// Someone hides the archived group's channel from Hearth.
	w.fake.SetOverwrite(archived, fakediscord.Overwrite{ID: w.fake.BotUserID, Type: 1, Deny: 1 << 10})
	before := len(w.fake.Messages(logCh))

	erase := buttons(t, w.do(w.alice, "forget"))[0]
	if r := w.press(w.alice, erase); r.Type != 7 || r.Content != en.ForgetDone() || len(buttons(t, r)) != 0 {
		t.Fatalf("erase with a channel lost: type %d %q", r.Type, r.Content)
	}
	for _, ch := range []string{text, voice} {
		if ow, ok := w.overwrite(ch, w.alice); ok {
			t.Errorf("alice keeps an overwrite on %s: %+v", ch, ow)
		}
	}
	if hits := w.scanFor(w.alice); len(hits) != 0 {
		t.Errorf("alice's id is still in %v", hits)
	}
	if p, _ := st.PendingErasures(context.Background()); len(p) != 0 {
		t.Errorf("the erasure is still pending: %+v", p)
	}
	notes := w.botPosts(logCh, before)
	if len(notes) != 1 || notes[0].Content != en.NoteChannelLost(archived) {
		t.Fatalf("log notes %+v, want one saying Hearth lost %s", notes, archived)
	}
	if m := notes[0]; strings.Contains(m.Content, w.alice) || strings.Contains(m.Content, w.bob) || len(m.Mentions) != 0 {
		t.Errorf("the note names or pings someone: %q %v", m.Content, m.Mentions)
	}
	// Bob's access is untouched.
	if ow, ok := w.overwrite(text, w.bob); !ok || ow.Allow != memberBits {
		t.Errorf("bob's overwrite: %+v %v", ow, ok)
	}
}

// Retention, too, goes ahead on an archive whose channel Hearth can no
// longer see, instead of trying every hour for ever, with the same note.
func TestRetentionGoesAheadWhenHearthLostTheChannel(t *testing.T) {
	w := newWorld(t)
	w.start()
	st := w.db()
	logCh := w.withLog()
	w.group(w.mod, "create", str("name", "Long Ago"), str("type", "open"))
	w.do(w.alice, "join", str("group", "Long Ago"))
	old := w.groupNamed(st, "Long Ago")
	w.group(w.mod, "archive", str("group", "Long Ago"))
	w.fake.SetOverwrite(old.ChannelID, fakediscord.Overwrite{ID: w.fake.BotUserID, Type: 1, Deny: 1 << 10})
	before := len(w.fake.Messages(logCh))
	w.clock.Advance(91 * 24 * time.Hour)
	eventually(t, "the old archive's records erased", func() bool {
		members, _ := st.Members(context.Background(), old.ID)
		return len(members) == 0
	})
	eventually(t, "the note", func() bool { return len(w.botPosts(logCh, before)) > 0 })
	if notes := w.botPosts(logCh, before); len(notes) != 1 || notes[0].Content != en.NoteChannelLost(old.ChannelID) {
		t.Errorf("notes %+v", notes)
	}
	// Only her locale, kept across servers until /forget, stays.
	if hits := w.scanFor(w.alice); len(hits) != 1 || hits[0] != "user_locales.user_id" {
		t.Errorf("alice's id is still in %v", hits)
	}
}
