package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/maker-go/maker"
)

var (
	_ maker.CachingJournal = (*DB)(nil)
	_ maker.CacheAdmin     = decisions{}
)

// DecisionCache implements [maker.CachingJournal]: the decisions table of
// this database, which every worker of a fleet shares, so a step decided
// on one machine is free on every other.
func (db *DB) DecisionCache() maker.DecisionCache { return decisions{db} }

// decisions is the journal's decision cache.
type decisions struct{ db *DB }

// Lookup implements [maker.DecisionCache]: one read of the primary key.
func (c decisions) Lookup(ctx context.Context, key string) (maker.CachedStep, bool, error) {
	e := maker.CachedStep{Key: key}
	err := c.db.pool.QueryRow(ctx, `SELECT text, run, step FROM decisions WHERE key = $1`, key).Scan(&e.Text, &e.Run, &e.Step)
	if errors.Is(err, pgx.ErrNoRows) {
		return maker.CachedStep{}, false, nil
	}
	if err != nil {
		return maker.CachedStep{}, false, c.db.errorf("decision cache: %w", err)
	}
	return e, true, nil
}

// Store implements [maker.DecisionCache]: the entries in one batch; a key
// stored already, by this process or another, keeps its first entry.
func (c decisions) Store(ctx context.Context, entries []maker.CachedStep) error {
	if c.db.readOnly {
		return errReadOnly
	}
	if len(entries) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	now := time.Now().UnixNano()
	for _, e := range entries {
		b.Queue(`INSERT INTO decisions (key, text, run, step, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key) DO NOTHING`,
			e.Key, e.Text, e.Run, e.Step, now)
	}
	if err := c.db.pool.SendBatch(ctx, b).Close(); err != nil {
		return c.db.errorf("decision cache: %w", err)
	}
	return nil
}

// Stats implements [maker.CacheAdmin].
func (c decisions) Stats(ctx context.Context) (maker.CacheStats, error) {
	var s maker.CacheStats
	var oldest, newest *int64
	err := c.db.pool.QueryRow(ctx, `SELECT count(*), count(DISTINCT run), coalesce(sum(octet_length(text)), 0), min(created_at), max(created_at) FROM decisions`).
		Scan(&s.Entries, &s.Runs, &s.Bytes, &oldest, &newest)
	if err != nil {
		return s, c.db.errorf("decision cache: %w", err)
	}
	if oldest != nil && newest != nil {
		s.Oldest, s.Newest = time.Unix(0, *oldest).UTC(), time.Unix(0, *newest).UTC()
	}
	return s, nil
}

// Prune implements [maker.CacheAdmin].
func (c decisions) Prune(ctx context.Context, before time.Time, run string) (int64, error) {
	if c.db.readOnly {
		return 0, errReadOnly
	}
	tag, err := c.db.pool.Exec(ctx, `DELETE FROM decisions WHERE created_at < $1 AND ($2 = '' OR run = $2)`, before.UnixNano(), run)
	if err != nil {
		return 0, c.db.errorf("decision cache: %w", err)
	}
	return tag.RowsAffected(), nil
}
