package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"hearth/domain"
)

func TestBackupWhileJoining(t *testing.T) {
	sqliteOnly(t, "VACUUM INTO; PostgreSQL is backed up with pg_dump")
	ctx := context.Background()
	s := openTest(t)
	g := mustCreate(t, s, domain.Group{Name: "Open Circle"})

	var mu sync.Mutex
	var joined []string // joins that returned, in order
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id := fmt.Sprintf("w%d-u%d", w, i)
				if err := s.Join(ctx, g.ID, id, time.Now(), 0); err != nil {
					t.Errorf("join %s: %v", id, err)
					return
				}
				mu.Lock()
				joined = append(joined, id)
				mu.Unlock()
			}
		})
	}
	for { // let the writers get going
		mu.Lock()
		n := len(joined)
		mu.Unlock()
		if n >= 200 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	mu.Lock()
	before := append([]string(nil), joined...) // committed before the backup began
	mu.Unlock()
	to := filepath.Join(t.TempDir(), "copy.db")
	err := s.Backup(ctx, to)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	after := len(joined)
	mu.Unlock()
	// Who is in which group is confidential: the copy is its owner's alone.
	if fi, err := os.Stat(to); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup file mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}

	db, err := sql.Open("sqlite3", "file:"+to+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var check string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q, %v", check, err)
	}
	copied, err := OpenExisting(to)
	if err != nil {
		t.Fatal(err)
	}
	defer copied.Close()
	members, err := copied.Members(ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	in := make(map[string]bool, len(members))
	for _, id := range members {
		in[id] = true
	}
	for _, id := range before {
		if !in[id] {
			t.Fatalf("%s joined before the backup began but is not in the copy", id)
		}
	}
	if len(members) < len(before) || len(members) > after {
		t.Fatalf("copy has %d members; %d joined before the backup, %d by the end", len(members), len(before), after)
	}
	t.Logf("%d joins before the backup, %d in the copy, %d by the end", len(before), len(members), after)
}

func TestBackupRefusesAnExistingFile(t *testing.T) {
	sqliteOnly(t, "backups are SQLite's")
	s := openTest(t)
	to := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(to, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := s.Backup(context.Background(), to); !errors.Is(err, ErrBackupExists) {
		t.Fatalf("backup over an empty file: %v, want ErrBackupExists", err)
	}
}

func TestOpenExistingDoesNotCreate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "none.db")
	if _, err := OpenExisting(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("OpenExisting of a missing file: %v", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("OpenExisting created the file")
	}
}

func TestWritable(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hearth.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Writable(ctx); err != nil {
		t.Fatalf("a fresh database: %v", err)
	}
	if err := s.Writable(ctx); err != nil {
		t.Fatalf("checked twice: %v", err)
	}

	// Another process holds the write lock.
	other, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = s.Writable(short)
	if err == nil || !strings.Contains(err.Error(), "not writable") {
		t.Fatalf("with the lock held elsewhere: %v", err)
	}
	if waited := time.Since(start); waited > 2*time.Second {
		t.Errorf("Writable waited %s past its context", waited)
	}
	t.Log(err)
	if _, err := conn.ExecContext(ctx, `ROLLBACK`); err != nil {
		t.Fatal(err)
	}
	if err := s.Writable(ctx); err != nil {
		t.Fatalf("once the lock is released: %v", err)
	}
}
