package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/journalio"
)

func init() {
	for _, scheme := range []string{"", "file", "sqlite"} {
		maker.RegisterJournal(scheme, openLocation)
	}
}

// openLocation is the [maker.JournalOpener] for plain paths, file:PATH and
// sqlite://PATH (sqlite:///abs/path for an absolute one).
func openLocation(ctx context.Context, location string, readOnly bool) (maker.Journal, error) {
	path := location
	switch maker.JournalScheme(location) {
	case "file":
		path = strings.TrimPrefix(location[len("file:"):], "//")
	case "sqlite":
		path = strings.TrimPrefix(location[len("sqlite:"):], "//")
	}
	if i := strings.IndexByte(path, '?'); i >= 0 && path != location {
		return nil, fmt.Errorf("journal: %s: options in a SQLite location are not supported", location)
	}
	if readOnly {
		return OpenReadOnly(ctx, path)
	}
	return Open(ctx, path)
}

// DB is an open journal database: a [maker.Journal]. It is safe for
// concurrent use.
type DB struct {
	sql      *sql.DB
	path     string
	readOnly bool
	wlock    chan struct{} // the file's in-process write lock: see begin
}

var _ maker.Journal = (*DB)(nil)

// errReadOnly is the error of a write to a journal opened read-only.
var errReadOnly = errors.New("journal: opened read-only")

// DefaultPath is where the journal lives unless told otherwise: maker.db in
// $XDG_DATA_HOME/maker, or ~/.local/share/maker, following the XDG base
// directory convention so the file survives cache cleaning and stays out of
// the working directory.
func DefaultPath() (string, error) {
	dir := os.Getenv("XDG_DATA_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("journal: no home directory for the default database (give --db): %w", err)
		}
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "maker", "maker.db"), nil
}

// Open opens (creating if needed) the journal database at path and its
// directory. WAL mode lets readers run beside the writing run;
// synchronous=NORMAL makes a commit durable against a killed process (the
// WAL is in the OS's hands) at a fraction of the cost of FULL, which only
// adds safety against a power cut.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("journal: empty database path")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	q := url.Values{}
	// The busy timeout comes first, so that switching to WAL and the
	// schema check wait for another process opening the same journal.
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(NORMAL)", "foreign_keys(1)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
	sdb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("journal: open %s: %w", path, err)
	}
	db := &DB{sql: sdb, path: path, wlock: writeLock(path)}
	if err := db.migrate(ctx); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("journal: open %s: %w", path, err)
	}
	return db, nil
}

// OpenReadOnly opens the journal database at path for reading only, as
// the commands that only read it (runs, show, report, replay) do: it
// creates nothing (no directory, no database, no -wal or -shm file), writes
// nothing, and works on a read-only filesystem. A path with no database is
// an error wrapping [maker.ErrNoJournal].
//
// A journal with a write-ahead log beside it (a run is writing it, or one
// was killed before the log was folded in) is read through the log as a
// writer sees it. A journal without one is opened as immutable, which
// needs neither locks nor a shared-memory file; a run that starts writing
// it while it is being read can make that read fail.
func OpenReadOnly(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("journal: empty database path")
	}
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("journal: %s: %w (nothing has been journaled there)", path, maker.ErrNoJournal)
	}
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("journal: %s is not a database file", path)
	}
	q := url.Values{}
	q.Set("mode", "ro")
	if _, err := os.Stat(path + "-wal"); errors.Is(err, fs.ErrNotExist) {
		q.Set("immutable", "1")
	}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "query_only(1)")
	sdb, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("journal: open %s: %w", path, err)
	}
	var v int
	if err := sdb.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("journal: open %s: %w", path, err)
	}
	switch {
	case v > schemaVersion:
		err = fmt.Errorf("database schema %d is newer than this maker's (%d)", v, schemaVersion)
	case v == 0:
		err = errors.New("not a maker journal")
	}
	if err != nil {
		sdb.Close()
		return nil, fmt.Errorf("journal: open %s: %w", path, err)
	}
	return &DB{sql: sdb, path: path, readOnly: true}, nil
}

