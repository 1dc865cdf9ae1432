package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/journalio"
)

// Runs implements [maker.Journal.Runs].
func (db *DB) Runs(ctx context.Context) ([]*maker.RunRecord, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+journalio.RunColumns+` FROM runs ORDER BY created_at DESC, seq DESC`)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	defer rows.Close()
	out := []*maker.RunRecord{}
	for rows.Next() {
		_, r, err := journalio.ScanRun(rows)
		if err != nil {
			return nil, fmt.Errorf("journal: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	return out, nil
}

// sqliteDialect is SQLite's SQL for a run list. Its LIKE ignores the case
// of ASCII letters only, as [maker.LowerASCII] does, and is several times
// quicker than comparing lower() copies.
var sqliteDialect = journalio.Dialect{
	Placeholder: func(n int) string { return "?" + strconv.Itoa(n) },
	Contains:    func(col, arg string) string { return col + " LIKE " + arg + ` ESCAPE '\'` },
	TextArg:     journalio.LikeContains,
}

var _ maker.RunLister = (*DB)(nil)

// ListRuns implements [maker.RunLister]: a page is read through the
// runs_created, runs_status or runs_kind index, which hold the runs in
// the list's order, and counted in the same index without reading the
// runs themselves.
func (db *DB) ListRuns(ctx context.Context, q maker.RunQuery) (*maker.RunPage, error) {
	s := journalio.ListSQL(sqliteDialect, q)
	if s.After != "" {
		var created, seq int64
		err := db.sql.QueryRowContext(ctx, s.After, s.AfterArgs...).Scan(&created, &seq)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, &maker.RunQueryError{Field: "cursor", Problem: fmt.Sprintf("no run %q", q.After)}
		}
		if err != nil {
			return nil, fmt.Errorf("journal: %w", err)
		}
		s.SetCursor(created, seq)
	}
	var total int
	if err := db.sql.QueryRowContext(ctx, s.Count, s.CountArgs...).Scan(&total); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	rows, err := db.sql.QueryContext(ctx, s.Page, s.PageArgs...)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	defer rows.Close()
	var out []*maker.RunRecord
	for rows.Next() {
		_, r, err := journalio.ScanRun(rows)
		if err != nil {
			return nil, fmt.Errorf("journal: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	return journalio.Paged(out, q.Limit, total), nil
}

// Run implements [maker.Journal.Run].
func (db *DB) Run(ctx context.Context, id string) (*maker.RunRecord, error) {
	seq, _, err := db.lookup(ctx, id)
	if err != nil {
		return nil, err
	}
	_, r, err := journalio.ScanRun(db.sql.QueryRowContext(ctx, `SELECT `+journalio.RunColumns+` FROM runs WHERE seq = ?`, seq))
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	if r.Sessions, err = db.sessions(ctx, seq); err != nil {
		return nil, err
	}
	return r, nil
}

func (db *DB) sessions(ctx context.Context, seq int64) ([]maker.Session, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT n, start_step, status, started_at, updated_at, summary FROM sessions WHERE run = ? ORDER BY n`, seq)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	defer rows.Close()
	var out []maker.Session
	for rows.Next() {
		var s maker.Session
		var started, updated int64
		var sum sql.NullString
		if err := rows.Scan(&s.N, &s.StartStep, &s.Status, &started, &updated, &sum); err != nil {
			return nil, fmt.Errorf("journal: %w", err)
		}
		s.Started, s.Updated = fromMillis(started), fromMillis(updated)
		if sum.Valid {
			s.Summary = new(maker.Summary)
			if err := json.Unmarshal([]byte(sum.String), s.Summary); err != nil {
				return nil, fmt.Errorf("journal: session %d summary: %w", s.N, err)
			}
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Checkpoint implements [maker.Journal.Checkpoint].
func (db *DB) Checkpoint(ctx context.Context, id string) (*maker.Checkpoint[json.RawMessage], error) {
	seq, _, err := db.lookup(ctx, id)
	if err != nil {
		return nil, err
	}
	var steps int
	if err := db.sql.QueryRowContext(ctx, `SELECT steps FROM runs WHERE seq = ?`, seq).Scan(&steps); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	cp, err := checkpoint(ctx, db.sql, seq, steps)
	if err != nil {
		return nil, fmt.Errorf("journal: run %s: %w", id, err)
	}
	return cp, nil
}

// Steps implements [maker.Journal.Steps].
func (db *DB) Steps(ctx context.Context, id string, from, to int, fn func(*maker.StepRecord) error) error {
	seq, _, err := db.lookup(ctx, id)
	if err != nil {
		return err
	}
	if to < 0 {
		to = int(^uint(0) >> 1)
	}
	return db.walkSteps(ctx, fn, `step >= ? AND step < ?`, seq, from, to)
}

// walkSteps calls fn with each step of run seq that matches where (a
// condition on the steps table with its arguments after seq), in order.
func (db *DB) walkSteps(ctx context.Context, fn func(*maker.StepRecord) error, where string, seq int64, args ...any) error {
	steps, err := db.sql.QueryContext(ctx, `SELECT step, k, prev, action, key, state, tally, votes, flagged, cancelled, retries,
		input_tokens, cached_tokens, output_tokens, cost, wall_ns, wrong, wrong_why, samples, `+journalio.BeforeColumn+` FROM steps st WHERE run = ? AND `+where+` ORDER BY step`, append([]any{seq}, args...)...)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	defer steps.Close()
	for steps.Next() {
		var r journalio.Row
		if err := steps.Scan(&r.Step, &r.K, &r.Prev, &r.Action, &r.Key, &r.State, &r.Tally, &r.Votes, &r.Flagged, &r.Cancelled, &r.Retries,
			&r.In, &r.Cached, &r.Out, &r.Cost, &r.Wall, &r.Wrong, &r.WrongWhy, &r.Samples, &r.Before); err != nil {
			return fmt.Errorf("journal: %w", err)
		}
		rec, err := r.Record()
		if err != nil {
			return fmt.Errorf("journal: %w", err)
		}
		if err := fn(rec); err != nil {
			if errors.Is(err, maker.ErrStopSteps) {
				return nil
			}
			return err
		}
	}
	return steps.Err()
}
