package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mattn/go-sqlite3"

	"hearth/domain"
	"hearth/internal/grouplock"
)

//go:embed migrations/*.sql migrations/postgres/*.sql
var migrations embed.FS

// Store is Hearth's database: SQLite, or PostgreSQL when several processes
// share it.
type Store struct {
	db           *sql.DB
	postgres     bool
	stmts        sync.Map      // query text → *sql.Stmt
	planned      chan struct{} // see PlanChanged
	lease        leaseConfig   // see SetLease
	retries      atomic.Int64  // transactions PostgreSQL refused and that ran again, for benchmarks
	unqueued     bool          // benchmarks: groupTx as plain tx, to compare
	noLocalQueue bool
	groupQueue   grouplock.Locks
	// beforeCommit, set by tests only, runs after a transaction's function
	// succeeded; an error from it rolls the transaction back as a
	// conflict at commit would (the retry tests use it).
	beforeCommit func() error
}

// OpenDatabase opens the PostgreSQL database at url (postgres://…), or,
// when url is empty, the SQLite database at path; either is migrated.
func OpenDatabase(ctx context.Context, url, path string) (*Store, error) {
	if url == "" {
		return Open(ctx, path)
	}
	s, err := openPostgres(url)
	if err != nil {
		return nil, err
	}
	if _, err := s.Migrate(ctx); err != nil {
		s.db.Close()
		return nil, err
	}
	return s, nil
}

// Postgres reports whether the store is PostgreSQL.
func (s *Store) Postgres() bool { return s.postgres }

// Open opens (creating if needed) the SQLite database at path and applies
// every pending migration.
func Open(ctx context.Context, path string) (*Store, error) {
	s, err := openNoMigrate(path)
	if err != nil {
		return nil, err
	}
	if _, err := s.Migrate(ctx); err != nil {
		s.db.Close()
		return nil, err
	}
	return s, nil
}

func openNoMigrate(path string) (*Store, error) {
	// WAL lets readers run beside the one writer; _txlock=immediate takes the
	// write lock at BEGIN, so two joins never deadlock upgrading a read lock.
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", "10000")
	q.Set("_synchronous", "NORMAL")
	q.Set("_txlock", "immediate")
	// In a file: URI, ?, # and % in the path must be escaped.
	escaped := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	db, err := sql.Open("sqlite3", "file:"+escaped+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	return &Store{db: db, planned: make(chan struct{}, 1), lease: defaultLease()}, nil
}

// Close closes the database.
func (s *Store) Close() error {
	s.stmts.Range(func(_, st any) bool { st.(*sql.Stmt).Close(); return true })
	return s.db.Close()
}

// prep returns query prepared once for the pool: preparing is a good part
// of what a small SQLite query costs.
func (s *Store) prep(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := s.stmts.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if prev, loaded := s.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

func (s *Store) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := s.prep(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (s *Store) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := s.prep(ctx, query)
	if err != nil {
		return s.db.QueryRowContext(ctx, query, args...) // carries the same error
	}
	return st.QueryRowContext(ctx, args...)
}

func (s *Store) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := s.prep(ctx, query)
	if err != nil {
		return nil, storageError(err)
	}
	res, err := st.ExecContext(ctx, args...)
	return res, storageError(err)
}

// txQueryRow and txExec run a query prepared once, inside tx.
func (s *Store) txQueryRow(ctx context.Context, tx *sql.Tx, query string, args ...any) *sql.Row {
	st, err := s.prep(ctx, query)
	if err != nil {
		return tx.QueryRowContext(ctx, query, args...) // carries the same error
	}
	return tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
}

func (s *Store) txExec(ctx context.Context, tx *sql.Tx, query string, args ...any) (sql.Result, error) {
	st, err := s.prep(ctx, query)
	if err != nil {
		return nil, err
	}
	return tx.StmtContext(ctx, st).ExecContext(ctx, args...)
}

// Migrate applies the embedded migrations that the database has not seen yet,
// each in its own transaction, and returns how many it applied.
func (s *Store) Migrate(ctx context.Context) (int, error) {
	if s.postgres {
		// Processes starting together migrate one after the other.
		unlock, err := s.lockAcross(ctx, migrateLockKey)
		if err != nil {
			return 0, fmt.Errorf("migrate: %w", err)
		}
		defer unlock()
	}
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version BIGINT PRIMARY KEY, name TEXT NOT NULL)`); err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return 0, err
	}
	sort.Strings(names)
	applied := 0
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		version, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return applied, fmt.Errorf("migration %s: name must start with a number", base)
		}
		body, err := s.migrationBody(base)
		if err != nil {
			return applied, err
		}
		done, err := s.applyMigration(ctx, version, base, string(body))
		if err != nil {
			return applied, fmt.Errorf("migration %s: %w", base, err)
		}
		if done {
			applied++
		}
	}
	return applied, nil
}

func (s *Store) applyMigration(ctx context.Context, version int, name, body string) (bool, error) {
	applied := false
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, body); err != nil {
			return err
		}
		if s.postgres {
			if err := syncIdentities(ctx, tx); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name) VALUES (?, ?)`, version, name)
		applied = err == nil
		return err
	})
	return applied, err
}