func (db *DB) migrate(ctx context.Context) error {
	var v int
	if err := db.sql.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return err
	}
	if v > schemaVersion {
		return fmt.Errorf("database schema %d is newer than this maker's (%d)", v, schemaVersion)
	}
	if v == schemaVersion {
		return nil
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if v == 0 {
		if _, err := tx.ExecContext(ctx, schema); err != nil {
			return err
		}
		v = 2
	}
	for ; v < schemaVersion; v++ {
		if upgrades[v] == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, upgrades[v]); err != nil {
			return fmt.Errorf("migrate to schema %d: %w", v+1, err)
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", schemaVersion)); err != nil {
		return err
	}
	return tx.Commit()
}

// Path is the database file.
func (db *DB) Path() string { return db.path }

// Location implements [maker.Journal]: the database file.
func (db *DB) Location() string { return db.path }

// Close closes the database.
func (db *DB) Close() error { return db.sql.Close() }

// newID returns a short random run id that people can type.
func newID() (string, error) {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}

func millis(t time.Time) int64 { return journalio.Millis(t) }

func fromMillis(ms int64) time.Time { return journalio.FromMillis(ms) }

// lookup resolves a run id, or a prefix of exactly one, to its row key.
func (db *DB) lookup(ctx context.Context, id string) (int64, string, error) {
	if id == "" {
		return 0, "", fmt.Errorf("journal: empty run id: %w", maker.ErrNoRun)
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT seq, id FROM runs WHERE id = ? OR substr(id, 1, ?) = ? ORDER BY id = ? DESC LIMIT 3`, id, len(id), id, id)
	if err != nil {
		return 0, "", fmt.Errorf("journal: %w", err)
	}
	defer rows.Close()
	var seqs []int64
	var ids []string
	for rows.Next() {
		var s int64
		var i string
		if err := rows.Scan(&s, &i); err != nil {
			return 0, "", fmt.Errorf("journal: %w", err)
		}
		seqs, ids = append(seqs, s), append(ids, i)
	}
	if err := rows.Err(); err != nil {
		return 0, "", fmt.Errorf("journal: %w", err)
	}
	return journalio.PickRun(id, seqs, ids)
}

// writeLocks holds, for each journal file this process writes, the lock
// its write transactions take turns by (see DB.begin).
var (
	writeLocksMu sync.Mutex
	writeLocks   = map[string]chan struct{}{}
)

// writeLock is the in-process write lock of the journal file at path.
func writeLock(path string) chan struct{} {
	writeLocksMu.Lock()
	defer writeLocksMu.Unlock()
	l := writeLocks[path]
	if l == nil {
		l = make(chan struct{}, 1)
		writeLocks[path] = l
	}
	return l
}

// writeTx is a write transaction that holds its file's in-process write
// lock until it commits or rolls back.
type writeTx struct {
	*sql.Tx
	release func()
}

func (tx *writeTx) Commit() error {
	defer tx.release()
	return tx.Tx.Commit()
}

func (tx *writeTx) Rollback() error {
	defer tx.release()
	return tx.Tx.Rollback()
}

// begin starts a write transaction. SQLite lets one connection write at a
// time and makes the others poll for the file's lock with growing sleeps
// (up to 100 ms each), in no order; the writers of one process (the runs
// of a service, each with its own connection) instead queue here, in
// order, and wake the moment the one before them is done. Writers in other
// processes still meet at the file's lock and its busy timeout.
func (db *DB) begin(ctx context.Context) (*writeTx, error) {
	l := db.wlock
	select {
	case l <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	var once sync.Once
	release := func() { once.Do(func() { <-l }) }
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		release()
		return nil, err
	}
	return &writeTx{Tx: tx, release: release}, nil
}
