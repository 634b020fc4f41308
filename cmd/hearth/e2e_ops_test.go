package main

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestOperating runs Hearth with http.listen and checks /healthz and
// /metrics as an operator's monitoring would see them: healthy once
// connected, counting a /join and its REST call, naming nobody, and
// unhealthy with a reason while the database cannot be written.
func TestOperating(t *testing.T) {
	w := newWorld(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	w.httpLn = ln
	base := "http://" + ln.Addr().String()
	w.start(func(c *Config) { c.HTTP.Listen = ln.Addr().String() })

	eventually(t, "/healthz 200", func() bool { code, _ := httpGet(t, base+"/healthz"); return code == http.StatusOK })

	r := w.group(w.mod, "create", str("name", "Grief Circle"), str("type", "open"))
	wantReply(t, r, "Grief Circle")
	wantReply(t, w.do(w.alice, "join", str("group", "Grief Circle")), "Welcome")
	w.group(w.bob, "members", str("group", "Grief Circle")) // refused: bob is not a moderator
	g := w.groupNamed(w.db(), "Grief Circle")

	_, body := httpGet(t, base+"/metrics")
	for _, want := range []string{
		`hearth_interactions_total{outcome="ok",route="join"} 1`,
		`hearth_interactions_total{outcome="ok",route="group create"} 1`,
		`hearth_interactions_total{outcome="refused",route="group members"} 1`,
		`hearth_interaction_duration_seconds_count{route="join"} 1`,
		`hearth_rest_requests_total{route="PUT /channels/{id}/permissions/{id}",status="204"}`,
		`hearth_rest_requests_total{route="POST /interactions/{id}/{token}/callback",status="204"}`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	// Membership is confidential: no id of anyone, any channel or the
	// server, nor the token, in any label or value.
	for what, id := range map[string]string{"alice": w.alice, "bob": w.bob, "the moderator": w.mod,
		"the server": w.guild, "the group's channel": g.ChannelID, "the token": w.fake.Token} {
		if id == "" || strings.Contains(body, id) {
			t.Errorf("/metrics names %s (%q)", what, id)
		}
	}
	// (Not the digits after a decimal point: Go's memory limit is 9.223372036854776e+18.)
	if long := regexp.MustCompile(`(?:^|[^0-9.])[0-9]{15,}`).FindString(body); long != "" {
		t.Errorf("/metrics holds a number as long as a Discord id: %s", long)
	}

	// The gateway drops; discordgo resumes, and that is counted.
	w.fake.DropGateway()
	eventually(t, "a counted reconnect", func() bool {
		_, body := httpGet(t, base+"/metrics")
		return strings.Contains(body, "hearth_gateway_reconnects_total 1")
	})
	eventually(t, "/healthz 200 after the reconnect", func() bool { code, _ := httpGet(t, base+"/healthz"); return code == http.StatusOK })

	// Another process holds the database's write lock: not healthy, and why.
	other, err := sql.Open("sqlite3", "file:"+w.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	code, reason := httpGet(t, base+"/healthz")
	if code != http.StatusServiceUnavailable || !strings.Contains(reason, "database not writable") {
		t.Errorf("/healthz with the database locked: %d %q", code, reason)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("/healthz took %s", took)
	}
	if _, err := conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	if code, body := httpGet(t, base+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz once the lock is released: %d %q", code, body)
	}
}

// TestBackupCommand copies a database Hearth wrote with `hearth backup`,
// and refuses to write over the copy.
func TestBackupCommand(t *testing.T) {
	w := newWorld(t)
	h := w.start()
	w.group(w.mod, "create", str("name", "Grief Circle"), str("type", "open"))
	w.do(w.alice, "join", str("group", "Grief Circle"))
	config := writeConfig(t, "[store]\npath = \""+filepath.ToSlash(w.dbPath)+"\"\n")
	to := filepath.Join(t.TempDir(), "backup.db")

	var out bytes.Buffer
	if err := run(context.Background(), []string{"backup", "--config", config, "--to", to}, &out, testLogger(t)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), to) {
		t.Errorf("output %q does not name the copy", out.String())
	}
	h.stop()
	w.dbPath = to
	g := w.groupNamed(w.db(), "Grief Circle")
	if members, err := w.db().Members(context.Background(), g.ID); err != nil || len(members) != 1 || members[0] != w.alice {
		t.Errorf("the copy's members: %v, %v", members, err)
	}
	err := run(context.Background(), []string{"backup", "--config", config, "--to", to}, io.Discard, testLogger(t))
	if err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("a second backup to the same file: %v", err)
	}
	if err := run(context.Background(), []string{"backup", "--config", config}, io.Discard, testLogger(t)); err == nil || !strings.Contains(err.Error(), "--to") {
		t.Errorf("backup without --to: %v", err)
	}
	missing := writeConfig(t, "[store]\npath = \""+filepath.ToSlash(filepath.Join(t.TempDir(), "none.db"))+"\"\n")
	if err := run(context.Background(), []string{"backup", "--config", missing, "--to", to + "2"}, io.Discard, testLogger(t)); err == nil {
		t.Error("backup of a missing database succeeded")
	} else if _, serr := os.Stat(to + "2"); serr == nil {
		t.Error("backup of a missing database wrote a file")
	}
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}
