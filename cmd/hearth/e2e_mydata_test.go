package main

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// /mydata gives the caller, and only them, a JSON file of everything Hearth
// keeps about them in the server: here a member of two groups (one with
// guidelines they agreed to), waiting for a seat in a third, with an
// attendance mark and time in voice. Nobody else is named, not even bob who
// shares every group with her.
func TestMyDataExportsEverythingAboutTheCallerOnly(t *testing.T) {
	w := newWorld(t)
	w.start()
	st := w.db()
	w.group(w.mod, "create", str("name", "Grief Circle"), str("type", "open"))
	w.group(w.mod, "create", str("name", "Night Owls"), str("type", "open"))
	w.group(w.mod, "create", str("name", "Full House"), str("type", "open"), num("capacity", 1))
	w.writeGuidelines("Grief Circle", "What is shared here stays here.")
	grief, owls, full := w.groupNamed(st, "Grief Circle"), w.groupNamed(st, "Night Owls"), w.groupNamed(st, "Full House")
	for _, who := range []string{w.bob, w.alice} {
		w.press(who, buttons(t, w.do(who, "join", str("group", "Grief Circle")))[0])
		w.do(who, "join", str("group", "Night Owls"))
	}
	w.do(w.bob, "join", str("group", "Full House"))
	w.press(w.alice, buttons(t, w.do(w.alice, "join", str("group", "Full House")))[0]) // the waitlist
	session := time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC).Unix()
	for _, who := range []string{w.alice, w.bob} {
		w.sql(`INSERT INTO session_marks (group_id, session_at, user_id, mark, marked_at) VALUES (?, ?, ?, 'here', ?)`,
			grief.ID, session, who, session+300)
		w.sql(`INSERT INTO voice_intervals (group_id, user_id, joined_at, left_at) VALUES (?, ?, ?, ?)`,
			grief.ID, who, session, session+5400)
	}

	w.do(w.alice, "reminders", str("mode", "dm"), str("group", "Night Owls"))
	w.do(w.bob, "reminders", str("mode", "off"))

	r := w.do(w.alice, "mydata")
	if r.Content != en.MyDataSummary(2, 1, 1, 1) {
		t.Errorf("summary %q", r.Content)
	}
	if len(r.Files) != 1 || r.Files[0].Filename != "hearth-mydata.json" || r.Files[0].ContentType != "application/json" {
		t.Fatalf("files %+v, want hearth-mydata.json", r.Files)
	}
	ref := func(id int64, name string) string {
		return fmt.Sprintf(`"group_id": %d,
      "group": %q,
      "state": "active"`, id, name)
	}
	want := fmt.Sprintf(`{
  "version": 1,
  "generated_at": "2026-11-26T09:00:00Z",
  "server_id": %q,
  "user_id": %q,
  "locale": "en-US",
  "groups": [
    {
      %s,
      "joined_at": "2026-11-26T09:00:00Z"
    },
    {
      %s,
      "joined_at": "2026-11-26T09:00:00Z"
    }
  ],
  "waiting": [
    {
      %s,
      "list": "seat",
      "since": "2026-11-26T09:00:00Z"
    }
  ],
  "offers": [],
  "agreements": [
    {
      %s,
      "guidelines_version": 1,
      "agreed_at": "2026-11-26T09:00:00Z"
    }
  ],
  "attendance": [
    {
      %s,
      "session_at": "2026-11-26T18:00:00Z",
      "mark": "here",
      "marked_at": "2026-11-26T18:05:00Z"
    }
  ],
  "voice": [
    {
      %s,
      "joined_at": "2026-11-26T18:00:00Z",
      "left_at": "2026-11-26T19:30:00Z"
    }
  ],
  "reminders": [],
  "channel_access": [
    {
      %s
    },
    {
      %s
    }
  ],
  "facilitates": [],
  "created": [],
  "reminder_choices": [
    {
      "group": {
        %s
      },
      "mode": "dm"
    }
  ],
  "direct_reminders": [],
  "dm_closed_notice": null,
  "talking_rounds": []
}
`, w.guild, w.alice, ref(grief.ID, "Grief Circle"), ref(owls.ID, "Night Owls"), ref(full.ID, "Full House"),
		ref(grief.ID, "Grief Circle"), ref(grief.ID, "Grief Circle"), ref(grief.ID, "Grief Circle"),
		ref(grief.ID, "Grief Circle"), ref(owls.ID, "Night Owls"), strings.ReplaceAll(ref(owls.ID, "Night Owls"), "\n      ", "\n        "))
	if got := string(r.Files[0].Data); got != want {
		t.Errorf("hearth-mydata.json:\n%s\nwant:\n%s", got, want)
	}
	if strings.Contains(string(r.Files[0].Data), w.bob) || strings.Contains(string(r.Files[0].Data), w.mod) {
		t.Error("the export names someone else")
	}

	// In Spanish, the summary is in Spanish; the file is the same shape.
	w.fake.SetUserLocale(w.bob, "es-ES")
	if r := w.do(w.bob, "mydata"); r.Content != es.MyDataSummary(3, 0, 1, 1) || len(r.Files) != 1 ||
		!strings.Contains(string(r.Files[0].Data), `"locale": "es-ES"`) || strings.Contains(string(r.Files[0].Data), w.alice) {
		t.Errorf("bob's /mydata: %q %+v", r.Content, r.Files)
	}
}
