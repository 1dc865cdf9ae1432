package fleet

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivertype"

	"github.com/maker-go/maker"
)

// Cancel cancels the live chunk of run id (queued, waiting for a retry,
// or running) in the database at url. A running chunk is told through
// the queue: its worker cancels it, and the run's journal records it
// interrupted. It reports whether the run had a live chunk, and whether
// that chunk was running (false: the journal's record of the run is the
// caller's to end).
func Cancel(ctx context.Context, url, id string) (found, running bool, _ error) {
	pool, err := connect(ctx, url)
	if err != nil {
		return false, false, err
	}
	defer pool.Close()
	var job int64
	err = pool.QueryRow(ctx, `SELECT id FROM river_job WHERE kind = $1 AND args ->> 'run' = $2
		AND state IN ('available', 'pending', 'retryable', 'running', 'scheduled') ORDER BY id DESC LIMIT 1`,
		ChunkArgs{}.Kind(), id).Scan(&job)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, false, nil
	}
	if err != nil {
		return false, false, fmt.Errorf("fleet: cancel run %s: %w", id, err)
	}
	c, err := river.NewClient(riverpgxv5.New(pool), &river.Config{})
	if err != nil {
		return false, false, fmt.Errorf("fleet: %w", err)
	}
	row, err := c.JobCancel(ctx, job)
	if err != nil {
		return false, false, fmt.Errorf("fleet: cancel run %s: %w", id, err)
	}
	return true, row.State == rivertype.JobStateRunning, nil
}

// Interrupt records run id interrupted in the journal at url, as a run
// cancelled before a worker ran it, or before its chunk could record its
// end. The run's lock makes it wait for nobody: a run another live
// session holds is refused with an error wrapping [maker.ErrLocked].
func Interrupt(ctx context.Context, url, id string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	j, err := maker.OpenJournal(ctx, url, false)
	if err != nil {
		return err
	}
	defer j.Close()
	rec, _, err := j.Resume(ctx, id, maker.JournalOptions{})
	if err != nil {
		return err
	}
	return rec.Finish(nil, maker.StatusInterrupted)
}
