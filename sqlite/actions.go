package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/journalio"
)

// actionsTable records the actions of tasks whose steps act on the world:
// a row is written, durably, before a step's action runs and marked when it
// has finished. A run that stops between the two leaves a row past its
// last committed step, which is how a resume knows the action may have run.
// The table is created when first needed; a journal without it simply has
// no actions, so no schema version is spent on it.
const actionsTable = `CREATE TABLE IF NOT EXISTS actions (
	run         INTEGER NOT NULL REFERENCES runs(seq) ON DELETE CASCADE,
	step        INTEGER NOT NULL,
	session     INTEGER NOT NULL,
	started_at  INTEGER NOT NULL,
	finished_at INTEGER,
	PRIMARY KEY (run, step)
) WITHOUT ROWID`

var _ journalio.ActionStore = (*store)(nil)

// ActionStarted records that step's action is about to run (the recorder
// has committed the steps before it).
func (j *store) ActionStarted(ctx context.Context, step int) error {
	if _, err := j.db.sql.ExecContext(ctx, actionsTable); err != nil {
		return fmt.Errorf("journal: actions: %w", err)
	}
	_, err := j.db.sql.ExecContext(ctx, `INSERT OR REPLACE INTO actions (run, step, session, started_at, finished_at) VALUES (?, ?, ?, ?, NULL)`,
		j.run, step, j.session, millis(time.Now()))
	if err != nil {
		return fmt.Errorf("journal: step %d: action start: %w", step+1, err)
	}
	return nil
}

// ActionFinished records that step's action has finished.
func (j *store) ActionFinished(ctx context.Context, step int) error {
	_, err := j.db.sql.ExecContext(ctx, `UPDATE actions SET finished_at = ? WHERE run = ? AND step = ?`, millis(time.Now()), j.run, step)
	if err != nil {
		return fmt.Errorf("journal: step %d: action end: %w", step+1, err)
	}
	return nil
}

// PendingAction returns the action of the first step at or after from (the
// step a resumed run starts with) that the journal shows as started, or nil
// when there is none: such an action ran, in part or whole, without its
// step being recorded.
func (j *store) PendingAction(ctx context.Context, from int) (*maker.Action, error) {
	var a maker.Action
	var started int64
	var finished sql.NullInt64
	err := j.db.sql.QueryRowContext(ctx, `SELECT step, session, started_at, finished_at FROM actions WHERE run = ? AND step >= ? ORDER BY step LIMIT 1`, j.run, from).
		Scan(&a.Step, &a.Session, &started, &finished)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil
	case err != nil && isNoTable(err):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("journal: actions: %w", err)
	}
	a.Started, a.Finished = fromMillis(started), finished.Valid
	return &a, nil
}

// Actions returns every action the journal records for the run, in step
// order.
func (db *DB) Actions(ctx context.Context, id string) ([]maker.Action, error) {
	seq, _, err := db.lookup(ctx, id)
	if err != nil {
		return nil, err
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT step, session, started_at, finished_at FROM actions WHERE run = ? ORDER BY step`, seq)
	if err != nil {
		if isNoTable(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("journal: actions: %w", err)
	}
	defer rows.Close()
	var out []maker.Action
	for rows.Next() {
		var a maker.Action
		var started int64
		var finished sql.NullInt64
		if err := rows.Scan(&a.Step, &a.Session, &started, &finished); err != nil {
			return nil, fmt.Errorf("journal: actions: %w", err)
		}
		a.Started, a.Finished = fromMillis(started), finished.Valid
		out = append(out, a)
	}
	return out, rows.Err()
}

// isNoTable reports a journal written before any run acted on the world.
func isNoTable(err error) bool {
	return err != nil && strings.Contains(err.Error(), "no such table: actions")
}
