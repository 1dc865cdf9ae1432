package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/maker-go/maker"
)

var _ maker.DecisionJournal = (*DB)(nil)

// pendingDecisionsTable holds the questions runs ask a person (see
// maker.DecisionJournal), as the SQLite journal's table of the same name:
// one row a question, keyed by the run's id, the 1-based step, the kind and
// the attempt; request and answer are JSON, answer NULL while open. An
// answer is announced on the decisionsChannel, so that a waiting run on any
// machine hears it at once.
const pendingDecisionsTable = `
CREATE TABLE IF NOT EXISTS pending_decisions (
	run         text NOT NULL,
	step        integer NOT NULL,
	kind        text NOT NULL,
	attempt     integer NOT NULL,
	request     text NOT NULL,
	asked_at    bigint NOT NULL,
	answer      text,
	answered_at bigint,
	PRIMARY KEY (run, step, kind, attempt)
);
CREATE INDEX IF NOT EXISTS pending_decisions_open ON pending_decisions (run) WHERE answer IS NULL;
`

// decisionsChannel is the NOTIFY channel of answers; the payload is the
// run's id.
const decisionsChannel = "maker_decisions"

const decisionColumns = `run, request, asked_at, answer`

// Ask implements [maker.DecisionJournal].
func (db *DB) Ask(ctx context.Context, run string, req maker.DecisionRequest) (*maker.PendingDecision, error) {
	if db.readOnly {
		return nil, errReadOnly
	}
	seq, id, err := db.lookup(ctx, run)
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, db.errorf("journal: decision: %w", err)
	}
	var d *maker.PendingDecision
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		now := millis(time.Now())
		if _, err := tx.Exec(ctx, `INSERT INTO pending_decisions (run, step, kind, attempt, request, asked_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
			id, req.Step, req.Kind, req.Attempt, string(body), now); err != nil {
			return err
		}
		var err error
		d, err = scanDecision(tx.QueryRow(ctx, `SELECT `+decisionColumns+` FROM pending_decisions WHERE run = $1 AND step = $2 AND kind = $3 AND attempt = $4`,
			id, req.Step, req.Kind, req.Attempt))
		if err != nil || !d.Open() {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE runs SET status = $1, updated_at = $2 WHERE seq = $3 AND status = $4`, maker.StatusWaiting, now, seq, maker.StatusRunning)
		return err
	})
	if err != nil {
		return nil, db.errorf("journal: decision: %w", err)
	}
	return d, nil
}

// Answer implements [maker.DecisionJournal].
func (db *DB) Answer(ctx context.Context, run string, step int, v maker.Verdict) (*maker.PendingDecision, error) {
	if db.readOnly {
		return nil, errReadOnly
	}
	seq, id, err := db.lookup(ctx, run)
	if err != nil {
		return nil, err
	}
	var d *maker.PendingDecision
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		open, err := queryDecisions(ctx, tx, `SELECT `+decisionColumns+` FROM pending_decisions WHERE run = $1 AND answer IS NULL ORDER BY asked_at, step FOR UPDATE`, id)
		if err != nil {
			return err
		}
		if d, err = maker.OpenDecision(open, id, step); err != nil {
			return err
		}
		if v, err = maker.CheckVerdict(d, v); err != nil {
			return err
		}
		ans, err := json.Marshal(v)
		if err != nil {
			return err
		}
		now := millis(time.Now())
		if _, err := tx.Exec(ctx, `UPDATE pending_decisions SET answer = $1, answered_at = $2 WHERE run = $3 AND step = $4 AND kind = $5 AND attempt = $6`,
			string(ans), now, id, d.Step, d.Kind, d.Attempt); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE runs SET status = $1, updated_at = $2 WHERE seq = $3 AND status = $4`, maker.StatusRunning, now, seq, maker.StatusWaiting); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `SELECT pg_notify($1, $2)`, decisionsChannel, id)
		d.Answer = &v
		return err
	})
	if errors.Is(err, maker.ErrNoDecision) || errors.Is(err, maker.ErrBadVerdict) {
		return nil, err
	}
	if err != nil {
		return nil, db.errorf("journal: decision: %w", err)
	}
	return d, nil
}

// Decisions implements [maker.DecisionJournal].
func (db *DB) Decisions(ctx context.Context, run string) ([]*maker.PendingDecision, error) {
	var (
		ds  []*maker.PendingDecision
		err error
	)
	if run == "" {
		ds, err = queryDecisions(ctx, db.pool, `SELECT `+decisionColumns+` FROM pending_decisions WHERE answer IS NULL ORDER BY asked_at, run, step`)
	} else {
		var id string
		if _, id, err = db.lookup(ctx, run); err != nil {
			return nil, err
		}
		ds, err = queryDecisions(ctx, db.pool, `SELECT `+decisionColumns+` FROM pending_decisions WHERE run = $1 ORDER BY asked_at, step, attempt`, id)
	}
	if err != nil {
		return nil, db.errorf("journal: decisions: %w", err)
	}
	return ds, nil
}

// WaitDecision implements [maker.DecisionJournal]: it listens on the
// decisions channel, so an answer from any process wakes it at once.
func (db *DB) WaitDecision(ctx context.Context, run string, d time.Duration) error {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return db.errorf("journal: decisions: %w", err)
	}
	// The connection goes back to the pool listening to nothing (only
	// this method ever waits for notifications on a pooled connection).
	defer func() {
		if _, err := conn.Exec(context.WithoutCancel(ctx), `UNLISTEN `+decisionsChannel); err != nil {
			conn.Hijack().Close(context.WithoutCancel(ctx))
			return
		}
		conn.Release()
	}()
	if _, err := conn.Exec(ctx, `LISTEN `+decisionsChannel); err != nil {
		return db.errorf("journal: decisions: %w", err)
	}
	wctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	for {
		n, err := conn.Conn().WaitForNotification(wctx)
		switch {
		case err == nil && n.Payload != run && !matchesPrefix(n.Payload, run):
			continue
		case err == nil || wctx.Err() != nil && ctx.Err() == nil:
			return nil
		case ctx.Err() != nil:
			return ctx.Err()
		}
		return db.errorf("journal: decisions: %w", err)
	}
}

// matchesPrefix reports whether run id is named by prefix, as run ids may
// be given.
func matchesPrefix(id, prefix string) bool {
	return len(prefix) <= len(id) && id[:len(prefix)] == prefix
}

type queryer interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

func queryDecisions(ctx context.Context, q queryer, query string, args ...any) ([]*maker.PendingDecision, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*maker.PendingDecision
	for rows.Next() {
		d, err := scanDecision(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

func scanDecision(row pgx.Row) (*maker.PendingDecision, error) {
	var (
		d       maker.PendingDecision
		request string
		asked   int64
		answer  *string
	)
	if err := row.Scan(&d.Run, &request, &asked, &answer); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, maker.ErrNoDecision
		}
		return nil, err
	}
	if err := json.Unmarshal([]byte(request), &d.DecisionRequest); err != nil {
		return nil, err
	}
	d.Asked = fromMillis(asked)
	if answer != nil {
		var v maker.Verdict
		if err := json.Unmarshal([]byte(*answer), &v); err != nil {
			return nil, err
		}
		d.Answer = &v
	}
	return &d, nil
}
