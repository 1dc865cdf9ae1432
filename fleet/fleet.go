package fleet

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/pgerr"
	"github.com/maker-go/maker/runs"
)

// Defaults of a worker's chunks: long enough that the transaction at the
// end of a chunk is a small part of its work, short enough that the run
// moves between workers (and a drain finishes) within minutes.
const (
	DefaultChunkSteps  = 1000
	DefaultChunkTime   = 2 * time.Minute
	DefaultRescueAfter = 10 * time.Minute
)

// Config configures a [Worker].
type Config struct {
	// URL is the PostgreSQL database of the journal and the queue.
	URL string
	// Queues are the queues worked, each with Concurrency chunks at once
	// (default: [DefaultQueue]).
	Queues []string
	// Concurrency is the most chunks (so runs) a queue works at once
	// (default 4).
	Concurrency int
	// ChunkSteps and ChunkTime end a chunk: after this many decided steps
	// or this long, whichever comes first (defaults [DefaultChunkSteps],
	// [DefaultChunkTime]).
	ChunkSteps int
	ChunkTime  time.Duration
	// RescueAfter is how long a chunk may run before River takes it for
	// abandoned (its worker died) and gives it to another worker (default
	// [DefaultRescueAfter]); it must exceed ChunkTime by the longest step.
	// A chunk still running halfway between ChunkTime and RescueAfter is
	// cancelled: its decided steps stay committed and it is retried.
	RescueAfter time.Duration
	// DeadAfter is how long a chunk may run without holding its run's
	// lock before the workers take its worker for dead and queue the run's
	// next chunk (default [DefaultDeadAfter]); they check every half of
	// it. A chunk takes the lock within moments of starting and holds it
	// to its end, and PostgreSQL frees it when the chunk's connection
	// ends, so a worker killed, or a machine lost, is noticed within
	// seconds rather than after RescueAfter.
	DeadAfter time.Duration
	// Runner runs a chunk: it resumes the run a [runs.Job] names, bounded
	// by the job's Chunk (a [*runs.Runner]).
	Runner ChunkRunner
	// Journal, when set, is the journal at URL, open already: the worker
	// records in it the runs cancelled before their chunk could, rather
	// than open a pool of its own. The caller closes it after Stop.
	Journal maker.Journal
	// Prepare, when set, completes every job before it runs (the models
	// the worker's runs share, a pacer).
	Prepare func(*runs.Job)
	// Logger receives what the worker does (default slog.Default).
	Logger *slog.Logger
}

// ChunkRunner runs a chunk of a run: [*runs.Runner] is the one a worker
// uses; tests give a stand-in that dies part way.
type ChunkRunner interface {
	Run(ctx context.Context, job *runs.Job) error
}

