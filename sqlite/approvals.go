package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/maker-go/maker"
)

var _ maker.DecisionJournal = (*DB)(nil)

// pendingDecisionsTable holds the questions runs ask a person (see
// maker.DecisionJournal): one row a question, keyed by the run's id, the
// 1-based step, the kind (approve, ask) and the attempt. request and answer
// are JSON (maker.DecisionRequest, maker.Verdict); answer is NULL while the
// question is open, which the partial index finds without reading the
// answered ones. Times are Unix milliseconds.
const pendingDecisionsTable = `CREATE TABLE IF NOT EXISTS pending_decisions (
	run         TEXT NOT NULL,
	step        INTEGER NOT NULL,
	kind        TEXT NOT NULL,
	attempt     INTEGER NOT NULL,
	request     TEXT NOT NULL,
	asked_at    INTEGER NOT NULL,
	answer      TEXT,
	answered_at INTEGER,
	PRIMARY KEY (run, step, kind, attempt)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS pending_decisions_open ON pending_decisions (run) WHERE answer IS NULL;
`

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
		return nil, fmt.Errorf("journal: decision: %w", err)
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("journal: decision: %w", err)
	}
	defer tx.Rollback()
	now := millis(time.Now())
	if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO pending_decisions (run, step, kind, attempt, request, asked_at) VALUES (?, ?, ?, ?, ?, ?)`,
		id, req.Step, req.Kind, req.Attempt, string(body), now); err != nil {
		return nil, fmt.Errorf("journal: decision: %w", err)
	}
	d, err := scanDecision(tx.QueryRowContext(ctx, `SELECT run, request, asked_at, answer FROM pending_decisions WHERE run = ? AND step = ? AND kind = ? AND attempt = ?`,
		id, req.Step, req.Kind, req.Attempt))
	if err != nil {
		return nil, fmt.Errorf("journal: decision: %w", err)
	}
	if d.Open() {
		if _, err := tx.ExecContext(ctx, `UPDATE runs SET status = ?, updated_at = ? WHERE seq = ? AND status = ?`,
			maker.StatusWaiting, now, seq, maker.StatusRunning); err != nil {
			return nil, fmt.Errorf("journal: decision: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("journal: decision: %w", err)
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
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("journal: decision: %w", err)
	}
	defer tx.Rollback()
	open, err := queryDecisions(ctx, tx, `SELECT run, request, asked_at, answer FROM pending_decisions WHERE run = ? AND answer IS NULL ORDER BY asked_at, step`, id)
	if err != nil {
		return nil, fmt.Errorf("journal: decision: %w", err)
	}
	d, err := maker.OpenDecision(open, id, step)
	if err != nil {
		return nil, err
	}
	if v, err = maker.CheckVerdict(d, v); err != nil {
		return nil, err
	}
	ans, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("journal: decision: %w", err)
	}
	now := millis(time.Now())
	if _, err := tx.ExecContext(ctx, `UPDATE pending_decisions SET answer = ?, answered_at = ? WHERE run = ? AND step = ? AND kind = ? AND attempt = ?`,
		string(ans), now, id, d.Step, d.Kind, d.Attempt); err != nil {
		return nil, fmt.Errorf("journal: decision: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE runs SET status = ?, updated_at = ? WHERE seq = ? AND status = ?`,
		maker.StatusRunning, now, seq, maker.StatusWaiting); err != nil {
		return nil, fmt.Errorf("journal: decision: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("journal: decision: %w", err)
	}
	d.Answer = &v
	answered(db.path)
	return d, nil
}

// Decisions implements [maker.DecisionJournal].
func (db *DB) Decisions(ctx context.Context, run string) ([]*maker.PendingDecision, error) {
	if run == "" {
		ds, err := queryDecisions(ctx, db.sql, `SELECT run, request, asked_at, answer FROM pending_decisions WHERE answer IS NULL ORDER BY asked_at, run, step`)
		if err != nil {
			return nil, fmt.Errorf("journal: decisions: %w", err)
		}
		return ds, nil
	}
	_, id, err := db.lookup(ctx, run)
	if err != nil {
		return nil, err
	}
	ds, err := queryDecisions(ctx, db.sql, `SELECT run, request, asked_at, answer FROM pending_decisions WHERE run = ? ORDER BY asked_at, step, attempt`, id)
	if err != nil {
		return nil, fmt.Errorf("journal: decisions: %w", err)
	}
	return ds, nil
}

// WaitDecision implements [maker.DecisionJournal]. SQLite has no
// notifications between processes: an answer written through this process
// (the service's API, a test) wakes the waiter at once, and one written by
// another process (maker approve) is seen at the waiter's next look, d.
func (db *DB) WaitDecision(ctx context.Context, run string, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-answers(db.path):
		return nil
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// answerSignals holds, for each journal file, a channel closed (and
// replaced) when this process answers one of its questions.
var (
	answerSignalsMu sync.Mutex
	answerSignals   = map[string]chan struct{}{}
)

// answers is the channel the next answer to a question in the journal at
// path closes.
func answers(path string) <-chan struct{} {
	answerSignalsMu.Lock()
	defer answerSignalsMu.Unlock()
	c := answerSignals[path]
	if c == nil {
		c = make(chan struct{})
		answerSignals[path] = c
	}
	return c
}

// answered wakes every waiter on the journal at path.
func answered(path string) {
	answerSignalsMu.Lock()
	defer answerSignalsMu.Unlock()
	if c := answerSignals[path]; c != nil {
		close(c)
		delete(answerSignals, path)
	}
}

func queryDecisions(ctx context.Context, q interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}, query string, args ...any) ([]*maker.PendingDecision, error) {
	rows, err := q.QueryContext(ctx, query, args...)
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

func scanDecision(row interface{ Scan(...any) error }) (*maker.PendingDecision, error) {
	var (
		d       maker.PendingDecision
		request string
		asked   int64
		answer  sql.NullString
	)
	if err := row.Scan(&d.Run, &request, &asked, &answer); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, maker.ErrNoDecision
		}
		return nil, err
	}
	if err := json.Unmarshal([]byte(request), &d.DecisionRequest); err != nil {
		return nil, fmt.Errorf("run %s: decision: %w", d.Run, err)
	}
	d.Asked = fromMillis(asked)
	if answer.Valid {
		var v maker.Verdict
		if err := json.Unmarshal([]byte(answer.String), &v); err != nil {
			return nil, fmt.Errorf("run %s: answer: %w", d.Run, err)
		}
		d.Answer = &v
	}
	return &d, nil
}
