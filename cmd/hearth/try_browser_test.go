package main

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"hearth/messages"
)

// chromiumPath is Debian's chromium, which .ci/run installs.
const chromiumPath = "/usr/bin/chromium"

// browser starts a headless Chromium for the test, or skips the test when
// there is none (unless HEARTH_REQUIRE_BROWSER=1, as in CI).
func browser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("HEARTH_REQUIRE_BROWSER") == "1" {
			t.Fatalf("HEARTH_REQUIRE_BROWSER=1 but %s is missing: apt-get install chromium", chromiumPath)
		}
		t.Skipf("%s is missing, so the page is not tried in a browser (apt-get install chromium; HEARTH_REQUIRE_BROWSER=1 makes this a failure)", chromiumPath)
	}
	// A fresh profile, removed after the browser has quit (t.TempDir would
	// race with Chromium's last writes to its cache).
	profile, err := os.MkdirTemp("", "hearth-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 820),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() {
		_ = chromedp.Cancel(ctx) // closes the browser and waits for it
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
		for range 20 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	if err := chromedp.Run(ctx); err != nil { // starts the browser, bound to ctx
		t.Fatalf("starting %s: %v", chromiumPath, err)
	}
	return ctx
}

// artefacts is where the test writes its screenshots: $HEARTH_ARTEFACTS,
// else the test's temporary directory.
func artefacts(t *testing.T) string {
	if dir := os.Getenv("HEARTH_ARTEFACTS"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	return t.TempDir()
}

// click clicks a node, again if the page's refresh replaced it between
// finding and clicking (the live part is swapped when it changes).
func click(sel string, by chromedp.QueryOption) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		var err error
		for range 5 {
			if err = chromedp.Click(sel, by).Do(ctx); err == nil || ctx.Err() != nil {
				return err
			}
			time.Sleep(100 * time.Millisecond)
		}
		return err
	})
}

// pollAcrossReload waits until js is true, asking again when the page
// was being replaced (as Poll fails when the page navigates under it).
func pollAcrossReload(js string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		for {
			var ok bool
			if err := chromedp.Evaluate(js, &ok).Do(ctx); err == nil && ok {
				return nil
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(50 * time.Millisecond):
			}
		}
	})
}

// choose picks an option of a select as a person does, firing change.
func choose(sel, value string) chromedp.Action {
	return chromedp.Evaluate(`(function(){const s=document.querySelector(`+quoteJS(sel)+`);s.value=`+quoteJS(value)+
		`;s.dispatchEvent(new Event("change",{bubbles:true}));s.focus();})()`, nil)
}

