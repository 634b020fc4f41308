package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"hearth/domain"
	"hearth/internal/pgtest"
	"hearth/store"
)

// postgresURL is a new, empty PostgreSQL database for one test (skipped
// without PostgreSQL; failed under HEARTH_REQUIRE_POSTGRES=1). The e2e
// harness starts Hearth on it with cfg.Store.URL set to it.
func postgresURL(t *testing.T) string {
	t.Helper()
	srv, err := pgtest.Start()
	if err != nil {
		if pgtest.Required() {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	t.Cleanup(srv.Stop)
	url, drop, err := srv.NewDatabase(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(drop)
	return url
}

func TestMigrateFromSQLiteCopiesIntoPostgres(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "hearth.db")
	src, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	g, err := src.CreateGroup(ctx, domain.Group{GuildID: "1", Name: "Circle", Kind: domain.KindOpen, Timezone: "UTC", Capacity: 4}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"10", "11"} {
		if err := src.Join(ctx, g.ID, u, time.Now(), 0); err != nil {
			t.Fatal(err)
		}
	}
	src.Close()

	url := postgresURL(t)
	cfg := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(cfg, []byte("[store]\nurl = \""+url+"\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(ctx, []string{"migrate", "--config", cfg}, &out, testLogger(t)); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"migrate", "--config", cfg, "--from-sqlite", path}, &out, testLogger(t)); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{"memberships             2 rows", "groups                  1 rows", "every table's rows and checksum agree"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "password") {
		t.Error("output shows a password")
	}
	// Into a database that now holds rows, refused.
	out.Reset()
	err = run(ctx, []string{"migrate", "--config", cfg, "--from-sqlite", path}, &out, testLogger(t))
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("second copy: %v", err)
	}
}
