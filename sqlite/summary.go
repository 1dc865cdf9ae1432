package sqlite

import (
	"context"
	"errors"
	"fmt"

	"github.com/maker-go/maker"
)

// ErrInconsistent is returned, with the summary, when a run's committed
// steps are not the gap-free prefix the run's step count says they are: a
// step is missing or the file was edited.
var ErrInconsistent = errors.New("journal is inconsistent")

// stopKilled is the outcome of a session that has not ended: it is running,
// or its process was killed.
const stopKilled = "running or killed"

// Summary is the run's summary over the original run and every resumption:
// the same fields a run reports for itself, added up by
// [maker.Summary.Merge], the steps those committed, and the outcome of the
// latest session. A session that ended wrote its own summary, which also
// counts the samples of a step it did not decide; a session that was killed
// is rebuilt from its committed steps by [maker.Summary.AddStep] (what it
// spent on steps it did not commit is not known; its savings are priced as
// a session of the run that ended priced them), and its wall time runs to
// its last commit.
//
// The stored summaries are checked against the steps themselves: when the
// committed steps are not a gap-free prefix of the run's count, the summary
// counts only that prefix, says the run failed, and comes back together
// with an error wrapping [ErrInconsistent].
func (db *DB) Summary(ctx context.Context, id string) (*maker.Summary, error) {
	run, err := db.Run(ctx, id)
	if err != nil {
		return nil, err
	}
	seq, _, err := db.lookup(ctx, run.ID)
	if err != nil {
		return nil, err
	}
	var pricing maker.Pricing
	for _, s := range run.Sessions {
		if s.Summary != nil && !s.Summary.Pricing.Zero() {
			pricing = s.Summary.Pricing
			break
		}
	}
	total := &maker.Summary{
		Task:           run.Task,
		Model:          run.Model,
		Simulated:      run.Simulated,
		TotalSteps:     run.TotalSteps,
		Flagged:        map[maker.Flag]int64{},
		VotesHistogram: maker.Histogram{},
		StopReason:     stopKilled,
	}
	for _, s := range run.Sessions {
		part := s.Summary
		if part == nil {
			if part, err = db.foldSession(ctx, seq, s, pricing); err != nil {
				return nil, err
			}
		}
		total.Merge(part)
	}
	total.Steps = run.Steps
	var count, next int
	if err := db.sql.QueryRowContext(ctx, `SELECT count(*), coalesce(max(step), -1) + 1 FROM steps WHERE run = ?`, seq).Scan(&count, &next); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	if count != next || count != run.Steps {
		prefix, err := db.prefix(ctx, seq)
		if err != nil {
			return nil, err
		}
		ierr := fmt.Errorf("journal: run %s: %w: %d steps recorded, the last is step %d, the run says %d", run.ID, ErrInconsistent, count, next, run.Steps)
		total.Steps, total.Success, total.Done = prefix, false, false
		total.StopReason, total.Error = "journal inconsistent", ierr.Error()
		total.Derive()
		return total, ierr
	}
	total.Derive()
	return total, nil
}

// foldSession rebuilds the summary of a session that did not end from its
// committed steps, as the engine would have counted them.
func (db *DB) foldSession(ctx context.Context, seq int64, s Session, pricing maker.Pricing) (*maker.Summary, error) {
	sum := &maker.Summary{
		Flagged:        map[maker.Flag]int64{},
		VotesHistogram: maker.Histogram{},
		StartStep:      s.StartStep,
		Steps:          s.StartStep,
		Pricing:        pricing,
		StopReason:     stopKilled,
		WallSeconds:    s.Updated.Sub(s.Started).Seconds(),
	}
	err := db.walkSteps(ctx, func(rec *maker.StepRecord) error {
		sum.AddStep(rec)
		return nil
	}, `session = ?`, seq, s.N)
	if err != nil {
		return nil, err
	}
	return sum, nil
}

// prefix counts the run's committed steps up to the first gap.
func (db *DB) prefix(ctx context.Context, seq int64) (int, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT step FROM steps WHERE run = ? ORDER BY step`, seq)
	if err != nil {
		return 0, fmt.Errorf("journal: %w", err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var step int
		if err := rows.Scan(&step); err != nil {
			return 0, fmt.Errorf("journal: %w", err)
		}
		if step != n {
			break
		}
		n++
	}
	return n, rows.Err()
}
