package postgres

import (
	"context"
	"encoding/json"
	"iter"
	"time"

	"github.com/maker-go/maker"
)

var (
	_ maker.CachingJournal = (*DB)(nil)
	_ maker.CacheAdmin     = decisions{}
)

// DecisionCache implements [maker.CachingJournal]: the runs of this
// database marked with their cache scope (runs.cache_scope), whose
// journaled steps a later run in the same scope reuses, on whichever
// worker of a fleet it runs. It stores nothing per step: the steps table
// already holds every decided step.
func (db *DB) DecisionCache() maker.DecisionCache { return decisions{db} }

// decisions is the journal's decision cache.
type decisions struct{ db *DB }

// Begin implements [maker.DecisionCache]: one update of the run's row, then
// the earlier runs' steps, a run at a time. A run resumed under another
// scope than it began in (or begun without the cache) loses its mark: its
// steps were not all decided under the one scope. A read-only journal
// marks nothing.
func (c decisions) Begin(ctx context.Context, origin, scope string) (iter.Seq2[maker.CachedStep, error], error) {
	if origin != "" && !c.db.readOnly {
		if _, err := c.db.pool.Exec(ctx, `UPDATE runs SET cache_scope = CASE WHEN steps = 0 OR cache_scope = $1 THEN $1 END WHERE id = $2`, scope, origin); err != nil {
			return nil, c.db.errorf("decision cache: %w", err)
		}
	}
	type run struct {
		seq int64
		id  string
	}
	var runs []run
	rows, err := c.db.pool.Query(ctx, `SELECT seq, id FROM runs WHERE cache_scope = $1 AND id <> $2 ORDER BY seq`, scope, origin)
	if err != nil {
		return nil, c.db.errorf("decision cache: %w", err)
	}
	for rows.Next() {
		var r run
		if err := rows.Scan(&r.seq, &r.id); err != nil {
			rows.Close()
			return nil, c.db.errorf("decision cache: %w", err)
		}
		runs = append(runs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, c.db.errorf("decision cache: %w", err)
	}
	return func(yield func(maker.CachedStep, error) bool) {
		for _, r := range runs {
			if !c.steps(ctx, r.seq, r.id, yield) {
				return
			}
		}
	}, nil
}

// steps yields run seq's steps in order, each marked asked when a person
// was asked about it; false when yield stopped or the read failed.
func (c decisions) steps(ctx context.Context, seq int64, id string, yield func(maker.CachedStep, error) bool) bool {
	rows, err := c.db.pool.Query(ctx, `SELECT step, k, action, state, wrong,
		EXISTS (SELECT 1 FROM pending_decisions p WHERE p.run = $1 AND p.step = st.step + 1)
		FROM steps st WHERE run = $2 ORDER BY step`, id, seq)
	if err != nil {
		yield(maker.CachedStep{}, c.db.errorf("decision cache: %w", err))
		return false
	}
	defer rows.Close()
	for rows.Next() {
		s := maker.CachedStep{Run: id}
		var state string
		if err := rows.Scan(&s.Step, &s.K, &s.Action, &state, &s.Wrong, &s.Asked); err != nil {
			yield(maker.CachedStep{}, c.db.errorf("decision cache: %w", err))
			return false
		}
		s.State = json.RawMessage(state)
		if !yield(s, nil) {
			return false
		}
	}
	if err := rows.Err(); err != nil {
		yield(maker.CachedStep{}, c.db.errorf("decision cache: %w", err))
		return false
	}
	return true
}

// Stats implements [maker.CacheAdmin].
func (c decisions) Stats(ctx context.Context) (maker.CacheStats, error) {
	st := maker.CacheStats{Scopes: []maker.CacheScopeStats{}}
	rows, err := c.db.pool.Query(ctx, `SELECT cache_scope, count(*), coalesce(sum(steps), 0) FROM runs
		WHERE cache_scope IS NOT NULL GROUP BY cache_scope ORDER BY min(seq)`)
	if err != nil {
		return st, c.db.errorf("decision cache: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s maker.CacheScopeStats
		if err := rows.Scan(&s.Scope, &s.Runs, &s.Steps); err != nil {
			return st, c.db.errorf("decision cache: %w", err)
		}
		st.Scopes = append(st.Scopes, s)
		st.Runs += s.Runs
		st.Steps += s.Steps
	}
	if err := rows.Err(); err != nil {
		return st, c.db.errorf("decision cache: %w", err)
	}
	return st, nil
}

// Prune implements [maker.CacheAdmin]: it clears the runs' scope marks and
// deletes nothing.
func (c decisions) Prune(ctx context.Context, before time.Time, run string) (runs, steps int64, err error) {
	if c.db.readOnly {
		return 0, 0, errReadOnly
	}
	err = c.db.pool.QueryRow(ctx, `WITH forgot AS (
			UPDATE runs SET cache_scope = NULL
			WHERE cache_scope IS NOT NULL AND created_at < $1 AND ($2 = '' OR id = $2)
			RETURNING steps)
		SELECT count(*), coalesce(sum(steps), 0) FROM forgot`, millis(before), run).Scan(&runs, &steps)
	if err != nil {
		return 0, 0, c.db.errorf("decision cache: %w", err)
	}
	return runs, steps, nil
}
