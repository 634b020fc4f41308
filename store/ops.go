package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"time"
)

// Writable reports whether the database takes a write now: it commits a
// one-row write to a table of its own, so a lock held elsewhere, a
// read-only or full disk, or an I/O error all show. ctx bounds the wait for
// the lock. It is the database half of /healthz.
//
// The health table is made here, not by a migration: nothing reads it, and
// a migration number is shared with every other change to the schema.
func (s *Store) Writable(ctx context.Context) error {
	if err := s.writeHealth(ctx); err != nil {
		return fmt.Errorf("database not writable: %w", err)
	}
	return nil
}

// busyTimeout is the connection's wait for a lock, as set in openNoMigrate.
const busyTimeout = 10 * time.Second

func (s *Store) writeHealth(ctx context.Context) error {
	if s.postgres {
		return s.tx(ctx, func(tx *sql.Tx) error { return writeHealthRow(ctx, tx) })
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	// SQLite's wait for a lock does not end with ctx: shorten it to ctx's
	// deadline on this connection, and give it back after.
	if deadline, ok := ctx.Deadline(); ok {
		wait := min(time.Until(deadline), busyTimeout)
		if _, err := conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA busy_timeout = %d`, max(wait.Milliseconds(), 1))); err != nil {
			return err
		}
		defer func() {
			if _, err := conn.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf(`PRAGMA busy_timeout = %d`, busyTimeout.Milliseconds())); err != nil {
				conn.Raw(func(any) error { return driver.ErrBadConn }) // drop it from the pool
			}
		}()
	}
	tx, err := conn.BeginTx(ctx, nil) // BEGIN IMMEDIATE (_txlock): the write lock
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := writeHealthRow(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}

func writeHealthRow(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS health (
		id INTEGER PRIMARY KEY CHECK (id = 1), checked_at BIGINT NOT NULL)`); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO health (id, checked_at) VALUES (1, ?)
		ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at`, time.Now().Unix())
	return err
}

// ErrBackupPostgres is Backup asked of PostgreSQL, which has its own tools.
var ErrBackupPostgres = errors.New("store: hearth backup copies SQLite; back PostgreSQL up with pg_dump")

// ErrBackupExists is Backup refusing to overwrite a file.
var ErrBackupExists = errors.New("store: backup destination exists")

// Backup writes a consistent copy of the database to the new file to,
// while Hearth runs: SQLite's VACUUM INTO reads one snapshot, so the copy
// holds every transaction committed before it began and none after, and
// it is compacted. An existing file at to is refused, never overwritten.
func (s *Store) Backup(ctx context.Context, to string) error {
	if s.postgres {
		return ErrBackupPostgres
	}
	if _, err := os.Lstat(to); err == nil {
		return fmt.Errorf("%w: %s", ErrBackupExists, to)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("backup to %s: %w", to, err)
	}
	// Made first, empty and readable by the owner only: the copy says who
	// is in which group. VACUUM INTO fills an empty file.
	f, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("%w: %s", ErrBackupExists, to)
	}
	if err != nil {
		return fmt.Errorf("backup to %s: %w", to, err)
	}
	f.Close()
	if _, err := s.db.ExecContext(ctx, `VACUUM INTO ?`, to); err != nil {
		os.Remove(to)
		return fmt.Errorf("backup to %s: %w", to, err)
	}
	return nil
}

// OpenExisting opens the database at path without creating it or applying
// migrations: for a backup beside a running Hearth, which may be of
// another version than this binary.
func OpenExisting(path string) (*Store, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	return openNoMigrate(path)
}
