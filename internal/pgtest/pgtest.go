// Package pgtest gives tests a PostgreSQL database: the server at
// HEARTH_TEST_POSTGRES when it is set, else a throwaway server started from
// the PostgreSQL binaries installed on the machine (Debian's postgresql
// package), else none. With HEARTH_REQUIRE_POSTGRES=1 (as CI sets) having
// none is a failure, never a silent skip.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// ErrUnavailable is no PostgreSQL to test against.
var ErrUnavailable = errors.New("no PostgreSQL: set HEARTH_TEST_POSTGRES to a postgres:// URL, or install PostgreSQL (Debian: apt-get install postgresql)")

// Required reports whether the tests must have PostgreSQL
// (HEARTH_REQUIRE_POSTGRES=1).
func Required() bool { return os.Getenv("HEARTH_REQUIRE_POSTGRES") == "1" }

// Server is a PostgreSQL server for tests.
type Server struct {
	URL  string // of its database "postgres", as a superuser
	stop func()
}

// Stop stops a server this package started; one given by URL is left as it is.
func (s *Server) Stop() {
	if s != nil && s.stop != nil {
		s.stop()
	}
}

// Start returns the server at HEARTH_TEST_POSTGRES, or starts a throwaway
// one, or returns ErrUnavailable.
func Start() (*Server, error) {
	if u := os.Getenv("HEARTH_TEST_POSTGRES"); u != "" {
		return &Server{URL: u}, nil
	}
	bin := binDir()
	if bin == "" {
		return nil, ErrUnavailable
	}
	return startLocal(bin)
}

// binDir is the newest /usr/lib/postgresql/*/bin holding initdb.
func binDir() string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p)
	}
	return ""
}

func version(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

// startLocal runs initdb and postgres in a temporary directory, listening
// only on a unix socket there. initdb refuses to run as root, so as root
// both run as the postgres user (or nobody).
func startLocal(bin string) (*Server, error) {
	dir, err := os.MkdirTemp("", "hearth-pg-")
	if err != nil {
		return nil, err
	}
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			u, err = user.Lookup("nobody")
		}
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("pgtest: running as root and no postgres or nobody user: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	command := func(name string, args ...string) *exec.Cmd {
		cmd := exec.Command(filepath.Join(bin, name), args...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Setpgid: true}
		cmd.Env = append(os.Environ(), "LC_ALL=C")
		return cmd
	}
	data := filepath.Join(dir, "data")
	if out, err := command("initdb", "-D", data, "-U", "hearth", "--auth=trust", "-E", "UTF8", "--no-sync").CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("pgtest: initdb: %w\n%s", err, out)
	}
	const port = "5432" // names the socket file in dir; no TCP
	logf, err := os.Create(filepath.Join(dir, "log"))
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	srv := command("postgres", "-D", data, "-k", dir, "-p", port, "-c", "listen_addresses=",
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
		"-c", "max_connections=300", "-c", "max_locks_per_transaction=256")
	srv.Stdout, srv.Stderr = logf, logf
	if err := srv.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("pgtest: start postgres: %w", err)
	}
	exited := make(chan struct{})
	go func() { srv.Wait(); close(exited) }()
	stop := func() {
		srv.Process.Signal(syscall.SIGINT) // fast shutdown
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			srv.Process.Kill()
			<-exited
		}
		logf.Close()
		os.RemoveAll(dir)
	}
	u := (&url.URL{Scheme: "postgres", User: url.User("hearth"), Path: "/postgres",
		RawQuery: url.Values{"host": {dir}, "port": {port}, "sslmode": {"disable"}}.Encode()}).String()
	db, err := sql.Open("pgx", u)
	if err != nil {
		stop()
		return nil, err
	}
	defer db.Close()
	for deadline := time.Now().Add(60 * time.Second); ; {
		if err = db.Ping(); err == nil {
			break
		}
		select {
		case <-exited:
			log, _ := os.ReadFile(filepath.Join(dir, "log"))
			stop()
			return nil, fmt.Errorf("pgtest: postgres exited: %s", log)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			stop()
			return nil, fmt.Errorf("pgtest: postgres did not answer: %w", err)
		}
	}
	return &Server{URL: u, stop: stop}, nil
}

// NewDatabase makes an empty schema on the server and returns a URL whose
// connections work in it (search_path), and a function that drops it. Each
// test gets its own, so tests never see each other's rows.
func (s *Server) NewDatabase(ctx context.Context) (string, func(), error) {
	base, err := url.Parse(s.URL)
	if err != nil {
		return "", nil, err
	}
	admin, err := sql.Open("pgx", s.URL)
	if err != nil {
		return "", nil, err
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "hearth_test_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+name); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("pgtest: create schema: %w", err)
	}
	u := *base
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	drop := func() {
		admin.ExecContext(context.Background(), `DROP SCHEMA IF EXISTS `+name+` CASCADE`)
		admin.Close()
	}
	return u.String(), drop, nil
}
