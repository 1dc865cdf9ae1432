package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/maker-go/maker"
)

// Group-commit defaults: large enough that a fast simulated run spends little
// on commits, short enough that a slow real run loses at most a fraction of a
// second of decided steps to a kill.
const (
	DefaultBatchSteps    = 512
	DefaultBatchInterval = 200 * time.Millisecond
)

// Options tune a journal.
type Options struct {
	// Keep is the sample-text policy (default KeepFlagged; on resume, the
	// run's own).
	Keep Keep
	// BatchSteps commits after this many decided steps (default 512).
	BatchSteps int
	// BatchInterval commits steps that have waited this long (default
	// 200ms), so a slow run's steps do not sit uncommitted.
	BatchInterval time.Duration
}

func (o Options) withDefaults() Options {
	if o.BatchSteps <= 0 {
		o.BatchSteps = DefaultBatchSteps
	}
	if o.BatchInterval <= 0 {
		o.BatchInterval = DefaultBatchInterval
	}
	return o
}

// Journal records one session of a run. It implements [maker.Observer]:
// attach it to [maker.Config.Observers]. Observe encodes the step and hands
// it to a writer goroutine, which commits in groups; an error from the
// writer stops the run at its next step, and nothing after a failed commit
// is written, so the committed steps are always a gap-free prefix.
type Journal struct {
	db      *DB
	run     int64
	id      string
	session int
	keep    Keep
	opts    Options
	next    int // the step the next commit must start with (writer only)

	rows  chan stepRow
	flush chan chan error
	quit  chan struct{}
	done  chan struct{}

	mu       sync.Mutex
	err      error
	finished bool
}

var _ maker.Observer = (*Journal)(nil)

// Create records a new run and returns the journal of its first session.
func (db *DB) Create(ctx context.Context, nr NewRun, opts Options) (*Journal, error) {
	if nr.Task == "" {
		return nil, errors.New("journal: a run needs a task name")
	}
	if opts.Keep == "" {
		opts.Keep = KeepFlagged
	}
	if _, err := ParseKeep(string(opts.Keep)); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	params, config := nr.Params, nr.Config
	if len(params) == 0 {
		params = json.RawMessage("{}")
	}
	if len(config) == 0 {
		config = json.RawMessage("{}")
	}
	now := millis(time.Now())
	tx, err := db.sql.BeginTx(ctx, nil)
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
	return db.start(seq, id, 0, 0, opts), nil
}

// ErrLocked is returned by [DB.Resume] for a run that another live process
// is running: the original run or a resumption.
var ErrLocked = errors.New("another live process holds the run")

// Resume opens a new session of a journaled run and returns it with the
// checkpoint to continue from: the committed steps, never more. A finished
// run cannot be resumed. Each session records the pid of its process, and
// a run with a session still marked running by a live process on this
// machine (other than the caller's own) is refused with an error wrapping
// [ErrLocked] that names the pid: of two processes resuming one run, the
// second is turned away before it records anything. Should two processes
// still write one run (the pid check cannot see across machines), the
// second's commit fails on the step's primary key and stops it, so no step
// is ever recorded twice.
func (db *DB) Resume(ctx context.Context, id string, opts Options) (*Journal, *Checkpoint, error) {
	seq, id, err := db.lookup(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	tx, err := db.sql.BeginTx(ctx, nil)
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
	if err := checkLock(ctx, tx, seq, id); err != nil {
		return nil, nil, err
	}
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
		opts.Keep = Keep(keep)
	}
	if _, err := ParseKeep(string(opts.Keep)); err != nil {
		return nil, nil, fmt.Errorf("journal: %w", err)
	}
	return db.start(seq, id, n, cp.Step, opts), cp, nil
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
		return fmt.Errorf("journal: run %s is being %s by pid %d (session %d): %w; wait for it to end, or stop it", id, doing, pid, n, ErrLocked)
	}
	return rows.Err()
}

