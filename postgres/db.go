package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/journalio"
	"github.com/maker-go/maker/internal/pgerr"
)

func init() {
	maker.RegisterJournal("postgres", openLocation)
	maker.RegisterJournal("postgresql", openLocation)
}

func openLocation(ctx context.Context, location string, readOnly bool) (maker.Journal, error) {
	if readOnly {
		return OpenReadOnly(ctx, location)
	}
	return Open(ctx, location)
}

// DB is an open journal on a PostgreSQL database: a [maker.Journal]. It is
// safe for concurrent use.
type DB struct {
	pool     *pgxpool.Pool
	location string // redacted
	secret   string // the password, scrubbed from every error
	readOnly bool
}

var _ maker.Journal = (*DB)(nil)

// errReadOnly is the error of a write to a journal opened read-only.
var errReadOnly = errors.New("journal: opened read-only")

// Open connects to the database at url (postgres://user:password@host/db,
// or any form pgx accepts), creates the journal's tables or migrates them
// to this maker's schema. The database itself must exist.
func Open(ctx context.Context, url string) (*DB, error) {
	db, err := connect(ctx, url, false)
	if err != nil {
		return nil, err
	}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, db.errorf("journal: open %s: %w", db.location, err)
	}
	return db, nil
}

// OpenReadOnly connects for reading only, as the commands that only read
// the journal do: every transaction is read-only and nothing is created.
// A database without the journal's tables is an error wrapping
// [maker.ErrNoJournal].
func OpenReadOnly(ctx context.Context, url string) (*DB, error) {
	db, err := connect(ctx, url, true)
	if err != nil {
		return nil, err
	}
	v, err := db.version(ctx)
	switch {
	case err != nil:
	case v == 0:
		err = fmt.Errorf("%w (nothing has been journaled there)", maker.ErrNoJournal)
	case v > schemaVersion:
		err = fmt.Errorf("database schema %d is newer than this maker's (%d)", v, schemaVersion)
	}
	if err != nil {
		db.Close()
		return nil, db.errorf("journal: %s: %w", db.location, err)
	}
	return db, nil
}

func connect(ctx context.Context, url string, readOnly bool) (*DB, error) {
	location := maker.RedactLocation(url)
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgx's parse errors can quote the URL: say only where.
		return nil, fmt.Errorf("journal: %s: not a valid PostgreSQL URL", location)
	}
	db := &DB{location: location, secret: cfg.ConnConfig.Password, readOnly: readOnly}
	if readOnly {
		cfg.ConnConfig.RuntimeParams["default_transaction_read_only"] = "on"
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = "maker"
	if db.pool, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
		return nil, db.errorf("journal: open %s: %w", location, err)
	}
	if err := db.pool.Ping(ctx); err != nil {
		db.pool.Close()
		return nil, db.errorf("journal: open %s: %w", location, err)
	}
	return db, nil
}

// errorf is fmt.Errorf cleaned by [pgerr.Clean]: on one line, with the
// password, should a server or driver message quote it, cut out.
func (db *DB) errorf(format string, args ...any) error {
	return pgerr.Clean(fmt.Errorf(format, args...), db.secret)
}

// version is the schema version; 0 when there is no journal.
func (db *DB) version(ctx context.Context) (int, error) {
	var exists bool
	if err := db.pool.QueryRow(ctx, `SELECT to_regclass('schema_version') IS NOT NULL`).Scan(&exists); err != nil {
		return 0, err
	}
	if !exists {
		return 0, nil
	}
	var v int
	err := db.pool.QueryRow(ctx, `SELECT version FROM schema_version`).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return v, err
}

// migrate brings the schema to this maker's version, one migration at a
// time in one transaction, holding the migration lock so that processes
// that open the journal together migrate it once.
func (db *DB) migrate(ctx context.Context) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, 0)`, lockClass); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)`); err != nil {
		return err
	}
	var v int
	err = tx.QueryRow(ctx, `SELECT version FROM schema_version`).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		if _, err := tx.Exec(ctx, `INSERT INTO schema_version (version) VALUES (0)`); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	if v > schemaVersion {
		return fmt.Errorf("database schema %d is newer than this maker's (%d)", v, schemaVersion)
	}
	for ; v < schemaVersion; v++ {
		if migrations[v] != "" {
			if _, err := tx.Exec(ctx, migrations[v]); err != nil {
				return fmt.Errorf("migrate to schema %d: %w", v+1, err)
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE schema_version SET version = $1`, v+1); err != nil {
			return err
		}
	}
	return tx.Commit(ctx)
}

// Location implements [maker.Journal]: the URL, without its password.
func (db *DB) Location() string { return db.location }

// Close closes the pool.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

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

// querier is a pool, a connection or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// lookup resolves a run id, or a prefix of exactly one, to its row key.
func (db *DB) lookup(ctx context.Context, id string) (int64, string, error) {
	if id == "" {
		return 0, "", fmt.Errorf("journal: empty run id: %w", maker.ErrNoRun)
	}
	rows, err := db.pool.Query(ctx, `SELECT seq, id FROM runs WHERE left(id, length($1)) = $1 ORDER BY id = $1 DESC LIMIT 3`, id)
	if err != nil {
		return 0, "", db.errorf("journal: %w", err)
	}
	defer rows.Close()
	var seqs []int64
	var ids []string
	for rows.Next() {
		var s int64
		var i string
		if err := rows.Scan(&s, &i); err != nil {
			return 0, "", db.errorf("journal: %w", err)
		}
		seqs, ids = append(seqs, s), append(ids, i)
	}
	if err := rows.Err(); err != nil {
		return 0, "", db.errorf("journal: %w", err)
	}
	return journalio.PickRun(id, seqs, ids)
}
