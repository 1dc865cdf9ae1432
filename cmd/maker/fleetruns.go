package main

import (
	"context"
	"io"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/fleet"
	"github.com/maker-go/maker/runs"
)

// fleetRuns is the service's [runs.Fleet] on a PostgreSQL journal: its
// runs are queued for the fleet's workers (maker worker), which may run on
// other machines, rather than run in the service.
type fleetRuns struct {
	b runsBuilder
	// db is the service's journal, whose pool the queue shares; set by
	// attach before the service takes requests.
	db maker.Journal
}

var _ runs.Fleet = (*fleetRuns)(nil)

// attach makes the service's journal db the queue's too, and brings the
// queue's tables up to date in it.
func (fr *fleetRuns) attach(ctx context.Context, db maker.Journal) error {
	fr.db = db
	return fleet.Prepare(ctx, db)
}

// Enqueue implements [runs.Fleet] with the task commands' own queuing.
func (fr *fleetRuns) Enqueue(ctx context.Context, job *runs.Job) (string, error) {
	var (
		r   runnable
		err error
	)
	if job.Resume != "" {
		r, err = fr.b.resumed(ctx, job)
	} else {
		r, err = fr.b.described(job)
	}
	if err != nil {
		return "", err
	}
	return r.(jobRunnable).enqueueJob(newJobSession(ctx, io.Discard))
}

// Cancel implements [runs.Fleet]: a running chunk is cancelled by its
// worker, which records the run interrupted; a run that waits in the queue
// is recorded interrupted here.
func (fr *fleetRuns) Cancel(ctx context.Context, id string) (bool, error) {
	found, running, err := fleet.Cancel(ctx, fr.db, id)
	if err != nil || !found || running {
		return found, err
	}
	return true, fleet.Interrupt(ctx, fr.db, id)
}

// enqueueJob queues a service's run for the fleet.
func (e execution[S]) enqueueJob(cmd session) (string, error) {
	if err := e.flags.validate(); err != nil {
		return "", err
	}
	id, _, err := e.queueRun(cmd)
	return id, err
}

func (w worldExecution[S]) enqueueJob(cmd session) (string, error) { return w.e.enqueueJob(cmd) }
