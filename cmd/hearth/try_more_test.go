package main

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"hearth/messages"
)

// dmChannel is the id of who's direct messages with Hearth, as their page
// lists them ("" if none yet).
func (r *tryRun) dmChannel(who string) string {
	m := regexp.MustCompile(`data-ch="(\d+)"[^>]*>@ Hearth`).FindStringSubmatch(r.live(who, ""))
	if m == nil {
		return ""
	}
	return m[1]
}

// button finds the button labelled label on who's page of channel ch:
// its message and custom id; it fails the test if there is none.
func (r *tryRun) button(who, ch, label string) (msg, cid string) {
	r.t.Helper()
	page := r.live(who, ch)
	var found []string
	for _, b := range buttonRE.FindAllStringSubmatch(page, -1) {
		if html.UnescapeString(b[3]) == label {
			found = b // the newest
		}
	}
	if found == nil {
		r.t.Fatalf("no %q button on %s's page of %s:\n%s", label, who, ch, page)
	}
	return found[1], found[2]
}

func (r *tryRun) press(who, ch, label string) {
	r.t.Helper()
	msg, cid := r.button(who, ch, label)
	r.post("component", url.Values{"as": {r.people[who]}, "msg": {msg}, "cid": {cid}, "ctype": {"2"}})
}

// shows fails the test unless who's page of ch holds want (as HTML).
func (r *tryRun) shows(who, ch, what, want string) {
	r.t.Helper()
	if page := r.live(who, ch); !strings.Contains(page, want) {
		r.t.Errorf("%s: %s's page lacks %q:\n%s", what, who, want, page)
	}
}

// shownAs is Hearth's text as the page shows it: escaped, bold in bold.
func shownAs(s string) string {
	return regexp.MustCompile(`\*\*(.+?)\*\*`).ReplaceAllString(html.EscapeString(s), "<strong>$1</strong>")
}

var (
	joinVoiceRE = regexp.MustCompile(`id="voice-(\d+)" data-voice="(\d+)"`)
	fileLinkRE  = regexp.MustCompile(`<a href="(/attachment\?[^"]+)" download="hearth-mydata.json"`)
)