func quoteJS(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// The playground in a real browser: a member lists the groups, joins one
// through autocomplete and its guidelines, joins its voice channel with
// the keyboard and sees its event, fast-forwards to the reminder and sees
// it mention them, checks in with the session post's I'm here, opens
// /mydata's file, and sees the page in Spanish; an outsider sees no group
// channel.
func TestTryInABrowser(t *testing.T) {
	ctx := browser(t)
	r := startTry(t)
	dir := artefacts(t)
	en := messages.For(messages.English)
	l := en.TryPage()
	as := func(who string) string { return r.url + "?" + url.Values{"as": {r.people[who]}}.Encode() }

	var groupsReply, choice, reminder, events, checkin, file, summary, spanishSide string
	var member, outsider, spanish []byte
	steps := []chromedp.Action{
		chromedp.Navigate(as("Dana")),
		chromedp.WaitVisible(`#cmd`, chromedp.ByID),
		// /groups
		choose(`#cmd`, "groups"),
		click(`#send`, chromedp.ByID),
		chromedp.WaitVisible(`.msg.ephemeral .content`, chromedp.ByQuery),
		chromedp.Text(`.msg.ephemeral .content`, &groupsReply, chromedp.ByQuery),
		// /join, the group found by autocomplete
		choose(`#cmd`, "join"),
		chromedp.WaitVisible(`#opt-group`, chromedp.ByID),
		chromedp.SendKeys(`#opt-group`, "grie", chromedp.ByID),
		chromedp.WaitVisible(`//ul[@id="list-group"]/li[normalize-space()="Grief Circle"]`, chromedp.BySearch),
		chromedp.Poll(`document.querySelectorAll("#list-group li").length === 1`, nil),
		chromedp.Text(`#list-group`, &choice, chromedp.ByQuery),
		click(`//ul[@id="list-group"]/li[normalize-space()="Grief Circle"]`, chromedp.BySearch),
		click(`#send`, chromedp.ByID),
		// the guidelines, agreed to
		click(`//button[normalize-space()=`+quoteJS(en.AgreeButton())+`]`, chromedp.BySearch),
		chromedp.WaitVisible(`//a[contains(., "grief-circle")]`, chromedp.BySearch),
		// the group's voice channel, joined with the keyboard; its event
		chromedp.WaitVisible(`button.voice-btn:not(.leave)`, chromedp.ByQuery),
		chromedp.Focus(`button.voice-btn:not(.leave)`, chromedp.ByQuery),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(`//ul[@class="in-voice"]/li[contains(., "Dana Kim")]`, chromedp.BySearch),
		chromedp.Poll(`document.activeElement.matches("button.voice-btn.leave")`, nil), // focus stays on the button
		chromedp.Text(`ul.events`, &events, chromedp.ByQuery),
		// fast-forward to the reminder and the session's start
		click(`button[value="1h"]`, chromedp.ByQuery),
		click(`//a[contains(., "grief-circle")]`, chromedp.BySearch),
		chromedp.WaitVisible(`.msg.mentioned .mention.me`, chromedp.ByQuery),
		chromedp.Text(`.msg.mentioned .content`, &reminder, chromedp.ByQuery),
		click(`//button[normalize-space()=`+quoteJS(en.HereButton())+`]`, chromedp.BySearch),
		chromedp.WaitVisible(`.msg.ephemeral .content`, chromedp.ByQuery),
		chromedp.Text(`.msg.ephemeral .content`, &checkin, chromedp.ByQuery),
		chromedp.CaptureScreenshot(&member),
		// in Spanish
		choose(`#locale`, "es-ES"),
		pollAcrossReload(`document.documentElement.lang === "es" && document.readyState === "complete"`),
		chromedp.WaitVisible(`#messages`, chromedp.ByID),
		chromedp.Text(`nav.side`, &spanishSide, chromedp.ByQuery),
		// /mydata's file, in Spanish, opened with the keyboard
		choose(`#cmd`, "mydata"),
		click(`#send`, chromedp.ByID),
		chromedp.WaitVisible(`details.file summary`, chromedp.ByQuery),
		chromedp.Focus(`details.file summary`, chromedp.ByQuery),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(`details.file pre`, chromedp.ByQuery),
		chromedp.Text(`details.file pre`, &file, chromedp.ByQuery),
		chromedp.Text(`(//li[contains(@class, "ephemeral")])[last()]//div[@class="content"]`, &summary, chromedp.BySearch),
		chromedp.ScrollIntoView(`details.file pre`, chromedp.ByQuery),
		chromedp.CaptureScreenshot(&spanish),
		// an outsider
		chromedp.Navigate(as("Gus")),
		chromedp.WaitVisible(`#messages`, chromedp.ByID),
		chromedp.CaptureScreenshot(&outsider),
	}
	for i, step := range steps {
		stepCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
		err := chromedp.Run(stepCtx, step)
		cancel()
		if err != nil {
			var html string
			_ = chromedp.Run(ctx, chromedp.OuterHTML("body", &html, chromedp.ByQuery))
			t.Fatalf("step %d (%T): %v\npage:\n%s", i, step, err, html)
		}
	}
	if !strings.Contains(groupsReply, "Grief Circle") {
		t.Errorf("/groups in the browser: %q", groupsReply)
	}
	if choice != "Grief Circle" {
		t.Errorf("autocomplete of grie offered %q first", choice)
	}
	if !strings.Contains(reminder, "@Dana Kim") {
		t.Errorf("the reminder %q does not mention Dana", reminder)
	}
	if !strings.Contains(events, "Grief Circle") || !strings.Contains(events, "grief-circle") {
		t.Errorf("the events Dana sees in voice: %q", events)
	}
	if plain := strings.ReplaceAll(en.CheckedIn(), "**", ""); checkin != plain {
		t.Errorf("I'm here answered %q, want %q", checkin, plain)
	}
	if !strings.Contains(file, `"user_id": "`+r.people["Dana"]+`"`) || !strings.Contains(file, "Grief Circle") {
		t.Errorf("the /mydata file shown: %q", file)
	}
	es := messages.For(messages.Spanish)
	if want := strings.ReplaceAll(es.MyDataSummary(0, 0, 0, 0), "`", ""); !strings.HasPrefix(summary, want[:strings.Index(want, ":")]) {
		t.Errorf("/mydata in Spanish answered %q", summary)
	}
	esl := es.TryPage()
	for _, want := range []string{esl.Channels, esl.Events, esl.LeaveVoice, esl.Clock} {
		if !strings.Contains(strings.ToLower(spanishSide), strings.ToLower(want)) {
			t.Errorf("the Spanish page lacks %q: %q", want, spanishSide)
		}
	}
	var channels string
	if err := chromedp.Run(ctx, chromedp.Text(`nav.side`, &channels, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	for _, group := range []string{"grief-circle", "sober-path", "caregivers-corner"} {
		if strings.Contains(channels, group) {
			t.Errorf("the outsider sees #%s: %q", group, channels)
		}
	}
	if !strings.Contains(channels, "general") || !strings.Contains(strings.ToLower(channels), strings.ToLower(l.Channels)) {
		t.Errorf("the outsider's channel list: %q", channels)
	}
	for name, png := range map[string][]byte{"try-member.png": member, "try-outsider.png": outsider, "try-es.png": spanish} {
		if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("screenshots in %s", dir)
}
