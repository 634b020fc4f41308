package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// ErrNotEmpty is CopyFrom refusing a database that already holds rows.
var ErrNotEmpty = errors.New("store: the PostgreSQL database is not empty")

// TableCopy is what CopyFrom copied of one table, and what it found when
// it compared the two: row counts and a checksum over the rows' values
// (order-free), equal on both sides when the copy is whole.
type TableCopy struct {
	Table                string
	SourceRows, DestRows int64
	SourceSum, DestSum   string
}

// CopyFrom copies every table of the SQLite store src into s, a PostgreSQL
// store with no rows (freshly migrated), in one transaction, moves its
// identity sequences past the copied ids, and verifies each table by row
// count and checksum. Both must be migrated to the same version.
func (s *Store) CopyFrom(ctx context.Context, src *Store) ([]TableCopy, error) {
	if !s.postgres || src.postgres {
		return nil, errors.New("store: copy goes from SQLite to PostgreSQL")
	}
	var sv, dv int
	src.db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&sv)
	s.db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&dv)
	if sv != dv {
		return nil, fmt.Errorf("store: SQLite database at migration %d, PostgreSQL at %d: migrate both first", sv, dv)
	}
	tables, err := copyOrder(ctx, src.db)
	if err != nil {
		return nil, err
	}
	for _, t := range tables {
		var n int64
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM `+t).Scan(&n); err != nil {
			return nil, fmt.Errorf("store: table %s: %w", t, err)
		}
		if n > 0 {
			return nil, fmt.Errorf("%w: table %s has %d rows", ErrNotEmpty, t, n)
		}
	}
	err = s.txOnce(ctx, s.db, nil, func(tx *sql.Tx) error {
		for _, t := range tables {
			// Counts kept by triggers are copied as they are, not counted twice.
			if _, err := tx.ExecContext(ctx, `ALTER TABLE `+t+` DISABLE TRIGGER USER`); err != nil {
				return err
			}
			if err := copyTable(ctx, src.db, tx, t); err != nil {
				return fmt.Errorf("table %s: %w", t, err)
			}
			if _, err := tx.ExecContext(ctx, `ALTER TABLE `+t+` ENABLE TRIGGER USER`); err != nil {
				return err
			}
		}
		return syncIdentities(ctx, tx)
	})
	if err != nil {
		return nil, fmt.Errorf("store: copy: %w", err)
	}
	var out []TableCopy
	for _, t := range tables {
		c := TableCopy{Table: t}
		if c.SourceRows, c.SourceSum, err = tableSum(ctx, src.db, t); err != nil {
			return out, err
		}
		if c.DestRows, c.DestSum, err = tableSum(ctx, s.db, t); err != nil {
			return out, err
		}
		out = append(out, c)
		if c.SourceRows != c.DestRows || c.SourceSum != c.DestSum {
			return out, fmt.Errorf("store: table %s differs after the copy: %d rows (%s) in SQLite, %d (%s) in PostgreSQL",
				t, c.SourceRows, c.SourceSum, c.DestRows, c.DestSum)
		}
	}
	return out, nil
}

// copyOrder lists SQLite's tables, those referenced by others first.
func copyOrder(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'sqlite_%' AND name NOT IN ('schema_migrations', 'health') ORDER BY name`)
	if err != nil {
		return nil, err
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		names = append(names, n)
	}
	rows.Close()
	refs := map[string]bool{}
	for _, n := range names {
		var k int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM pragma_foreign_key_list(?)`, n).Scan(&k); err != nil {
			return nil, err
		}
		refs[n] = k > 0
	}
	slices.SortStableFunc(names, func(a, b string) int {
		switch {
		case refs[a] == refs[b]:
			return 0
		case refs[a]:
			return 1
		}
		return -1
	})
	return names, nil
}

func columns(ctx context.Context, db *sql.DB, table string) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT name FROM pragma_table_info(?) ORDER BY cid`, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		cols = append(cols, c)
	}
	return cols, rows.Err()
}

func copyTable(ctx context.Context, src *sql.DB, dst *sql.Tx, table string) error {
	cols, err := columns(ctx, src, table)
	if err != nil {
		return err
	}
	list := strings.Join(cols, ", ")
	insert, err := dst.PrepareContext(ctx, `INSERT INTO `+table+` (`+list+`) VALUES (`+
		strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ")+`)`)
	if err != nil {
		return err
	}
	defer insert.Close()
	rows, err := src.QueryContext(ctx, `SELECT `+list+` FROM `+table)
	if err != nil {
		return err
	}
	defer rows.Close()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		if _, err := insert.ExecContext(ctx, vals...); err != nil {
			return err
		}
	}
	return rows.Err()
}

// tableSum counts a table's rows and sums a hash of each row's values
// written out the same way whichever database they come from, so that
// the sum does not depend on row order or on either driver's types.
func tableSum(ctx context.Context, db *sql.DB, table string) (int64, string, error) {
	var cols []string
	rows, err := db.QueryContext(ctx, `SELECT * FROM `+table+` LIMIT 0`)
	if err != nil {
		return 0, "", err
	}
	cols, err = rows.Columns()
	rows.Close()
	if err != nil {
		return 0, "", err
	}
	slices.Sort(cols) // the same order on both sides, whatever each table's column order
	rows, err = db.QueryContext(ctx, `SELECT `+strings.Join(cols, ", ")+` FROM `+table)
	if err != nil {
		return 0, "", err
	}
	defer rows.Close()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var n int64
	var hi, lo uint64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return 0, "", err
		}
		h := sha256.New()
		for i, v := range vals {
			fmt.Fprintf(h, "%s=%s\x00", cols[i], canonical(v))
		}
		sum := h.Sum(nil)
		lo += binary.BigEndian.Uint64(sum[8:16])
		hi += binary.BigEndian.Uint64(sum[0:8])
		n++
	}
	return n, fmt.Sprintf("%016x%016x", hi, lo), rows.Err()
}

func canonical(v any) string {
	switch v := v.(type) {
	case nil:
		return "NULL"
	case int64:
		return strconv.FormatInt(v, 10)
	case []byte:
		return fmt.Sprintf("x%x", v)
	case string:
		return strconv.Quote(v)
	}
	return fmt.Sprint(v)
}
