package sqlite

import (
	"context"
	"fmt"

	"github.com/maker-go/maker"
)

// Summary implements [maker.Journal.Summary]: [maker.SummarizeSessions]
// over the stored summaries and, for a session that did not end, its
// committed steps; then [maker.CheckStepPrefix] against the steps
// themselves.
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
		}, `session = ?`, seq, s.N)
	})
	if err != nil {
		return nil, err
	}
	var count, next int
	if err := db.sql.QueryRowContext(ctx, `SELECT count(*), coalesce(max(step), -1) + 1 FROM steps WHERE run = ?`, seq).Scan(&count, &next); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	if err := maker.CheckStepPrefix(total, run, count, next, func() (int, error) { return db.prefix(ctx, seq) }); err != nil {
		return total, err
	}
	return total, nil
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
