package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/journalio"
)

// held are the runs that a recorder of this process holds, by database
// file and run: the pid in a session row keeps other processes out, and
// this keeps a second recorder of this process out (a journal opened twice,
// or a run resumed while its first session is still recording), as a
// server's per-connection lock would.
var held = struct {
	sync.Mutex
	runs map[heldRun]bool
}{runs: map[heldRun]bool{}}

type heldRun struct {
	path string
	run  int64
}

// hold takes run seq of db for this process; false when a recorder of this
// process has it.
func (db *DB) hold(seq int64) bool {
	held.Lock()
	defer held.Unlock()
	k := heldRun{db.path, seq}
	if held.runs[k] {
		return false
	}
	held.runs[k] = true
	return true
}

func (db *DB) unhold(seq int64) {
	held.Lock()
	delete(held.runs, heldRun{db.path, seq})
	held.Unlock()
}

// store is the writes of one session, for the shared group-commit
// recorder.
type store struct {
	db      *DB
	run     int64
	session int
	endTx   func(ctx context.Context, tx any, status string) error
}

var _ journalio.Store = (*store)(nil)

// Create records a new run and returns the journal of its first session.
func (db *DB) Create(ctx context.Context, nr maker.NewRun, opts maker.JournalOptions) (maker.Recorder, error) {
	if db.readOnly {
		return nil, errReadOnly
	}
	params, config, opts, err := maker.CheckNewRun(nr, opts)
	if err != nil {
		return nil, err
	}
	now := millis(time.Now())
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	defer tx.Rollback()
	var id string
	var seq int64
	for try := 0; ; try++ {
		if id, err = newID(); err != nil {
			return nil, fmt.Errorf("journal: run id: %w", err)
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM runs WHERE id = ?`, id).Scan(&n); err != nil {
			return nil, fmt.Errorf("journal: %w", err)
		}
		if n == 0 {
			break
		}
		if try > 20 {
			return nil, errors.New("journal: could not draw a free run id")
		}
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO runs (id, kind, task, params, model, simulated, config, version, keep, status, steps, total_steps, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)`,
		id, nr.Kind, nr.Task, string(params), nr.Model, nr.Simulated, string(config), nr.Version, string(opts.Keep), maker.StatusRunning, nr.TotalSteps, now, now)
	if err != nil {
		return nil, fmt.Errorf("journal: create run: %w", err)
	}
	if seq, err = res.LastInsertId(); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (run, n, start_step, status, started_at, updated_at, pid) VALUES (?, 0, 0, ?, ?, ?, ?)`,
		seq, maker.StatusRunning, now, now, os.Getpid()); err != nil {
		return nil, fmt.Errorf("journal: create session: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("journal: create run: %w", err)
	}
	db.hold(seq)
	return journalio.NewRecorder(&store{db, seq, 0, opts.EndTx}, id, 0, 0, opts.Keep, opts), nil
}

// Resume implements [maker.Journal.Resume]. Each session records the pid of its process, and
// a run with a session still marked running by a live process on this
// machine (other than the caller's own) is refused with an error wrapping
// [maker.ErrLocked] that names the pid: of two processes resuming one run, the
// second is turned away before it records anything. Should two processes
// still write one run (the pid check cannot see across machines), the
// second's commit fails on the step's primary key and stops it, so no step
// is ever recorded twice.
func (db *DB) Resume(ctx context.Context, id string, opts maker.JournalOptions) (maker.Recorder, *maker.Checkpoint[json.RawMessage], error) {
	if db.readOnly {
		return nil, nil, errReadOnly
	}
	seq, id, err := db.lookup(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("journal: %w", err)
	}
	defer tx.Rollback()
	var status, keep string
	var steps int
	if err := tx.QueryRowContext(ctx, `SELECT status, keep, steps FROM runs WHERE seq = ?`, seq).Scan(&status, &keep, &steps); err != nil {
		return nil, nil, fmt.Errorf("journal: %w", err)
	}
	if status == maker.StatusDone {
		return nil, nil, fmt.Errorf("journal: run %s is done: nothing to resume", id)
	}
	if err := checkLock(ctx, tx.Tx, seq, id); err != nil {
		return nil, nil, err
	}
	if !db.hold(seq) {
		return nil, nil, fmt.Errorf("journal: run %s is being recorded by this process (pid %d): %w", id, os.Getpid(), maker.ErrLocked)
	}
	locked := true
	defer func() {
		if locked {
			db.unhold(seq)
		}
	}()
	cp, err := checkpoint(ctx, tx, seq, steps)
	if err != nil {
		return nil, nil, fmt.Errorf("journal: run %s: %w", id, err)
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(n), -1) + 1 FROM sessions WHERE run = ?`, seq).Scan(&n); err != nil {
		return nil, nil, fmt.Errorf("journal: %w", err)
	}
	now := millis(time.Now())
	if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (run, n, start_step, status, started_at, updated_at, pid) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		seq, n, cp.Step, maker.StatusRunning, now, now, os.Getpid()); err != nil {
		return nil, nil, fmt.Errorf("journal: resume: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE runs SET status = ?, updated_at = ? WHERE seq = ?`, maker.StatusRunning, now, seq); err != nil {
		return nil, nil, fmt.Errorf("journal: resume: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, nil, fmt.Errorf("journal: resume: %w", err)
	}
	if opts.Keep == "" {
		opts.Keep = maker.Keep(keep)
	}
	if _, err := maker.ParseKeep(string(opts.Keep)); err != nil {
		return nil, nil, fmt.Errorf("journal: %w", err)
	}
	locked = false
	return journalio.NewRecorder(&store{db, seq, n, opts.EndTx}, id, n, cp.Step, opts.Keep, opts), cp, nil
}

// checkLock refuses a run that a live process other than this one is
// running. A session left running by a process that is gone (killed) is no
// lock.
func checkLock(ctx context.Context, tx *sql.Tx, seq int64, id string) error {
	rows, err := tx.QueryContext(ctx, `SELECT n, pid FROM sessions WHERE run = ? AND status = ? AND pid > 0`, seq, maker.StatusRunning)
	if err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var n, pid int
		if err := rows.Scan(&n, &pid); err != nil {
			return fmt.Errorf("journal: %w", err)
		}
		if pid == os.Getpid() || !alive(pid) {
			continue
		}
		doing := "resumed"
		if n == 0 {
			doing = "run"
		}
		return fmt.Errorf("journal: run %s is being %s by pid %d (session %d): %w; wait for it to end, or stop it", id, doing, pid, n, maker.ErrLocked)
	}
	return rows.Err()
}

