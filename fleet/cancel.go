package fleet

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/rivertype"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/pgerr"
)

// Cancel cancels the live chunk of run id (queued, waiting for a retry,
// or running) in journal j, the fleet's database, through j's own pool. A
// running chunk is told through the queue: its worker cancels it, and the
// run's journal records it interrupted. It reports whether the run had a
// live chunk, and whether that chunk was running (false: the journal's
// record of the run is the caller's to end).
func Cancel(ctx context.Context, j maker.Journal, id string) (found, running bool, _ error) {
	pool, err := poolOf(j)
	if err != nil {
		return false, false, err
	}
	c, err := inserter()
	if err != nil {
		return false, false, err
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		return false, false, fmt.Errorf("fleet: cancel run %s: %w", id, pgerr.Clean(err, pool.Config().ConnConfig.Password))
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	var job int64
	err = tx.QueryRow(ctx, `SELECT id FROM river_job WHERE kind = $1 AND args ->> 'run' = $2
		AND state IN ('available', 'pending', 'retryable', 'running', 'scheduled') ORDER BY id DESC LIMIT 1`,
		ChunkArgs{}.Kind(), id).Scan(&job)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, false, nil
	}
	if err == nil {
		var row *rivertype.JobRow
		if row, err = c.JobCancelTx(ctx, tx, job); err == nil {
			running = row.State == rivertype.JobStateRunning
			err = tx.Commit(ctx)
		}
	}
	if err != nil {
		return false, false, fmt.Errorf("fleet: cancel run %s: %w", id, pgerr.Clean(err, pool.Config().ConnConfig.Password))
	}
	return true, running, nil
}

// Interrupt records run id interrupted in journal j, as a run cancelled
// before a worker ran it, or before its chunk could record its end. The
// run's lock makes it wait for nobody: a run another live session holds
// is refused with an error wrapping [maker.ErrLocked].
func Interrupt(ctx context.Context, j maker.Journal, id string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	rec, _, err := j.Resume(ctx, id, maker.JournalOptions{})
	if err != nil {
		return err
	}
	return rec.Finish(nil, maker.StatusInterrupted)
}

// poolOf is the pool of a journal on PostgreSQL, which the queue shares.
func poolOf(j maker.Journal) (*pgxpool.Pool, error) {
	if p, ok := j.(interface{ Pool() *pgxpool.Pool }); ok {
		return p.Pool(), nil
	}
	return nil, fmt.Errorf("fleet: the journal at %s is not on PostgreSQL: a fleet needs one", j.Location())
}
