package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/maker-go/maker"
)

const runColumns = `seq, id, kind, task, params, model, simulated, config, version, keep, status, steps, total_steps, created_at, updated_at`

func scanRun(sc interface{ Scan(...any) error }) (int64, *Run, error) {
	var r Run
	var seq, created, updated int64
	var params, config, keep string
	if err := sc.Scan(&seq, &r.ID, &r.Kind, &r.Task, &params, &r.Model, &r.Simulated, &config, &r.Version, &keep, &r.Status, &r.Steps, &r.TotalSteps, &created, &updated); err != nil {
		return 0, nil, err
	}
	r.Params, r.Config, r.Keep = json.RawMessage(params), json.RawMessage(config), Keep(keep)
	r.Created, r.Updated = fromMillis(created), fromMillis(updated)
	return seq, &r, nil
}

// Runs lists the journaled runs, newest first, without their sessions.
func (db *DB) Runs(ctx context.Context) ([]*Run, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+runColumns+` FROM runs ORDER BY created_at DESC, seq DESC`)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	defer rows.Close()
	var out []*Run
	for rows.Next() {
		_, r, err := scanRun(rows)
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

// Run returns one run, found by its id or a unique prefix of it, with its
// sessions.
func (db *DB) Run(ctx context.Context, id string) (*Run, error) {
	seq, _, err := db.lookup(ctx, id)
	if err != nil {
		return nil, err
	}
	_, r, err := scanRun(db.sql.QueryRowContext(ctx, `SELECT `+runColumns+` FROM runs WHERE seq = ?`, seq))
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	if r.Sessions, err = db.sessions(ctx, seq); err != nil {
		return nil, err
	}
	return r, nil
}

func (db *DB) sessions(ctx context.Context, seq int64) ([]Session, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT n, start_step, status, started_at, updated_at, summary FROM sessions WHERE run = ? ORDER BY n`, seq)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		var s Session
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

// Checkpoint returns where a resumption of the run would start.
func (db *DB) Checkpoint(ctx context.Context, id string) (*Checkpoint, error) {
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

// ErrStop is returned by a [DB.Steps] callback to end the walk without error.
var ErrStop = errors.New("stop")

// Steps calls fn with each committed step of the run from step from up to,
// not including, step to (to < 0: to the end), in order. The records are
// as the run saw them, except that State is the state's JSON
// (json.RawMessage), a sample's Text is empty where the run's
// --keep-samples policy did not keep it, and Samples are in arrival order
// (SampleRecord.Seq). fn may keep the record.
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
		input_tokens, cached_tokens, output_tokens, cost, wall_ns, wrong, wrong_why, samples FROM steps WHERE run = ? AND `+where+` ORDER BY step`, append([]any{seq}, args...)...)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	defer steps.Close()
	for steps.Next() {
		rec := &maker.StepRecord{}
		var state, tally, samples string
		var wall int64
		var why sql.NullString
		if err := steps.Scan(&rec.Step, &rec.K, &rec.Prev, &rec.Action, &rec.Key, &state, &tally, &rec.Votes, &rec.Flagged, &rec.Cancelled, &rec.Retries,
			&rec.InputTokens, &rec.CachedInputTokens, &rec.OutputTokens, &rec.CostUSD, &wall, &rec.Wrong, &why, &samples); err != nil {
			return fmt.Errorf("journal: %w", err)
		}
		rec.State, rec.Wall, rec.WrongWhy = json.RawMessage(state), time.Duration(wall), why.String
		if err := json.Unmarshal([]byte(tally), &rec.Tally); err != nil {
			return fmt.Errorf("journal: step %d tally: %w", rec.Step+1, err)
		}
		if rec.Samples, err = decodeSamples(samples, rec.Tally); err != nil {
			return fmt.Errorf("journal: step %d samples: %w", rec.Step+1, err)
		}
		if err := fn(rec); err != nil {
			if errors.Is(err, ErrStop) {
				return nil
			}
			return err
		}
	}
	return steps.Err()
}
