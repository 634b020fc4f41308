package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"hearth/messages"
)

// tryRun is one `hearth try`, stopped at the end of the test.
type tryRun struct {
	t      *testing.T
	url    string // the page's, "http://127.0.0.1:PORT/"
	people map[string]string
}

// urlWriter catches the URL `hearth try` prints.
type urlWriter struct {
	mu  sync.Mutex
	buf strings.Builder
	got chan string
}

func (w *urlWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if m := regexp.MustCompile(`http://127\.0\.0\.1:\d+/`).FindString(w.buf.String()); m != "" && w.got != nil {
		w.got <- m
		w.got = nil
	}
	return len(p), nil
}

// startTry runs `hearth try` as the command line does, with its temporary
// files in a directory of the test's, and checks at the end that it
// stopped cleanly and left nothing behind.
func startTry(t *testing.T) *tryRun {
	t.Helper()
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	ctx, cancel := context.WithCancel(context.Background())
	printed := make(chan string, 1)
	out := &urlWriter{got: printed}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"try", "--listen", "127.0.0.1:0"}, out, testLogger(t)) }()
	r := &tryRun{t: t, people: map[string]string{}}
	select {
	case r.url = <-printed:
	case err := <-done:
		cancel()
		t.Fatalf("hearth try stopped: %v", err)
	case <-time.After(60 * time.Second):
		cancel()
		t.Fatal("hearth try printed no URL within 60s")
	}
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("hearth try stopped with %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("hearth try did not stop within 30s")
		}
		if left, _ := filepath.Glob(filepath.Join(tmp, "hearth-try-*")); len(left) > 0 {
			t.Errorf("hearth try left %v behind", left)
		}
	})
	page := r.get("", nil)
	for _, m := range regexp.MustCompile(`<option value="(\d+)"[^>]*>(\w+) `).FindAllStringSubmatch(page, -1) {
		r.people[m[2]] = m[1]
	}
	if len(r.people) != 7 {
		t.Fatalf("people on the page: %v, want 7", r.people)
	}
	return r
}

func (r *tryRun) get(path string, q url.Values) string {
	r.t.Helper()
	res, err := http.Get(r.url + path + "?" + q.Encode())
	return r.body("GET /"+path, res, err)
}

func (r *tryRun) post(path string, form url.Values) string {
	r.t.Helper()
	res, err := http.PostForm(r.url+path, form)
	return r.body("POST /"+path, res, err)
}

// body is a 200 answer's body; anything else fails the test.
func (r *tryRun) body(what string, res *http.Response, err error) string {
	r.t.Helper()
	if err != nil {
		r.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		r.t.Fatalf("%s: %d %s", what, res.StatusCode, b)
	}
	return string(b)
}

// live is the channel list and messages as who sees them in channel ch
// ("" for their first).
func (r *tryRun) live(who, ch string) string {
	return r.get("live", url.Values{"as": {r.people[who]}, "ch": {ch}})
}

var channelLink = regexp.MustCompile(`data-ch="(\d+)"[^>]*># ([a-z-]+)`)

// channels are the names and ids of the channels who sees.
func (r *tryRun) channels(who string) map[string]string {
	out := map[string]string{}
	for _, m := range channelLink.FindAllStringSubmatch(r.live(who, ""), -1) {
		out[m[2]] = m[1]
	}
	return out
}

var buttonRE = regexp.MustCompile(`<button type="button" class="btn style-\d" data-msg="(\d+)" data-cid="([^"]+)" data-ctype="2">([^<]+)</button>`)