// migrationBody is the migration named base in this store's dialect:
// PostgreSQL's own file under migrations/postgres/ if there is one, else the
// shared file, translated.
func (s *Store) migrationBody(base string) (string, error) {
	if s.postgres {
		if body, err := migrations.ReadFile("migrations/postgres/" + base); err == nil {
			return string(body), nil
		}
	}
	body, err := migrations.ReadFile("migrations/" + base)
	if err != nil {
		return "", err
	}
	if s.postgres {
		return pgMigration(string(body)), nil
	}
	return string(body), nil
}

// tx runs fn in one transaction, committing when it returns nil.
//
// On SQLite the transaction takes the write lock at BEGIN (_txlock), so
// transactions run one at a time. On PostgreSQL it is SERIALIZABLE, which
// gives the same guarantee: the outcome is that of some order one after
// the other, so a rule checked in it (capacity, a lock) still holds at
// commit. PostgreSQL may refuse one of two that overlap; it is then run
// again, so fn must not keep anything across calls but what it sets anew.
func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	if !s.postgres {
		return s.txOnce(ctx, s.db, nil, fn)
	}
	return s.retryTx(ctx, s.db, fn)
}

// retryTx runs fn in a SERIALIZABLE transaction begun on db, again while
// PostgreSQL refuses it for overlapping another.
func (s *Store) retryTx(ctx context.Context, db beginner, fn func(*sql.Tx) error) error {
	opts := &sql.TxOptions{Isolation: sql.LevelSerializable}
	for attempt := 1; ; attempt++ {
		err := s.txOnce(ctx, db, opts, fn)
		if pgRetryable(err) {
			s.retries.Add(1)
		}
		if !pgRetryable(err) || attempt == maxTxAttempts {
			return err
		}
		// Jittered and growing, so that a crowd on one row thins out.
		wait := time.Duration(rand.Int64N(int64(min(attempt, 20)) * int64(time.Millisecond)))
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
	}
}

// beginner is the pool, or one connection of it.
type beginner interface {
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
}

// maxTxAttempts bounds how often a transaction PostgreSQL refused for
// overlapping another is run again.
const maxTxAttempts = 200

func (s *Store) txOnce(ctx context.Context, db beginner, opts *sql.TxOptions, fn func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return storageError(err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return storageError(err)
	}
	if s.beforeCommit != nil {
		if err := s.beforeCommit(); err != nil {
			tx.Rollback()
			return err
		}
	}
	return storageError(tx.Commit())
}

// storageError marks err as domain.ErrStorage when the database itself
// cannot take a write: read-only, full, or failing to read or write its
// file. The transaction was rolled back; nothing of it remains.
func storageError(err error) error {
	if err == nil {
		return nil
	}
	if pgStorageError(err) {
		return fmt.Errorf("%w: %w", domain.ErrStorage, err)
	}
	var e sqlite3.Error
	if !errors.As(err, &e) {
		return err
	}
	switch e.Code {
	case sqlite3.ErrReadonly, sqlite3.ErrFull, sqlite3.ErrIoErr, sqlite3.ErrCantOpen, sqlite3.ErrCorrupt, sqlite3.ErrNotADB:
		return fmt.Errorf("%w: %w", domain.ErrStorage, err)
	}
	return err
}

// isUniqueViolation reports whether err is SQLite refusing a duplicate key.
func isUniqueViolation(err error) bool {
	var e sqlite3.Error
	return errors.As(err, &e) && e.ExtendedCode == sqlite3.ErrConstraintUnique || pgUniqueViolation(err)
}