func (c Config) withDefaults() (Config, error) {
	if len(c.Queues) == 0 {
		c.Queues = []string{DefaultQueue}
	}
	if c.Concurrency == 0 {
		c.Concurrency = 4
	}
	if c.ChunkSteps == 0 {
		c.ChunkSteps = DefaultChunkSteps
	}
	if c.ChunkTime == 0 {
		c.ChunkTime = DefaultChunkTime
	}
	if c.RescueAfter == 0 {
		c.RescueAfter = max(DefaultRescueAfter, 2*c.ChunkTime)
	}
	if c.DeadAfter == 0 {
		c.DeadAfter = DefaultDeadAfter
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	switch {
	case c.Runner == nil:
		return c, errors.New("fleet: no runner")
	case c.Concurrency < 1:
		return c, fmt.Errorf("fleet: concurrency must be at least 1, got %d", c.Concurrency)
	case c.ChunkSteps < 1:
		return c, fmt.Errorf("fleet: chunk steps must be at least 1, got %d", c.ChunkSteps)
	case c.ChunkTime < 0:
		return c, fmt.Errorf("fleet: chunk time must not be negative, got %s", c.ChunkTime)
	case c.DeadAfter < 0:
		return c, fmt.Errorf("fleet: the dead-worker time must not be negative, got %s", c.DeadAfter)
	case c.RescueAfter <= c.ChunkTime:
		return c, fmt.Errorf("fleet: the rescue time (%s) must exceed the chunk time (%s)", c.RescueAfter, c.ChunkTime)
	}
	for _, q := range c.Queues {
		if q == "" {
			return c, errors.New("fleet: an empty queue name")
		}
	}
	return c, nil
}

// Worker works the chunks of runs.
type Worker struct {
	// pool is the queue's; journal records the runs cancelled before
	// their chunk could.
	journal    maker.Journal
	ownJournal bool
	pool       *pgxpool.Pool
	client     *river.Client[pgx.Tx]
	cfg        Config
	// stopWatch ends watch, which closes watched.
	stopWatch context.CancelFunc
	watched   chan struct{}
}

// Start connects to the database, brings the queue's tables up to date
// and starts working chunks until [Worker.Stop].
func Start(ctx context.Context, cfg Config) (*Worker, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	pool, err := connect(ctx, cfg.URL)
	if err != nil {
		return nil, err
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	j, ownJournal := cfg.Journal, cfg.Journal == nil
	if ownJournal {
		if j, err = maker.OpenJournal(ctx, cfg.URL, false); err != nil {
			pool.Close()
			return nil, err
		}
	}
	w := &Worker{journal: j, ownJournal: ownJournal, pool: pool, cfg: cfg}
	workers := river.NewWorkers()
	river.AddWorker(workers, &chunkWorker{w: w})
	queues := map[string]river.QueueConfig{}
	for _, q := range cfg.Queues {
		queues[q] = river.QueueConfig{MaxWorkers: cfg.Concurrency}
	}
	w.client, err = river.NewClient(riverpgxv5.New(pool), &river.Config{
		Queues:               queues,
		Workers:              workers,
		JobTimeout:           cfg.ChunkTime + (cfg.RescueAfter-cfg.ChunkTime)/2,
		RescueStuckJobsAfter: cfg.RescueAfter,
		FetchCooldown:        20 * time.Millisecond,
		FetchPollInterval:    500 * time.Millisecond,
		MaxAttempts:          maxAttempts,
		RetryPolicy:          retryPolicy{},
		Logger:               cfg.Logger.With("component", "queue"),
	})
	if err != nil {
		pool.Close()
		w.closeJournal()
		return nil, fmt.Errorf("fleet: %w", err)
	}
	if err := w.client.Start(context.WithoutCancel(ctx)); err != nil {
		pool.Close()
		w.closeJournal()
		return nil, fmt.Errorf("fleet: start: %w", err)
	}
	var wctx context.Context
	wctx, w.stopWatch = context.WithCancel(context.WithoutCancel(ctx))
	w.watched = make(chan struct{})
	go w.watch(wctx)
	return w, nil
}

// Stop drains: no chunk starts any more, and the running ones finish (each
// commits its steps and enqueues its run's next chunk, which another
// worker takes). When ctx ends first, the running chunks are cancelled:
// their decided steps are committed and their jobs retried elsewhere.
func (w *Worker) Stop(ctx context.Context) error {
	w.stopWatch()
	<-w.watched
	err := w.client.Stop(ctx)
	if err != nil {
		hard, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		err = w.client.StopAndCancel(hard)
	}
	w.pool.Close()
	return errors.Join(err, w.closeJournal())
}

// closeJournal closes the journal the worker opened itself.
func (w *Worker) closeJournal() error {
	if !w.ownJournal {
		return nil
	}
	return w.journal.Close()
}

// chunkWorker is River's worker of [ChunkArgs].
type chunkWorker struct {
	river.WorkerDefaults[ChunkArgs]
	w *Worker
}

// Work resumes the run for one chunk. The journal's EndTx completes this
// job and, when the run goes on, enqueues its next chunk, in the
// transaction that commits the chunk's end.
func (cw *chunkWorker) Work(ctx context.Context, job *river.Job[ChunkArgs]) error {
	cfg := cw.w.cfg
	log := cfg.Logger.With("run", job.Args.Run, "attempt", job.Attempt)
	var ending bool // EndTx ran: the end's transaction may have committed
	endTx := func(_ context.Context, tx any, status string) error {
		ptx, ok := tx.(pgx.Tx)
		if !ok {
			return errNotPostgres
		}
		// The client River puts in the work context, without its
		// cancellation: a chunk that ends because its context did still
		// records its end.
		jctx := context.WithoutCancel(ctx)
		row, err := river.JobCompleteTx[*riverpgxv5.Driver](jctx, ptx, job)
		if err != nil {
			return fmt.Errorf("fleet: complete chunk: %w", err)
		}
		if row.State != rivertype.JobStateCompleted {
			// Another worker took this one for dead and queued the
			// run's next chunk: that chunk goes on from the last
			// committed step, and this end is not recorded.
			return fmt.Errorf("fleet: the chunk was handed on (its job is %s)", row.State)
		}
		if status == maker.StatusQueued {
			c := river.ClientFromContext[pgx.Tx](ctx)
			if _, err := c.InsertTx(jctx, ptx, ChunkArgs{Run: job.Args.Run, Trace: job.Args.Trace}, &river.InsertOpts{Queue: job.Queue}); err != nil {
				return fmt.Errorf("fleet: enqueue the next chunk: %w", err)
			}
		}
		ending = true
		return nil
	}
	rj := &runs.Job{
		Resume: job.Args.Run,
		DB:     cfg.URL,
		Chunk:  &runs.Chunk{Steps: cfg.ChunkSteps, Time: cfg.ChunkTime, EndTx: endTx},
		// Cancelled by a stopping worker or the job's timeout, the run
		// stays running in the journal and its job is retried; cancelled
		// by a user (River's job cancel), it ends interrupted.
		Draining: func() bool {
			return ctx.Err() != nil && !errors.Is(context.Cause(ctx), river.ErrJobCancelledRemotely)
		},
	}
	if cfg.Prepare != nil {
		cfg.Prepare(rj)
	}
	start := time.Now()
	// The chunk's spans join the run's trace.
	err := cfg.Runner.Run(otel.GetTextMapPropagator().Extract(ctx, propagation.MapCarrier(job.Args.Trace)), rj)
	if ending {
		// The transaction that ran EndTx may have failed to commit (the
		// database went away): only the job's state in the database
		// says whether this chunk is complete and the next one queued.
		// A chunk that is not returns an error, so River retries or
		// rescues it; River keeps a completion that did commit.
		state, cerr := cw.w.jobState(ctx, job.ID)
		if state == rivertype.JobStateCompleted {
			log.Debug("chunk done", "took", time.Since(start).Round(time.Millisecond))
			return nil
		}
		err = errors.Join(errors.New("the chunk's end was not committed"), err, cerr)
	}
	if state, _ := cw.w.jobState(ctx, job.ID); state != "" && state != rivertype.JobStateRunning && state != rivertype.JobStateCompleted {
		// Handed on while this worker was too slow to take the run's
		// lock: the run's next chunk is another job.
		log.Info("chunk was handed on", "state", state, "err", err)
		return nil
	}
	switch {
	case errors.Is(context.Cause(ctx), river.ErrJobCancelledRemotely):
		// Cancelled before the chunk could record its end (while it
		// resumed the run): record the run interrupted here.
		if ierr := Interrupt(context.WithoutCancel(ctx), cw.w.journal, job.Args.Run); ierr != nil {
			log.Warn("cancelled run not recorded interrupted", "err", ierr)
		}
		return river.JobCancel(err)
	case errors.Is(err, runs.ErrInvalid), errors.Is(err, maker.ErrNoRun), errors.Is(err, maker.ErrInconsistent):
		// Retrying cannot help: the run cannot be resumed by this maker.
		log.Warn("run cannot go on", "err", err)
		return river.JobCancel(err)
	case err == nil:
		err = errors.New("the chunk ended without recording its end")
	}
	log.Info("chunk will be retried", "err", err)
	return err
}

// jobState is the state of job id in the database ("" when it cannot be
// read).
func (w *Worker) jobState(ctx context.Context, id int64) (rivertype.JobState, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	var state string
	if err := w.pool.QueryRow(ctx, `SELECT state FROM river_job WHERE id = $1`, id).Scan(&state); err != nil {
		return "", fmt.Errorf("fleet: the chunk's job: %w", pgerr.Clean(err, w.pool.Config().ConnConfig.Password))
	}
	return rivertype.JobState(state), nil
}

// connect opens a pool on the database at url, with the password cut from
// any error.
func connect(ctx context.Context, url string) (*pgxpool.Pool, error) {
	location := maker.RedactLocation(url)
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("fleet: %s: not a valid PostgreSQL URL", location)
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = "maker worker"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err == nil {
		err = pool.Ping(ctx)
	}
	if err != nil {
		if pool != nil {
			pool.Close()
		}
		return nil, fmt.Errorf("fleet: open %s: %w", location, pgerr.Clean(err, cfg.ConnConfig.Password))
	}
	return pool, nil
}

// migrateLock is the advisory lock held while River's tables are
// migrated, so that workers starting together migrate once.
const migrateLock = 0x6d6b7251 // "mkrQ"

// migrate brings River's tables up to date, each of its migrations in a
// transaction of its own (some cannot share one), under an advisory lock
// held on a connection of its own.
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	m, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return fmt.Errorf("fleet: migrate: %w", err)
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("fleet: migrate: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, int64(migrateLock)); err != nil {
		return fmt.Errorf("fleet: migrate: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, int64(migrateLock))
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("fleet: migrate the queue's tables: %w", err)
	}
	return nil
}

// Prepare brings the queue's tables in journal j's database up to date,
// through j's own pool: a program that enqueues runs calls it once before.
func Prepare(ctx context.Context, j maker.Journal) error {
	pool, err := poolOf(j)
	if err != nil {
		return err
	}
	return migrate(ctx, pool)
}

// inserter is the client that enqueues from a transaction of the
// journal's: it holds no pool and works no job.
var inserter = sync.OnceValues(func() (*river.Client[pgx.Tx], error) {
	c, err := river.NewClient(riverpgxv5.New(nil), &river.Config{})
	if err != nil {
		return nil, fmt.Errorf("fleet: %w", err)
	}
	return c, nil
})

// retryPolicy waits 2, 4, 8 ... seconds before a chunk's next try, at
// most a minute: a chunk fails for reasons that pass (a database restart,
// a run whose lock a dying session still held), and a run must not sit
// idle for hours behind River's default backoff. A little jitter keeps
// many chunks that failed together from retrying together.
type retryPolicy struct{}

func (retryPolicy) NextRetry(job *rivertype.JobRow) time.Time {
	wait := min(time.Duration(1)<<min(job.Attempt, 6)*time.Second, time.Minute)
	wait += time.Duration(rand.Int64N(int64(wait / 4)))
	return time.Now().Add(wait)
}
