package runs

import (
	"context"
	"fmt"

	"github.com/maker-go/maker"
)

// queued reports whether the run goes to a fleet's queue rather than
// running here: it is journaled on PostgreSQL, and neither --local nor a
// service (which runs its jobs itself) says otherwise.
func (e Execution[S]) queued() bool {
	jf := e.flags.journal
	s := maker.JournalScheme(jf.db)
	return (s == "postgres" || s == "postgresql") && !jf.noJournal && !jf.local && e.job == nil && e.From == nil && e.runner != nil && e.runner.Queue != nil
}

// enqueue queues the run (see queueRun) and says so.
func (e Execution[S]) enqueue(cmd session) error {
	f := e.flags
	id, location, err := e.queueRun(cmd)
	if err != nil {
		return err
	}
	if f.jsonOut {
		_, err = fmt.Fprintf(cmd.OutOrStdout(), "{\"run_id\":%q,\"status\":%q,\"queue\":%q}\n", id, maker.StatusQueued, f.journal.queue)
		return err
	}
	_, err = fmt.Fprintf(cmd.OutOrStdout(), "run %s queued on %s (queue %s): maker worker --db ... works it; maker show %s follows it\n",
		id, location, f.journal.queue, id)
	return err
}

// queueRun journals the run as queued (or, for a resume, queues the
// journaled run again) and queues its first chunk in the same transaction,
// for a worker to take: maker worker on any machine with the same --db.
// It returns the run's id and the journal's location.
func (e Execution[S]) queueRun(cmd session) (id, location string, _ error) {
	f := e.flags
	ctx := cmd.Context()
	switch {
	case f.journal.events != "":
		return "", "", usageErr("--events: a queued run is carried out by a worker, which writes no file here; follow it with maker show, or give --local")
	case f.report != "" && e.resume == "":
		return "", "", usageErr("--report: a queued run is carried out by a worker, which writes no file here; run maker report when it is done, or give --local")
	case f.journal.queue == "":
		return "", "", usageErr("--queue: an empty queue name")
	}
	if _, acts := any(e.Task).(maker.Executor[S]); acts {
		// A fleet moves a run between machines; a world of files,
		// programs and servers stays on one.
		return "", "", usageErr("task %s acts on the world, which stays on this machine while a fleet moves runs between machines: give --local to run it here", e.Task.Name())
	}
	keep, err := f.journal.keepPolicy()
	if err != nil {
		return "", "", err
	}
	db, err := openJournal(ctx, f.journal.db)
	if err != nil {
		return "", "", err
	}
	defer db.Close()
	q := e.runner.Queue
	if err := q.Prepare(ctx, db); err != nil {
		return "", "", err
	}
	opts := maker.JournalOptions{Keep: keep, EndTx: func(ctx context.Context, tx any, _ string) error {
		return q.Enqueue(ctx, tx, id, f.journal.queue)
	}}
	var rec maker.Recorder
	if e.resume != "" {
		run, err := db.Run(ctx, e.resume)
		if err != nil {
			return "", "", err
		}
		switch run.Status {
		case maker.StatusDone:
			return "", "", usageErr("run %s is done: nothing to resume", run.ID)
		case maker.StatusQueued:
			return "", "", usageErr("run %s is queued already: a worker will take it", run.ID)
		}
		id = run.ID
		if rec, _, err = db.Resume(ctx, id, opts); err != nil {
			return "", "", err
		}
	} else {
		k, _, err := f.resolveK(cmd, e.plannedOr())
		if err != nil {
			return "", "", err
		}
		nr, err := e.newRun(k, f.simulated())
		if err != nil {
			return "", "", err
		}
		if rec, err = db.Create(ctx, nr, opts); err != nil {
			return "", "", err
		}
		id = rec.ID()
	}
	if err := rec.Finish(nil, maker.StatusQueued); err != nil {
		return "", "", err
	}
	return id, db.Location(), nil
}

// plannedOr is the step count k is planned for: the task's, or its bound
// when the task's own is unknown.
func (e Execution[S]) plannedOr() int {
	if s := e.Task.Steps(); s > 0 || e.PlannedSteps <= 0 {
		return s
	}
	return e.PlannedSteps
}
