// Package pgtest gives a test binary a throwaway PostgreSQL cluster: the
// server binaries Debian's postgresql package installs
// (/usr/lib/postgresql/*/bin), a data directory and a socket directory in
// a temporary directory, listening on 127.0.0.1 on a free port, with a
// password for TCP connections so that tests see a credential in their
// URLs. One cluster serves the whole test binary (start it from TestMain
// with [Main]); each test gets a database of its own from [Database].
//
// A cluster left running by a test binary that was killed (or timed out,
// which skips the end of TestMain) is stopped and removed by the next test
// binary that starts one.
//
// Where no server can be started (PostgreSQL not installed, initdb
// failing), [Database] skips the test with what could not be done.
// MAKER_TEST_POSTGRES=postgres://... uses that server instead of starting
// one; the URL's user must be allowed to create databases.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// cluster is the binary's server: the URL of its maintenance database, or
// why there is none.
var cluster struct {
	url    string
	err    error
	stop   func()
	outage func(down time.Duration) error
	dbs    atomic.Int64
	secret string
}

// Main starts the cluster, runs the tests and stops it: call it from
// TestMain as os.Exit(pgtest.Main(m)).
func Main(m *testing.M) int {
	if u := os.Getenv("MAKER_TEST_POSTGRES"); u != "" {
		cluster.url = u
		if pu, err := url.Parse(u); err == nil && pu.User != nil {
			cluster.secret, _ = pu.User.Password()
		}
	} else {
		cluster.err = start()
	}
	code := m.Run()
	if cluster.stop != nil {
		cluster.stop()
	}
	return code
}

// Database creates a fresh database on the cluster and returns its URL
// (with the password in it), or skips t saying why there is no cluster.
func Database(t testing.TB) string {
	t.Helper()
	if cluster.url == "" {
		why := cluster.err
		if why == nil {
			why = errors.New("pgtest.Main was not called from TestMain")
		}
		t.Skipf("no PostgreSQL for this test: %v", why)
	}
	name := fmt.Sprintf("maker_test_%d_%d", os.Getpid(), cluster.dbs.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, cluster.url)
	if err != nil {
		t.Fatalf("pgtest: connect: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	u, err := url.Parse(cluster.url)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// Outage stops the cluster at once, as a crash or a lost machine would
// (every connection dropped), keeps it down for down, and starts it
// again. It skips t on a server this package did not start
// (MAKER_TEST_POSTGRES). Every test of the binary sees the outage: call it
// only from a test that does not run in parallel with others.
func Outage(t testing.TB, down time.Duration) {
	t.Helper()
	if cluster.outage == nil {
		t.Skip("no PostgreSQL cluster of this test binary's own to stop and start")
	}
	if err := cluster.outage(down); err != nil {
		t.Fatalf("pgtest: outage: %v", err)
	}
}

// Connect opens a connection to the database at url for a test's own SQL,
// closed when the test ends.
func Connect(t testing.TB, url string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("pgtest: connect: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// Secret is the password in the URLs [Database] returns ("" for none).
func Secret() string { return cluster.secret }

// start finds the server binaries, makes a cluster in a temporary
// directory and starts it.
func start() error {
	bin, err := findBin()
	if err != nil {
		return err
	}
	sweep(bin)
	dir, err := os.MkdirTemp("", fmt.Sprintf("maker-pgtest-%d-", os.Getpid()))
	if err != nil {
		return err
	}
	fail := func(err error) error {
		os.RemoveAll(dir)
		return err
	}
	// initdb and the server refuse to run as root: run them as the
	// postgres user Debian's package creates.
	var runAs []string
	if os.Geteuid() == 0 {
		pg, err := user.Lookup("postgres")
		if err != nil {
			return fail(fmt.Errorf("running as root and there is no postgres user to run the server as: %w", err))
		}
		uid, _ := strconv.Atoi(pg.Uid)
		gid, _ := strconv.Atoi(pg.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return fail(err)
		}
		runuser, err := exec.LookPath("runuser")
		if err != nil {
			return fail(fmt.Errorf("running as root and runuser is not installed: %w", err))
		}
		runAs = []string{runuser, "-u", "postgres", "--"}
	}
	run := func(name string, args ...string) error {
		argv := append(append(append([]string{}, runAs...), filepath.Join(bin, name)), args...)
		out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s: %w: %s", name, err, strings.TrimSpace(lastLines(string(out), 5)))
		}
		return nil
	}
	secret := randomHex(12)
	pwfile := filepath.Join(dir, "pw")
	if err := os.WriteFile(pwfile, []byte(secret+"\n"), 0o644); err != nil {
		return fail(err)
	}
	data := filepath.Join(dir, "data")
	if err := run("initdb", "-D", data, "-U", "maker", "--pwfile", pwfile, "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync"); err != nil {
		return fail(err)
	}
	port, err := freePort()
	if err != nil {
		return fail(err)
	}
	// fsync off: a test cluster need not survive the machine's crash. But
	// commits stay synchronous (the default), so that a commit the server
	// acknowledged survives the server's own crash, as Outage makes one.
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s -c fsync=off -c full_page_writes=off -c max_connections=200", port, dir)
	if err := run("pg_ctl", "-D", data, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "log"))
		return fail(fmt.Errorf("%w; server log: %s", err, lastLines(string(log), 5)))
	}
	cluster.stop = func() {
		run("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
		os.RemoveAll(dir)
	}
	cluster.outage = func(down time.Duration) error {
		if err := run("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"); err != nil {
			return err
		}
		time.Sleep(down)
		return run("pg_ctl", "-D", data, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "-t", "60", "start")
	}
	cluster.secret = secret
	cluster.url = (&url.URL{Scheme: "postgres", User: url.UserPassword("maker", secret), Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		Path: "/postgres", RawQuery: "sslmode=disable"}).String()
	return nil
}

// sweep stops and removes the clusters of test binaries that are gone
// without stopping theirs (killed, or timed out: a panic skips TestMain's
// end), so that they do not pile up.
func sweep(bin string) {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "maker-pgtest-*-*"))
	for _, d := range dirs {
		f := strings.Split(filepath.Base(d), "-")
		pid, err := strconv.Atoi(f[2])
		if err != nil || pid == os.Getpid() || alive(pid) {
			continue
		}
		data := filepath.Join(d, "data")
		if isFile(filepath.Join(data, "postmaster.pid")) {
			argv := []string{filepath.Join(bin, "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop"}
			if os.Geteuid() == 0 {
				argv = append([]string{"runuser", "-u", "postgres", "--"}, argv...)
			}
			exec.Command(argv[0], argv[1:]...).Run()
		}
		os.RemoveAll(d)
	}
}

// findBin is the newest /usr/lib/postgresql/N/bin with initdb and pg_ctl.
func findBin() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if isFile(filepath.Join(d, "initdb")) && isFile(filepath.Join(d, "pg_ctl")) {
			return d, nil
		}
	}
	return "", errors.New("PostgreSQL is not installed: no initdb and pg_ctl under /usr/lib/postgresql/*/bin (apt-get install postgresql, or run .ci/setup.d/postgres.sh)")
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
