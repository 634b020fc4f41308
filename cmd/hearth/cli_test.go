package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"hearth/internal/fakediscord"
	"hearth/store"
)

// TestMain lets a test run the real main() in a child process.
func TestMain(m *testing.M) {
	if os.Getenv("HEARTH_TEST_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestVersion(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"version"}, &out, testLogger(t)); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "hearth ") {
		t.Fatalf("version printed %q", out.String())
	}
}

func TestUnknownSubcommand(t *testing.T) {
	err := run(context.Background(), []string{"serve"}, &bytes.Buffer{}, testLogger(t))
	if err == nil || !strings.Contains(err.Error(), "unknown command") {
		t.Fatalf("got %v", err)
	}
}

func TestMigrateCreatesTheSchema(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "h.db")
	cfg := writeConfig(t, fmt.Sprintf("[store]\npath = %q\n", db))
	var out bytes.Buffer
	if err := run(context.Background(), []string{"migrate", "--config", cfg}, &out, testLogger(t)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "up to date") {
		t.Fatalf("migrate printed %q", out.String())
	}
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if n, err := st.Migrate(context.Background()); err != nil || n != 0 {
		t.Fatalf("after hearth migrate, %d migrations were pending (err %v)", n, err)
	}
}

// hearth run stops cleanly, exit status 0, on SIGTERM and SIGINT.
func TestRunStopsCleanlyOnSignals(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			fake := fakediscord.New(t)
			dir := t.TempDir()
			cfg := writeConfig(t, fmt.Sprintf("[discord]\napi_url = %q\nguild_id = %q\n[store]\npath = %q\n",
				fake.APIURL(), fake.GuildID, filepath.Join(dir, "h.db")))
			cmd := exec.Command(os.Args[0], "run", "--config", cfg)
			cmd.Env = append(os.Environ(), "HEARTH_TEST_MAIN=1", "HEARTH_DISCORD_TOKEN="+fake.Token)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			eventually(t, "commands registered", func() bool { return len(fake.RegisteredCommands(fake.GuildID)) > 0 })
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("hearth exited with %v; stderr:\n%s", err, stderr.String())
				}
			case <-time.After(15 * time.Second):
				cmd.Process.Kill()
				t.Fatal("hearth did not stop within 15s")
			}
			if !strings.Contains(stderr.String(), "shutting down") {
				t.Errorf("no shutdown log line; stderr:\n%s", stderr.String())
			}
		})
	}
}
