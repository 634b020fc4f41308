package scheduler

import (
	"context"
	"database/sql"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the probes are written with pgx's database/sql driver

	"hearth/internal/pgtest"
	"hearth/store"
)

// The scale test on PostgreSQL: the same database, built in SQLite and
// copied (as `hearth migrate --from-sqlite` does) into a PostgreSQL
// database of its own, run by Hearth's scheduler on it. It runs when
// PostgreSQL is at hand (HEARTH_TEST_POSTGRES, or installed).

// scaleRunners are the runners TestScale measures at each size.
func scaleRunners() []string {
	runners := []string{"hearth", "hearth-1by1", "cron"}
	pgOnce.Do(func() { pgServer, pgErr = pgtest.Start() })
	if pgErr == nil {
		runners = append(runners, "hearth-postgres")
	}
	return runners
}

// scalePostgres copies the SQLite database at path into a new PostgreSQL
// database and returns its URL.
func scalePostgres(t *testing.T, path string) string {
	t.Helper()
	ctx := context.Background()
	url, drop, err := pgServer.NewDatabase(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(drop)
	src, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := store.OpenDatabase(ctx, url, "")
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if _, err := dst.CopyFrom(ctx, src); err != nil {
		t.Fatal(err)
	}
	return url
}

func scaleHearthPostgres(t *testing.T, url string, n int) scaleResult {
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	spread, burst := writeProbes(t, db, n, `DELETE FROM jobs WHERE group_id = $1`,
		`INSERT INTO jobs (group_id, kind, session_at, lead_seconds, due_at) VALUES ($1, 'reminder', $2, 3600, $3)`)
	if _, err := db.Exec(`ANALYZE`); err != nil { // as autovacuum would have by now
		t.Fatal(err)
	}
	db.Close()
	return runScaleHearth(t, func() (*store.Store, error) { return store.OpenDatabase(context.Background(), url, "") }, spread, burst)
}
