package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/journalio"
)

// Runs implements [maker.Journal.Runs].
func (db *DB) Runs(ctx context.Context) ([]*maker.RunRecord, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+journalio.RunColumns+` FROM runs ORDER BY created_at DESC, seq DESC`)
	if err != nil {
		return nil, db.errorf("journal: %w", err)
	}
	defer rows.Close()
	out := []*maker.RunRecord{}
	for rows.Next() {
		_, r, err := journalio.ScanRun(rows)
		if err != nil {
			return nil, db.errorf("journal: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, db.errorf("journal: %w", err)
	}
	return out, nil
}

// postgresDialect is PostgreSQL's SQL for a run list. lower() in the "C"
// collation changes the ASCII letters only, as [maker.LowerASCII] does,
// whatever the database's locale (and is many times quicker than ILIKE
// or translate).
var postgresDialect = journalio.Dialect{
	Placeholder: func(n int) string { return "$" + strconv.Itoa(n) },
	Contains: func(col, arg string) string {
		return "strpos(lower(" + col + ` COLLATE "C"), ` + arg + ") > 0"
	},
	TextArg: maker.LowerASCII,
}

var _ maker.RunLister = (*DB)(nil)

// ListRuns implements [maker.RunLister]: a page is read through the
// runs_created, runs_status or runs_kind index, which hold the runs in
// the list's order, and counted in the same index.
func (db *DB) ListRuns(ctx context.Context, q maker.RunQuery) (*maker.RunPage, error) {
	s := journalio.ListSQL(postgresDialect, q)
	if s.After != "" {
		var created, seq int64
		err := db.pool.QueryRow(ctx, s.After, s.AfterArgs...).Scan(&created, &seq)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, &maker.RunQueryError{Field: "cursor", Problem: fmt.Sprintf("no run %q", q.After)}
		}
		if err != nil {
			return nil, db.errorf("journal: %w", err)
		}
		s.SetCursor(created, seq)
	}
	var total int
	if err := db.pool.QueryRow(ctx, s.Count, s.CountArgs...).Scan(&total); err != nil {
		return nil, db.errorf("journal: %w", err)
	}
	rows, err := db.pool.Query(ctx, s.Page, s.PageArgs...)
	if err != nil {
		return nil, db.errorf("journal: %w", err)
	}
	defer rows.Close()
	var out []*maker.RunRecord
	for rows.Next() {
		_, r, err := journalio.ScanRun(rows)
		if err != nil {
			return nil, db.errorf("journal: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, db.errorf("journal: %w", err)
	}
	return journalio.Paged(out, q.Limit, total), nil
}

// Run implements [maker.Journal.Run].
func (db *DB) Run(ctx context.Context, id string) (*maker.RunRecord, error) {
	seq, _, err := db.lookup(ctx, id)
	if err != nil {
		return nil, err
	}
	_, r, err := journalio.ScanRun(db.pool.QueryRow(ctx, `SELECT `+journalio.RunColumns+` FROM runs WHERE seq = $1`, seq))
	if err != nil {
		return nil, db.errorf("journal: %w", err)
	}
	if r.Sessions, err = db.sessions(ctx, seq); err != nil {
		return nil, err
	}
	return r, nil
}

func (db *DB) sessions(ctx context.Context, seq int64) ([]maker.Session, error) {
	rows, err := db.pool.Query(ctx, `SELECT n, start_step, status, started_at, updated_at, summary FROM sessions WHERE run = $1 ORDER BY n`, seq)
	if err != nil {
		return nil, db.errorf("journal: %w", err)
	}
	defer rows.Close()
	var out []maker.Session
	for rows.Next() {
		var s maker.Session
		var started, updated int64
		var sum *string
		if err := rows.Scan(&s.N, &s.StartStep, &s.Status, &started, &updated, &sum); err != nil {
			return nil, db.errorf("journal: %w", err)
		}
		s.Started, s.Updated = fromMillis(started), fromMillis(updated)
		if sum != nil {
			s.Summary = new(maker.Summary)
			if err := json.Unmarshal([]byte(*sum), s.Summary); err != nil {
				return nil, db.errorf("journal: session %d summary: %w", s.N, err)
			}
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, db.errorf("journal: %w", err)
	}
	return out, nil
}

// Checkpoint implements [maker.Journal.Checkpoint].
func (db *DB) Checkpoint(ctx context.Context, id string) (*maker.Checkpoint[json.RawMessage], error) {
	seq, id, err := db.lookup(ctx, id)
	if err != nil {
		return nil, err
	}
	var steps int
	if err := db.pool.QueryRow(ctx, `SELECT steps FROM runs WHERE seq = $1`, seq).Scan(&steps); err != nil {
		return nil, db.errorf("journal: %w", err)
	}
	cp, err := checkpoint(ctx, db.pool, seq, steps)
	if err != nil {
		return nil, db.errorf("journal: run %s: %w", id, err)
	}
	return cp, nil
}

// Steps implements [maker.Journal.Steps].
func (db *DB) Steps(ctx context.Context, id string, from, to int, fn func(*maker.StepRecord) error) error {
	seq, _, err := db.lookup(ctx, id)
	if err != nil {
		return err
	}
	if to < 0 || to > 1<<31-1 {
		to = 1<<31 - 1
	}
	return db.walkSteps(ctx, fn, `step >= $2 AND step < $3`, seq, from, to)
}

// walkSteps calls fn with each step of run seq that matches where (a
// condition on the steps table whose arguments follow seq, $1), in order.
func (db *DB) walkSteps(ctx context.Context, fn func(*maker.StepRecord) error, where string, seq int64, args ...any) error {
	rows, err := db.pool.Query(ctx, `SELECT step, k, prev, action, key, state, tally, votes, flagged, cancelled, retries,
		input_tokens, cached_tokens, output_tokens, cost, wall_ns, wrong, wrong_why, samples, `+journalio.BeforeColumn+` FROM steps st WHERE run = $1 AND `+where+` ORDER BY step`, append([]any{seq}, args...)...)
	if err != nil {
		return db.errorf("journal: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r journalio.Row
		if err := rows.Scan(&r.Step, &r.K, &r.Prev, &r.Action, &r.Key, &r.State, &r.Tally, &r.Votes, &r.Flagged, &r.Cancelled, &r.Retries,
			&r.In, &r.Cached, &r.Out, &r.Cost, &r.Wall, &r.Wrong, &r.WrongWhy, &r.Samples, &r.Before); err != nil {
			return db.errorf("journal: %w", err)
		}
		rec, err := r.Record()
		if err != nil {
			return db.errorf("journal: %w", err)
		}
		if err := fn(rec); err != nil {
			if errors.Is(err, maker.ErrStopSteps) {
				return nil
			}
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return db.errorf("journal: %w", err)
	}
	return nil
}

// Summary implements [maker.Journal.Summary], as the SQLite journal does.
func (db *DB) Summary(ctx context.Context, id string) (*maker.Summary, error) {
	run, err := db.Run(ctx, id)
	if err != nil {
		return nil, err
	}
	seq, _, err := db.lookup(ctx, run.ID)
	if err != nil {
		return nil, err
	}
	total, err := maker.SummarizeSessions(run, func(s maker.Session, sum *maker.Summary) error {
		return db.walkSteps(ctx, func(rec *maker.StepRecord) error {
			sum.AddStep(rec)
			return nil
		}, `session = $2`, seq, s.N)
	})
	if err != nil {
		return nil, err
	}
	var count, next int
	if err := db.pool.QueryRow(ctx, `SELECT count(*), coalesce(max(step), -1) + 1 FROM steps WHERE run = $1`, seq).Scan(&count, &next); err != nil {
		return nil, db.errorf("journal: %w", err)
	}
	if err := maker.CheckStepPrefix(total, run, count, next, func() (int, error) { return db.prefix(ctx, seq) }); err != nil {
		return total, err
	}
	return total, nil
}

// prefix counts the run's committed steps up to the first gap.
func (db *DB) prefix(ctx context.Context, seq int64) (int, error) {
	var n int
	err := db.pool.QueryRow(ctx, `SELECT count(*) FROM (SELECT step, row_number() OVER (ORDER BY step) - 1 AS want FROM steps WHERE run = $1) s WHERE step = want`, seq).Scan(&n)
	if err != nil {
		return 0, db.errorf("journal: %w", err)
	}
	return n, nil
}