// The features of the second round on the page, without a browser: a
// member joins the voice group's voice channel and sees its event, which
// outsiders do not; the reminder by DM and its Can't make it; the session
// post's I'm here; a talking round; the attendance; /mydata's file shown
// and served to its person only; /forget's buttons; a waitlist offer in a
// DM, taken.
func TestTryVoiceSessionsFilesAndDMsOverHTTP(t *testing.T) {
	r := startTry(t)
	en := messages.For(messages.English)
	l := en.TryPage()
	bruno := r.channels("Bruno")
	grief, general := bruno["grief-circle"], bruno["general"]

	// Voice: Bruno may join the group's voice channel; Dana, outside the
	// group, sees neither it nor its event.
	m := joinVoiceRE.FindStringSubmatch(r.live("Bruno", general))
	if m == nil {
		t.Fatalf("no Join voice button for Bruno:\n%s", r.live("Bruno", general))
	}
	voice := m[2]
	r.shows("Bruno", general, "the voice group's event", `<li class="event"><strong>Grief Circle</strong>`)
	if p := r.live("Dana", general); strings.Contains(p, "data-voice") || strings.Contains(p, `class="event"`) {
		t.Errorf("Dana, in no voice group, sees a voice channel or an event:\n%s", p)
	}
	if got := r.post("voice", url.Values{"as": {r.people["Dana"]}, "ch": {voice}}); !strings.Contains(got, l.VoiceRefused) {
		t.Errorf("Dana joining a voice channel she may not connect to: %s", got)
	}
	r.post("voice", url.Values{"as": {r.people["Bruno"]}, "ch": {voice}})
	inVoice := `<ul class="in-voice" aria-label="` + l.InVoice + `">`
	r.shows("Chen", general, "Bruno in voice, seen by another member", inVoice)
	r.shows("Chen", general, "Bruno in voice, seen by another member", "Bruno Silva</li>")
	r.shows("Bruno", general, "the Leave voice button", `data-voice="" aria-label="`+l.LeaveVoice+`: grief-circle"`)

	// The reminder, 30 minutes before: Chen chose direct messages.
	r.post("clock", url.Values{"by": {"20m"}})
	dm := r.dmChannel("Chen")
	if dm == "" {
		t.Fatal("Chen has no direct messages after the reminder")
	}
	r.press("Chen", dm, en.CantButton())
	r.shows("Chen", dm, "Can't make it from the DM", shownAs(en.Excused()))

	// The session post at the start: I'm here undoes the excuse.
	r.post("clock", url.Values{"by": {"30m"}})
	r.press("Chen", grief, en.HereButton())
	r.shows("Chen", grief, "I'm here", shownAs(en.CheckedInUndid()))

	// A talking round of those present: Bruno in voice, Chen checked in.
	r.post("command", url.Values{"as": {r.people["Fatima"]}, "ch": {grief}, "cmd": {"group round"}, "opt.group": {"Grief Circle"}})
	r.button("Bruno", grief, en.PassButton())

	// After the session, its attendance: Bruno from voice, Chen checked in.
	r.post("clock", url.Values{"by": {"1h"}})
	r.post("command", url.Values{"as": {r.people["Fatima"]}, "ch": {grief}, "cmd": {"group attendance"}, "opt.group": {"Grief Circle"}})
	r.shows("Fatima", grief, "attendance", `: attended <span class="mention">@Bruno Silva</span>, <span class="mention">@Chen Wei</span> · excused nobody<br>`)

	// /mydata: the file, shown and downloadable by Bruno alone.
	r.post("command", url.Values{"as": {r.people["Bruno"]}, "ch": {general}, "cmd": {"mydata"}})
	page := r.live("Bruno", general)
	link := fileLinkRE.FindStringSubmatch(page)
	if link == nil || !regexp.MustCompile(`<details class="file" id="file-\d+"><summary id="show-\d+">`+
		regexp.QuoteMeta(html.EscapeString(l.ShowFile))+`</summary><pre tabindex="0">`).MatchString(page) {
		t.Fatalf("no file shown after /mydata:\n%s", page)
	}
	res, err := http.Get(strings.TrimSuffix(r.url, "/") + html.UnescapeString(link[1]))
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		UserID string `json:"user_id"`
	}
	if err := json.NewDecoder(res.Body).Decode(&file); err != nil || res.StatusCode != 200 || file.UserID != r.people["Bruno"] ||
		!strings.Contains(res.Header.Get("Content-Disposition"), `filename=hearth-mydata.json`) {
		t.Errorf("downloading the file: %d %v %+v %q", res.StatusCode, err, file, res.Header.Get("Content-Disposition"))
	}
	res.Body.Close()
	if !strings.Contains(html.UnescapeString(page), r.people["Bruno"]) {
		t.Error("the file shown does not hold Bruno's id")
	}
	other := strings.Replace(html.UnescapeString(link[1]), "as="+r.people["Bruno"], "as="+r.people["Dana"], 1)
	if res, err := http.Get(strings.TrimSuffix(r.url, "/") + other); err != nil || res.StatusCode != http.StatusNotFound {
		t.Errorf("Dana downloading Bruno's file: %v %v", res.Status, err)
	}
	if strings.Contains(r.live("Dana", general), "hearth-mydata.json") {
		t.Error("Dana sees Bruno's /mydata reply")
	}

	// /forget: Cancel keeps Dana's data; Erase my data takes Eli out of
	// his groups.
	r.post("command", url.Values{"as": {r.people["Dana"]}, "ch": {general}, "cmd": {"forget"}})
	r.press("Dana", general, en.CancelButton())
	r.shows("Dana", general, "Cancel on /forget", shownAs(en.ForgetCancelled()))
	r.post("command", url.Values{"as": {r.people["Eli"]}, "ch": {general}, "cmd": {"forget"}})
	r.press("Eli", general, en.ForgetButton())
	if got := r.channels("Eli"); len(got) != 1 || got["general"] == "" {
		t.Errorf("after /forget Eli sees %v, want only #general", got)
	}

	// Eli's seat in Caregivers Corner is offered to Gus, waiting, by DM.
	deadline := time.Now().Add(10 * time.Second)
	for {
		if ch := r.dmChannel("Gus"); ch != "" && strings.Contains(r.live("Gus", ch), ">"+en.TakeButton()+"</button>") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no offer in Gus's DMs:\n%s", r.live("Gus", r.dmChannel("Gus")))
		}
		time.Sleep(50 * time.Millisecond)
	}
	r.press("Gus", r.dmChannel("Gus"), en.TakeButton())
	if r.channels("Gus")["caregivers-corner"] == "" {
		t.Errorf("Gus took the seat offered but does not see #caregivers-corner: %v", r.channels("Gus"))
	}
}
