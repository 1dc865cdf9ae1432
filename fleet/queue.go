package fleet

import (
	"context"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/runs"
)

// Queue is the fleet's queue as a [runs.Runner] queues runs on it: a run
// journaled on PostgreSQL goes to the fleet's workers (maker worker).
type Queue struct{}

var _ runs.Queue = Queue{}

// Prepare implements [runs.Queue] (see [Prepare]).
func (Queue) Prepare(ctx context.Context, db maker.Journal) error { return Prepare(ctx, db) }

// Enqueue implements [runs.Queue] (see [Enqueue]).
func (Queue) Enqueue(ctx context.Context, tx any, run, queue string) error {
	_, err := Enqueue(ctx, tx, run, queue)
	return err
}

// Runs are a service's [runs.Fleet] on a PostgreSQL journal: its runs are
// queued for the fleet's workers (maker worker), which may run on other
// machines, rather than run in the service.
type Runs struct {
	// Runner queues the runs; its Queue must be set.
	Runner *runs.Runner
	// db is the service's journal, whose pool the queue shares; set by
	// Attach before the service takes requests.
	db maker.Journal
}

var _ runs.Fleet = (*Runs)(nil)

// Attach makes the service's journal db the queue's too, and brings the
// queue's tables up to date in it.
func (fr *Runs) Attach(ctx context.Context, db maker.Journal) error {
	fr.db = db
	return Prepare(ctx, db)
}

// Enqueue implements [runs.Fleet].
func (fr *Runs) Enqueue(ctx context.Context, job *runs.Job) (string, error) {
	return fr.Runner.Enqueue(ctx, job)
}

// Cancel implements [runs.Fleet]: a running chunk is cancelled by its
// worker, which records the run interrupted; a run that waits in the queue
// is recorded interrupted here.
func (fr *Runs) Cancel(ctx context.Context, id string) (bool, error) {
	found, running, err := Cancel(ctx, fr.db, id)
	if err != nil || !found || running {
		return found, err
	}
	return true, Interrupt(ctx, fr.db, id)
}