// checkpoint reads the last committed step and checks that the steps are
// the gap-free prefix the writer guarantees.
func checkpoint(ctx context.Context, q querier, seq int64, steps int) (*Checkpoint, error) {
	var count, next int
	if err := q.QueryRowContext(ctx, `SELECT count(*), coalesce(max(step), -1) + 1 FROM steps WHERE run = ?`, seq).Scan(&count, &next); err != nil {
		return nil, err
	}
	if count != next || count != steps {
		return nil, fmt.Errorf("journal is inconsistent: %d steps recorded, last is %d, run says %d", count, next, steps)
	}
	cp := &Checkpoint{Step: count}
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

func (db *DB) start(seq int64, id string, session, next int, opts Options) *Journal {
	opts = opts.withDefaults()
	j := &Journal{
		db:      db,
		run:     seq,
		id:      id,
		session: session,
		keep:    opts.Keep,
		opts:    opts,
		next:    next,
		rows:    make(chan stepRow, 8*opts.BatchSteps), // room to run on while a commit waits on the disk
		flush:   make(chan chan error),
		quit:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	go j.writer()
	return j
}

// ID is the run's id.
func (j *Journal) ID() string { return j.id }

// Session is the session number: 0 for the original run.
func (j *Journal) Session() int { return j.session }

// Observe implements [maker.Observer]: it queues the decided step for the
// next group commit. It fails once a commit has failed, which stops the run.
func (j *Journal) Observe(ctx context.Context, rec *maker.StepRecord) error {
	if err := j.failed(); err != nil {
		return err
	}
	row, err := encodeStep(rec, j.keep)
	if err != nil {
		return fmt.Errorf("journal: step %d: %w", rec.Step+1, err)
	}
	select {
	case j.rows <- row: // while there is room, even in a cancelled run
		return nil
	default:
	}
	select {
	case j.rows <- row:
		return nil
	case <-j.done:
		return j.failedOr(errClosed)
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Flush commits every step observed so far and returns when it is durable.
func (j *Journal) Flush(ctx context.Context) error {
	ack := make(chan error, 1)
	select {
	case j.flush <- ack:
	case <-j.done:
		return j.failedOr(errClosed)
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-ack:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Finish commits what is left, records how the session ended (its summary
// and status, see [maker.RunStatus]) and stops the writer. It uses its own short
// deadline rather than the run's context, because a run that was
// interrupted must still get its steps and summary written.
func (j *Journal) Finish(sum *maker.Summary, status string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ferr := j.Flush(ctx)
	j.stop()
	if ferr != nil {
		return ferr
	}
	var sumJSON any
	if sum != nil {
		b, err := json.Marshal(sum)
		if err != nil {
			return fmt.Errorf("journal: summary: %w", err)
		}
		sumJSON = string(b)
	}
	now := millis(time.Now())
	tx, err := j.db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("journal: finish: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE sessions SET status = ?, summary = ?, updated_at = ? WHERE run = ? AND n = ?`,
		status, sumJSON, now, j.run, j.session); err != nil {
		return fmt.Errorf("journal: finish: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE runs SET status = ?, updated_at = ? WHERE seq = ?`, status, now, j.run); err != nil {
		return fmt.Errorf("journal: finish: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("journal: finish: %w", err)
	}
	return nil
}

// Close stops the writer after committing what was observed, without
// recording an end: the run stays "running", as after a kill. Use Finish
// for a run that ended.
func (j *Journal) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := j.Flush(ctx)
	j.stop()
	if errors.Is(err, errClosed) {
		return nil
	}
	return err
}

var errClosed = errors.New("journal: closed")

func (j *Journal) stop() {
	j.mu.Lock()
	if j.finished {
		j.mu.Unlock()
		return
	}
	j.finished = true
	j.mu.Unlock()
	close(j.quit)
	<-j.done
}

func (j *Journal) failed() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.err
}

func (j *Journal) failedOr(err error) error {
	if e := j.failed(); e != nil {
		return e
	}
	return err
}

func (j *Journal) setErr(err error) {
	j.mu.Lock()
	if j.err == nil {
		j.err = err
	}
	j.mu.Unlock()
}

// writer owns the pending steps and commits them in groups.
func (j *Journal) writer() {
	defer close(j.done)
	tick := time.NewTicker(j.opts.BatchInterval)
	defer tick.Stop()
	var pending []stepRow
	commit := func() error {
		if len(pending) == 0 {
			return nil
		}
		if err := j.failed(); err != nil {
			return err
		}
		if err := j.commit(pending); err != nil {
			err = fmt.Errorf("journal: commit steps %d-%d: %w", pending[0].step+1, pending[len(pending)-1].step+1, err)
			j.setErr(err)
			return err
		}
		pending = pending[:0]
		return nil
	}
	drain := func() {
		for {
			select {
			case r := <-j.rows:
				pending = append(pending, r)
			default:
				return
			}
		}
	}
	for {
		select {
		case r := <-j.rows:
			pending = append(pending, r)
			if len(pending) >= j.opts.BatchSteps {
				commit()
			}
		case <-tick.C:
			commit()
		case ack := <-j.flush:
			// Steps are queued before Flush is called, so they are in the
			// channel already.
			drain()
			ack <- commit()
		case <-j.quit:
			drain()
			commit()
			return
		}
	}
}

// commit writes a group of steps and their samples in one transaction.
func (j *Journal) commit(rows []stepRow) error {
	for i := range rows {
		if rows[i].step != j.next+i {
			return fmt.Errorf("step %d observed where step %d was due", rows[i].step+1, j.next+i+1)
		}
	}
	ctx := context.Background()
	tx, err := j.db.sql.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO steps (run, step, session, k, prev, action, key, state, tally, votes, flagged, flags, cancelled, retries,
		input_tokens, cached_tokens, output_tokens, cost, wall_ns, wrong, wrong_why, samples) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	for i := range rows {
		r := &rows[i]
		if _, err := stmt.ExecContext(ctx, j.run, r.step, j.session, r.k, r.prev, r.action, r.key, r.state, r.tally, r.votes, r.flagged, r.flags,
			r.cancelled, r.retries, r.in, r.cached, r.out, r.cost, r.wall, r.wrong, r.wrongWhy, r.samples); err != nil {
			return fmt.Errorf("step %d: %w", r.step+1, err)
		}
	}
	last := rows[len(rows)-1].step + 1
	now := millis(time.Now())
	if _, err := tx.ExecContext(ctx, `UPDATE runs SET steps = ?, updated_at = ? WHERE seq = ?`, last, now, j.run); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE sessions SET updated_at = ? WHERE run = ? AND n = ?`, now, j.run, j.session); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	j.next = last
	return nil
}
