package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"hearth/internal/pgtest"
)

// The store's tests run twice: on SQLite, then on PostgreSQL (see
// internal/pgtest for where it comes from). openTest opens the dialect of
// the pass; a test of something only SQLite has calls sqliteOnly.

var (
	pgServer *pgtest.Server // nil: no PostgreSQL
	onPG     bool           // this pass is PostgreSQL's
)

func TestMain(m *testing.M) {
	srv, err := pgtest.Start()
	switch {
	case err == nil:
		pgServer = srv
	case pgtest.Required():
		fmt.Fprintln(os.Stderr, "store tests: PostgreSQL required (HEARTH_REQUIRE_POSTGRES=1) but:", err)
		os.Exit(1)
	default:
		fmt.Fprintln(os.Stderr, "store tests: SKIPPING the PostgreSQL pass:", err)
	}
	code := m.Run()
	if pgServer != nil {
		fmt.Fprintln(os.Stderr, "store tests: the same tests on PostgreSQL")
		onPG = true
		if c := m.Run(); code == 0 {
			code = c
		}
		pgServer.Stop()
	}
	os.Exit(code)
}

// openTest opens a new, empty store of this pass's dialect, closed and
// dropped when the test ends.
func openTest(t testing.TB) *Store {
	t.Helper()
	if onPG {
		return openPostgresTest(t)
	}
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "hearth.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// openPostgresTest opens a new, empty PostgreSQL store whatever the pass,
// or skips when there is no PostgreSQL (failing if it is required).
func openPostgresTest(t testing.TB) *Store {
	t.Helper()
	url := newPostgresURL(t)
	s, err := OpenDatabase(context.Background(), url, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// newPostgresURL is the URL of a new, empty PostgreSQL database (a schema
// of its own), dropped when the test ends.
func newPostgresURL(t testing.TB) string {
	t.Helper()
	if pgServer == nil {
		if pgtest.Required() {
			t.Fatal("PostgreSQL required (HEARTH_REQUIRE_POSTGRES=1) but unavailable")
		}
		t.Skip(pgtest.ErrUnavailable)
	}
	url, drop, err := pgServer.NewDatabase(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(drop)
	return url
}

// sqliteOnly skips a test of something only SQLite has in the PostgreSQL pass.
func sqliteOnly(t testing.TB, why string) {
	t.Helper()
	if onPG {
		t.Skip("SQLite only: " + why)
	}
}
