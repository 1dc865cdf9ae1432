package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/maker-go/maker"
)

var (
	_ maker.CachingJournal = (*DB)(nil)
	_ maker.CacheAdmin     = decisions{}
)

// DecisionCache implements [maker.CachingJournal]: the decisions table of
// this journal, which every run on the file shares.
func (db *DB) DecisionCache() maker.DecisionCache { return decisions{db} }

// decisions is the journal's decision cache.
type decisions struct{ db *DB }

// Lookup implements [maker.DecisionCache]: one read of the primary key.
func (c decisions) Lookup(ctx context.Context, key string) (maker.CachedStep, bool, error) {
	e := maker.CachedStep{Key: key}
	err := c.db.sql.QueryRowContext(ctx, `SELECT text, run, step FROM decisions WHERE key = ?`, key).Scan(&e.Text, &e.Run, &e.Step)
	if errors.Is(err, sql.ErrNoRows) {
		return maker.CachedStep{}, false, nil
	}
	if err != nil {
		return maker.CachedStep{}, false, fmt.Errorf("decision cache: %w", err)
	}
	return e, true, nil
}

// Store implements [maker.DecisionCache]: the entries in one transaction;
// a key stored already keeps its first entry.
func (c decisions) Store(ctx context.Context, entries []maker.CachedStep) error {
	if c.db.readOnly {
		return errReadOnly
	}
	if len(entries) == 0 {
		return nil
	}
	tx, err := c.db.begin(ctx)
	if err != nil {
		return fmt.Errorf("decision cache: %w", err)
	}
	defer tx.Rollback()
	// Many rows a statement: a pure-Go SQLite spends more on each
	// statement than on each row.
	now := time.Now().UnixNano()
	const rows = 200
	for len(entries) > 0 {
		n := min(rows, len(entries))
		q := strings.Builder{}
		q.WriteString(`INSERT OR IGNORE INTO decisions (key, text, run, step, created_at) VALUES `)
		args := make([]any, 0, 5*n)
		for i, e := range entries[:n] {
			if i > 0 {
				q.WriteByte(',')
			}
			q.WriteString("(?, ?, ?, ?, ?)")
			args = append(args, e.Key, e.Text, e.Run, e.Step, now)
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return fmt.Errorf("decision cache: %w", err)
		}
		entries = entries[n:]
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("decision cache: %w", err)
	}
	return nil
}

// Stats implements [maker.CacheAdmin].
func (c decisions) Stats(ctx context.Context) (maker.CacheStats, error) {
	var s maker.CacheStats
	var oldest, newest sql.NullInt64
	err := c.db.sql.QueryRowContext(ctx, `SELECT count(*), count(DISTINCT run), coalesce(sum(length(CAST(text AS BLOB))), 0), min(created_at), max(created_at) FROM decisions`).
		Scan(&s.Entries, &s.Runs, &s.Bytes, &oldest, &newest)
	if err != nil {
		return s, fmt.Errorf("decision cache: %w", err)
	}
	if oldest.Valid {
		s.Oldest, s.Newest = time.Unix(0, oldest.Int64).UTC(), time.Unix(0, newest.Int64).UTC()
	}
	return s, nil
}

// Prune implements [maker.CacheAdmin].
func (c decisions) Prune(ctx context.Context, before time.Time, run string) (int64, error) {
	if c.db.readOnly {
		return 0, errReadOnly
	}
	tx, err := c.db.begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("decision cache: %w", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `DELETE FROM decisions WHERE created_at < ? AND (? = '' OR run = ?)`, before.UnixNano(), run, run)
	if err != nil {
		return 0, fmt.Errorf("decision cache: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, tx.Commit()
}
