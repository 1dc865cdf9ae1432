package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/journalio"
)

// The actions of tasks whose steps act on the world: a row is written,
// durably, before a step's action runs and marked when it has finished,
// on the connection that holds the run's lock. A session that stops
// between the two leaves a row past its run's last committed step, which
// is how a resume knows the action may have run.

var _ journalio.ActionStore = (*store)(nil)

// ActionStarted records that step's action is about to run (the recorder
// has committed the steps before it).
func (st *store) ActionStarted(ctx context.Context, step int) error {
	if st.conn == nil {
		return errors.New("journal: the session's connection is closed")
	}
	_, err := st.conn.Exec(ctx, `INSERT INTO actions (run, step, session, started_at, finished_at) VALUES ($1, $2, $3, $4, NULL)
		ON CONFLICT (run, step) DO UPDATE SET session = excluded.session, started_at = excluded.started_at, finished_at = NULL`,
		st.run, step, st.session, millis(time.Now()))
	if err != nil {
		return st.db.errorf("journal: step %d: action start: %w", step+1, err)
	}
	return nil
}

// ActionFinished records that step's action has finished.
func (st *store) ActionFinished(ctx context.Context, step int) error {
	if st.conn == nil {
		return errors.New("journal: the session's connection is closed")
	}
	if _, err := st.conn.Exec(ctx, `UPDATE actions SET finished_at = $1 WHERE run = $2 AND step = $3`, millis(time.Now()), st.run, step); err != nil {
		return st.db.errorf("journal: step %d: action end: %w", step+1, err)
	}
	return nil
}

// PendingAction returns the action of the first step at or after from (the
// step a resumed run starts with) that the journal shows as started, or nil
// when there is none.
func (st *store) PendingAction(ctx context.Context, from int) (*maker.Action, error) {
	var a maker.Action
	var started int64
	var finished *int64
	err := st.db.pool.QueryRow(ctx, `SELECT step, session, started_at, finished_at FROM actions WHERE run = $1 AND step >= $2 ORDER BY step LIMIT 1`, st.run, from).
		Scan(&a.Step, &a.Session, &started, &finished)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil, nil
	case err != nil:
		return nil, st.db.errorf("journal: actions: %w", err)
	}
	a.Started, a.Finished = fromMillis(started), finished != nil
	return &a, nil
}

// Actions implements [maker.ActionLister]: every action the journal
// records for the run, in step order.
func (db *DB) Actions(ctx context.Context, id string) ([]maker.Action, error) {
	seq, _, err := db.lookup(ctx, id)
	if err != nil {
		return nil, err
	}
	rows, err := db.pool.Query(ctx, `SELECT step, session, started_at, finished_at FROM actions WHERE run = $1 ORDER BY step`, seq)
	if err != nil {
		return nil, db.errorf("journal: actions: %w", err)
	}
	defer rows.Close()
	var out []maker.Action
	for rows.Next() {
		var a maker.Action
		var started int64
		var finished *int64
		if err := rows.Scan(&a.Step, &a.Session, &started, &finished); err != nil {
			return nil, db.errorf("journal: actions: %w", err)
		}
		a.Started, a.Finished = fromMillis(started), finished != nil
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, db.errorf("journal: actions: %w", err)
	}
	return out, nil
}
