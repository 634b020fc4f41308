package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"

	"hearth/store"
)

// openStore opens the configured database: PostgreSQL at store.url, else
// SQLite at store.path; migrated, and named among the processes sharing it.
func openStore(ctx context.Context, cfg Config) (*store.Store, error) {
	st, err := store.OpenDatabase(ctx, cfg.Store.URL, cfg.Store.Path)
	if err != nil {
		return nil, err
	}
	st.SetLease(instanceName(cfg), cfg.leaseTerm())
	return st, nil
}

// instanceName is this process's name among those sharing a database:
// store.instance, else host and process id on PostgreSQL; one process uses
// SQLite, and keeps one name across restarts.
func instanceName(cfg Config) string {
	if cfg.Store.Instance != "" || cfg.Store.URL == "" {
		return cfg.Store.Instance
	}
	host, _ := os.Hostname()
	return fmt.Sprintf("%s-%d", host, os.Getpid())
}

// databaseName says which database cfg names, without a password.
func databaseName(cfg Config) string {
	if cfg.Store.URL == "" {
		return cfg.Store.Path
	}
	u, err := url.Parse(cfg.Store.URL)
	if err != nil {
		return "PostgreSQL"
	}
	u.User = nil
	return u.Redacted()
}

// copyFromSQLite copies the SQLite database at path (migrated first) into
// the empty PostgreSQL database at store.url, and prints each table's row
// counts and checksums, which must agree.
func copyFromSQLite(ctx context.Context, cfg Config, path string, stdout io.Writer) error {
	if cfg.Store.URL == "" {
		return errors.New("migrate --from-sqlite: set store.url (or HEARTH_STORE_URL) to the PostgreSQL database to copy into")
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("migrate --from-sqlite: %w", err)
	}
	src, err := store.Open(ctx, path)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer dst.Close()
	copied, err := dst.CopyFrom(ctx, src)
	for _, c := range copied {
		fmt.Fprintf(stdout, "%-16s %8d rows  checksum %s  (SQLite %d rows, %s)\n", c.Table, c.DestRows, c.DestSum, c.SourceRows, c.SourceSum)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "copied %s into %s: every table's rows and checksum agree\n", path, databaseName(cfg))
	return nil
}