// The page without a browser: each person sees the channels they may
// view; a command, its autocomplete, a button and the clock work through
// the fake Discord; an ephemeral reply shows only to its person; Spanish
// follows the person's language; requests from elsewhere are refused.
func TestTryPageOverHTTP(t *testing.T) {
	r := startTry(t)
	en, es := messages.For(messages.English), messages.For(messages.Spanish)

	// Who sees which channel: computed by the fake from the overwrites.
	want := map[string][]string{
		"Gus":   {"general"},
		"Dana":  {"general"},
		"Bruno": {"general", "grief-circle", "caregivers-corner"},
		"Maya":  {"general", "mod-log", "grief-circle", "sober-path", "caregivers-corner"},
	}
	for who, names := range want {
		got := r.channels(who)
		if len(got) != len(names) {
			t.Errorf("%s sees %v, want %v", who, got, names)
		}
		for _, n := range names {
			if got[n] == "" {
				t.Errorf("%s does not see #%s (sees %v)", who, n, got)
			}
		}
	}
	general := r.channels("Dana")["general"]

	// /groups: the reply is Dana's alone.
	r.post("command", url.Values{"as": {r.people["Dana"]}, "ch": {general}, "cmd": {"groups"}})
	if page := r.live("Dana", general); !strings.Contains(page, "Grief Circle") || !strings.Contains(page, en.TryPage().OnlyYou) {
		t.Fatalf("Dana's /groups reply is not on her page:\n%s", page)
	}
	if page := r.live("Gus", general); strings.Contains(page, "Grief Circle") {
		t.Error("Gus sees Dana's ephemeral reply")
	}

	// Autocomplete asks Hearth.
	got := r.post("autocomplete", url.Values{"as": {r.people["Dana"]}, "ch": {general}, "cmd": {"join"}, "focus": {"group"}, "opt.group": {"grie"}})
	if !strings.Contains(got, `"name":"Grief Circle"`) {
		t.Errorf("autocomplete of grie: %s", got)
	}

	// /join shows the guidelines with a button; pressing it joins.
	r.post("command", url.Values{"as": {r.people["Dana"]}, "ch": {general}, "cmd": {"join"}, "opt.group": {"Grief Circle"}})
	var agree []string
	for _, b := range buttonRE.FindAllStringSubmatch(r.live("Dana", general), -1) {
		if b[3] == en.AgreeButton() {
			agree = b
		}
	}
	if agree == nil {
		t.Fatal("no agree button on Dana's page")
	}
	r.post("component", url.Values{"as": {r.people["Dana"]}, "msg": {agree[1]}, "cid": {agree[2]}, "ctype": {"2"}})
	grief := r.channels("Dana")["grief-circle"]
	if grief == "" {
		t.Fatalf("Dana does not see #grief-circle after agreeing: %v", r.channels("Dana"))
	}

	// The reminder, 30 minutes before the session 45 minutes after start.
	r.post("clock", url.Values{"by": {"1h"}})
	page := r.live("Dana", grief)
	if !strings.Contains(page, `<span class="mention me">@Dana Kim</span>`) || !strings.Contains(page, en.TryPage().MentionsYou) {
		t.Errorf("no reminder mentioning Dana in #grief-circle:\n%s", page)
	}

	// A modal opens as a form, and its submission reaches Hearth.
	maya := r.channels("Maya")
	got = r.post("command", url.Values{"as": {r.people["Maya"]}, "ch": {maya["general"]}, "cmd": {"group guidelines"},
		"opt.group": {"Sober Path"}})
	var modal struct {
		Modal struct {
			CustomID string `json:"custom_id"`
			Fields   []struct {
				CustomID string `json:"custom_id"`
			} `json:"fields"`
		} `json:"modal"`
	}
	if err := json.Unmarshal([]byte(got), &modal); err != nil || modal.Modal.CustomID == "" || len(modal.Modal.Fields) != 1 {
		t.Fatalf("/group guidelines answered %s, want a modal with one field", got)
	}
	r.post("modal", url.Values{"as": {r.people["Maya"]}, "ch": {maya["general"]}, "cid": {modal.Modal.CustomID},
		"field." + modal.Modal.Fields[0].CustomID: {"Be kind."}})
	saved := en.GuidelinesSaved("Sober Path", 1) // shown with the name in bold: compare what follows it
	saved = strings.TrimLeft(saved[strings.Index(saved, "Sober Path")+len("Sober Path"):], "*")
	if p := r.live("Maya", maya["general"]); !strings.Contains(p, "<strong>Sober Path</strong>"+saved) {
		t.Errorf("saving guidelines through the form: no confirmation on Maya's page")
	}

	// Spanish: the page's words and Hearth's replies.
	r.post("locale", url.Values{"as": {r.people["Gus"]}, "locale": {"es-ES"}})
	if p := r.get("", url.Values{"as": {r.people["Gus"]}}); !strings.Contains(p, `lang="es"`) || !strings.Contains(p, es.TryPage().ActingAs) {
		t.Error("the page is not in Spanish for Gus")
	}
	r.post("command", url.Values{"as": {r.people["Gus"]}, "ch": {general}, "cmd": {"support"}})
	if p := r.live("Gus", general); !strings.Contains(p, es.TryPage().OnlyYou) {
		t.Errorf("Gus's reply is not marked in Spanish:\n%s", p)
	}

	// Only this machine's pages may use it.
	req, _ := http.NewRequest("GET", r.url, nil)
	req.Host = "evil.example:80"
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusForbidden {
		t.Errorf("a foreign Host header: %v %v", res.Status, err)
	}
	req, _ = http.NewRequest("POST", r.url+"clock", strings.NewReader("by=1h"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://evil.example")
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != http.StatusForbidden {
		t.Errorf("a foreign Origin: %v %v", res.Status, err)
	}
}

// hearth try, as a process, prints its page's address, serves it, and on
// SIGINT or SIGTERM stops with status 0 and removes its temporary files.
func TestTryStopsCleanlyOnSignals(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			tmp := t.TempDir()
			cmd := exec.Command(os.Args[0], "try")
			cmd.Env = append(os.Environ(), "HEARTH_TEST_MAIN=1", "TMPDIR="+tmp)
			printed := make(chan string, 1)
			cmd.Stdout = &urlWriter{got: printed}
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case u := <-printed:
				res, err := http.Get(u)
				if err != nil || res.StatusCode != 200 {
					t.Errorf("GET %s: %v %v", u, res, err)
				}
				if res != nil {
					res.Body.Close()
				}
			case err := <-done:
				t.Fatalf("hearth try exited: %v; stderr:\n%s", err, stderr.String())
			case <-time.After(60 * time.Second):
				cmd.Process.Kill()
				t.Fatal("hearth try printed no address within 60s")
			}
			if left, _ := filepath.Glob(filepath.Join(tmp, "hearth-try-*", "hearth.db")); len(left) != 1 {
				t.Errorf("the temporary database: %v, want one", left)
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("hearth try exited with %v; stderr:\n%s", err, stderr.String())
				}
			case <-time.After(30 * time.Second):
				cmd.Process.Kill()
				t.Fatal("hearth try did not stop within 30s")
			}
			if left, _ := filepath.Glob(filepath.Join(tmp, "hearth-try-*")); len(left) > 0 {
				t.Errorf("hearth try left %v behind", left)
			}
		})
	}
}