// checkpoint reads the last committed step and checks that the steps are
// the gap-free prefix the writer guarantees.
func checkpoint(ctx context.Context, q querier, seq int64, steps int) (*maker.Checkpoint[json.RawMessage], error) {
	var count, next int
	if err := q.QueryRowContext(ctx, `SELECT count(*), coalesce(max(step), -1) + 1 FROM steps WHERE run = ?`, seq).Scan(&count, &next); err != nil {
		return nil, err
	}
	if count != next || count != steps {
		return nil, maker.InconsistentSteps(count, next, steps)
	}
	cp := &maker.Checkpoint[json.RawMessage]{Step: count}
	if count == 0 {
		return cp, nil
	}
	var state string
	if err := q.QueryRowContext(ctx, `SELECT state, action FROM steps WHERE run = ? AND step = ?`, seq, count-1).Scan(&state, &cp.Prev); err != nil {
		return nil, err
	}
	cp.State = json.RawMessage(state)
	return cp, nil
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Commit implements [journalio.Store]: the steps and the run's count in
// one transaction.
func (st *store) Commit(ctx context.Context, rows []journalio.Row) error {
	tx, err := st.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := st.insert(ctx, tx.Tx, rows); err != nil {
		return err
	}
	return tx.Commit()
}

// insertRows is how many steps one INSERT statement writes. A statement a
// step paid the driver's work for each statement (its arguments converted
// and checked, the connection locked, a result made) a step; 32 steps of
// 22 columns stay far below SQLite's limit of 32766 parameters.
const insertRows = 32

// stepColumns are the steps table's columns a row gives, in the order
// stepArgs appends them.
const stepColumns = `run, step, session, k, prev, action, key, state, tally, votes, flagged, flags, cancelled, retries,
		input_tokens, cached_tokens, output_tokens, cost, wall_ns, wrong, wrong_why, samples`

// stepColumnCount is the number of stepColumns.
const stepColumnCount = 22

// insertSQL is the INSERT of n steps.
func insertSQL(n int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO steps (" + stepColumns + ") VALUES ")
	row := "(?" + strings.Repeat(", ?", stepColumnCount-1) + ")"
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	return b.String()
}

// stepArgs appends a row's values in the order of stepColumns, each as
// the driver's own type (int64, not int; a string or nil, not a
// sql.NullString), which database/sql passes on without converting it.
func (st *store) stepArgs(args []any, r *journalio.Row) []any {
	return append(args, st.run, int64(r.Step), int64(st.session), int64(r.K), r.Prev, r.Action, r.Key, r.State, r.Tally,
		int64(r.Votes), int64(r.Flagged), nullable(r.Flags), int64(r.Cancelled), int64(r.Retries), r.In, r.Cached, r.Out, r.Cost, r.Wall,
		r.Wrong, nullable(r.WrongWhy), r.Samples)
}

// nullable is s as a driver value: its string, or nil for NULL.
func nullable(s sql.NullString) any {
	if !s.Valid {
		return nil
	}
	return s.String
}

// insert writes steps with the run's count and the session's time, up to
// insertRows steps a statement.
func (st *store) insert(ctx context.Context, tx *sql.Tx, rows []journalio.Row) error {
	if len(rows) == 0 {
		return nil
	}
	last := rows[len(rows)-1].Step + 1
	var full *sql.Stmt // the statement of insertRows steps, once there are that many
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	args := make([]any, 0, stepColumnCount*min(len(rows), insertRows))
	for len(rows) > 0 {
		n := min(len(rows), insertRows)
		args = args[:0]
		for i := range rows[:n] {
			args = st.stepArgs(args, &rows[i])
		}
		var err error
		if n == insertRows {
			if full == nil {
				if full, err = tx.PrepareContext(ctx, insertSQL(n)); err != nil {
					return err
				}
			}
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, insertSQL(n), args...)
		}
		if err != nil {
			return fmt.Errorf("steps %d-%d: %w", rows[0].Step+1, rows[n-1].Step+1, err)
		}
		rows = rows[n:]
	}
	now := millis(time.Now())
	if _, err := tx.ExecContext(ctx, `UPDATE runs SET steps = ?, updated_at = ? WHERE seq = ?`, last, now, st.run); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE sessions SET updated_at = ? WHERE run = ? AND n = ?`, now, st.run, st.session)
	return err
}

// End implements [journalio.Store]: the last steps, the session's status
// and summary, the run's status and the options' EndTx (given the
// *sql.Tx) in one transaction; then this process lets go of the run.
func (st *store) End(ctx context.Context, rows []journalio.Row, sum *maker.Summary, status string) error {
	defer st.db.unhold(st.run)
	var sumJSON any
	if sum != nil {
		b, err := json.Marshal(sum)
		if err != nil {
			return fmt.Errorf("summary: %w", err)
		}
		sumJSON = string(b)
	}
	tx, err := st.db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := st.insert(ctx, tx.Tx, rows); err != nil {
		return err
	}
	now := millis(time.Now())
	if _, err := tx.ExecContext(ctx, `UPDATE sessions SET status = ?, summary = ?, updated_at = ? WHERE run = ? AND n = ?`,
		status, sumJSON, now, st.run, st.session); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE runs SET status = ?, updated_at = ? WHERE seq = ?`, status, now, st.run); err != nil {
		return err
	}
	if st.endTx != nil {
		if err := st.endTx(ctx, tx.Tx, status); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// Release implements [journalio.Store]: it lets go of this process's hold.
// The session's pid stays in its row, which is no lock to this process, and
// none to others once it exits.
func (st *store) Release() error {
	st.db.unhold(st.run)
	return nil
}
