package fleet

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/maker-go/maker/internal/pgerr"
	"github.com/maker-go/maker/postgres"
)

// DefaultDeadAfter is how long a chunk may run without holding its run's
// lock before another worker takes its worker for dead: time enough for a
// chunk to open the journal and take the lock on a busy machine, and with
// the check every half of it, a run is handed on within 15 s of its
// worker's death (and of its connection's, about 25 s after a machine goes
// silent: see postgres' session keepalive), inside half a minute.
const DefaultDeadAfter = 10 * time.Second

// handOnNote is the error recorded on a chunk's job that was handed on.
const handOnNote = "its worker died: the run's lock was free while the chunk ran; the run's next chunk was queued"

// watch hands on, every half of DeadAfter (with a little jitter, so that
// workers started together spread their checks), the runs whose chunk's
// worker died, until ctx ends.
func (w *Worker) watch(ctx context.Context) {
	defer close(w.watched)
	every := w.cfg.DeadAfter / 2
	for {
		wait := every + time.Duration(rand.Int64N(int64(every/4)+1))
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		n, err := w.handOn(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			w.cfg.Logger.Warn("looking for chunks whose worker died", "err", err)
		case n > 0:
			w.cfg.Logger.Info("handed on runs whose worker died", "runs", n)
		}
	}
}

// handOn finds the chunks that River has running for longer than
// DeadAfter while no session holds their run's lock, and in one
// transaction retires each one's job and queues its run's next chunk, as
// the chunk's own end would have. It returns how many runs it handed on.
//
// A live chunk holds its run's lock from shortly after it starts until
// the transaction that completes its job has committed, and PostgreSQL
// frees the lock the moment its session's connection ends. The check
// takes the lock itself for the transaction (postgres.ClaimAbandonedTx),
// so no session can resume the run in between; a worker that was slow
// rather than dead finds its job retired and records no end (see
// chunkWorker.Work), while the run's lock keeps its steps and the next
// chunk's apart. Jobs a user cancelled are left to their worker, and rows
// other workers are checking are skipped.
func (w *Worker) handOn(ctx context.Context) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	tx, err := w.pool.Begin(ctx)
	if err != nil {
		return 0, w.clean(err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	rows, err := tx.Query(ctx, `SELECT id, args ->> 'run', queue, attempt, coalesce(args -> 'trace', 'null') FROM river_job
		WHERE kind = $1 AND state = 'running' AND attempted_at < now() - make_interval(secs => $2)
		AND NOT metadata ? 'cancel_attempted_at'
		ORDER BY id FOR UPDATE SKIP LOCKED`, ChunkArgs{}.Kind(), w.cfg.DeadAfter.Seconds())
	if err != nil {
		return 0, w.clean(err)
	}
	type stuck struct {
		job        int64
		run, queue string
		attempt    int
		// trace is the run's trace context, handed on with the run so its
		// next chunks stay in the run's trace.
		trace map[string]string
	}
	var found []stuck
	for rows.Next() {
		var s stuck
		var trace []byte
		if err := rows.Scan(&s.job, &s.run, &s.queue, &s.attempt, &trace); err != nil {
			rows.Close()
			return 0, w.clean(err)
		}
		_ = json.Unmarshal(trace, &s.trace) // a chunk without one starts its own trace
		found = append(found, s)
	}
	if err := rows.Err(); err != nil {
		return 0, w.clean(err)
	}
	c, err := inserter()
	if err != nil {
		return 0, err
	}
	handed := 0
	for _, s := range found {
		free, err := postgres.ClaimAbandonedTx(ctx, tx, s.run)
		if err != nil {
			return 0, w.clean(err)
		}
		if !free {
			continue
		}
		note, err := json.Marshal(rivertype.AttemptError{At: time.Now().UTC(), Attempt: s.attempt, Error: handOnNote})
		if err != nil {
			return 0, err
		}
		if _, err := tx.Exec(ctx, `UPDATE river_job SET state = 'discarded', finalized_at = now(), errors = array_append(errors, $2::jsonb)
			WHERE id = $1 AND state = 'running'`, s.job, note); err != nil {
			return 0, w.clean(fmt.Errorf("retire chunk %d of run %s: %w", s.job, s.run, err))
		}
		if _, err := c.InsertTx(ctx, tx, ChunkArgs{Run: s.run, Trace: s.trace}, &river.InsertOpts{Queue: s.queue}); err != nil {
			return 0, w.clean(fmt.Errorf("queue run %s's next chunk: %w", s.run, err))
		}
		w.cfg.Logger.Info("run handed on: its chunk's worker died", "run", s.run, "job", s.job)
		handed++
	}
	if handed == 0 {
		return 0, nil
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, w.clean(err)
	}
	return handed, nil
}

// clean wraps err as the fleet's, with the password cut out.
func (w *Worker) clean(err error) error {
	return fmt.Errorf("fleet: %w", pgerr.Clean(err, w.pool.Config().ConnConfig.Password))
}
