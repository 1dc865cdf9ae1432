package fleet

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/maker-go/maker/runs"
)

// DefaultQueue is the queue runs go to unless told otherwise.
const DefaultQueue = runs.DefaultQueue

// ChunkArgs is the job of one chunk of a run.
type ChunkArgs struct {
	// Run is the journaled run's id; it alone makes a job unique.
	Run string `json:"run" river:"unique"`
	// Trace is the run's trace context (W3C traceparent), carried from the
	// process that queued the run to each of its chunks in turn, so that a
	// fleet run is one trace; empty while tracing is off.
	Trace map[string]string `json:"trace,omitempty"`
}

// Kind implements [river.JobArgs].
func (ChunkArgs) Kind() string { return "maker_chunk" }

// InsertOpts implements [river.JobArgsWithInsertOpts]: one live chunk per
// run. A chunk that completes in the transaction that enqueues the next
// no longer counts, so the chain goes on; an enqueue of a run that already
// has a chunk waiting or running is skipped rather than forking the run.
func (ChunkArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		Queue:       DefaultQueue,
		MaxAttempts: maxAttempts,
		UniqueOpts: river.UniqueOpts{
			ByArgs: true,
			ByState: []rivertype.JobState{
				rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
				rivertype.JobStateRunning, rivertype.JobStateScheduled,
			},
		},
	}
}

// maxAttempts bounds the tries of one chunk that keeps failing (a
// database that is down, a run another process holds): with the retry
// policy's waits of at most a minute, 100 tries span more than an hour.
const maxAttempts = 100

// Enqueue inserts the first chunk of run id into queue ("" for
// [DefaultQueue]) within tx, the transaction that journals the run, so a
// run is never journaled as queued without its job, nor the reverse. It
// reports whether a job was inserted: false when the run already had one
// waiting or running.
func Enqueue(ctx context.Context, tx any, id, queue string) (bool, error) {
	ptx, ok := tx.(pgx.Tx)
	if !ok {
		return false, fmt.Errorf("fleet: runs are queued on PostgreSQL only, not in a %T", tx)
	}
	c, err := inserter()
	if err != nil {
		return false, err
	}
	res, err := c.InsertTx(ctx, ptx, ChunkArgs{Run: id, Trace: traceContext(ctx, id)}, &river.InsertOpts{Queue: orDefault(queue)})
	if err != nil {
		return false, fmt.Errorf("fleet: enqueue run %s: %w", id, err)
	}
	return !res.UniqueSkippedAsDuplicate, nil
}

// traceContext is the trace context the chunks of run id go on: a
// "maker.enqueue" span under ctx's, when tracing is on (nil otherwise).
func traceContext(ctx context.Context, id string) map[string]string {
	ctx, span := otel.Tracer("github.com/maker-go/maker/fleet").Start(ctx, "maker.enqueue",
		trace.WithAttributes(attribute.String("maker.run.id", id)))
	defer span.End()
	c := propagation.MapCarrier{}
	otel.GetTextMapPropagator().Inject(ctx, c)
	if len(c) == 0 {
		return nil
	}
	return c
}

func orDefault(queue string) string {
	if queue == "" {
		return DefaultQueue
	}
	return queue
}

// errNotPostgres is the error of a chunk whose journal is not on
// PostgreSQL.
var errNotPostgres = errors.New("fleet: the journal's transaction is not PostgreSQL's")
