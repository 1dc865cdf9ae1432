package fleet

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/pgtest"
	_ "github.com/maker-go/maker/postgres"
	"github.com/maker-go/maker/runs"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// dyingBuilder runs chunks of runs that need no model: its first chunk
// takes the run's lock, then loses its session's connection (as a worker
// whose machine died, or that a partition cut off, would) and hangs until
// its context ends, or, with early, hangs before it takes the lock (a
// worker that died as it took the chunk); every later chunk records the
// run done.
type dyingBuilder struct {
	url    string
	early  bool
	calls  atomic.Int32
	cut    chan time.Time // when the first chunk's connection was cut
	mu     sync.Mutex
	resume []error // each chunk's Resume
}

func (b *dyingBuilder) Run(ctx context.Context, job *runs.Job) error {
	n := b.calls.Add(1)
	if n == 1 && b.early {
		b.cut <- time.Now()
		<-ctx.Done()
		return ctx.Err()
	}
	j, err := maker.OpenJournal(ctx, b.url, false)
	if err != nil {
		return err
	}
	defer j.Close()
	rec, _, err := j.Resume(ctx, job.Resume, maker.JournalOptions{EndTx: job.Chunk.EndTx})
	b.mu.Lock()
	b.resume = append(b.resume, err)
	b.mu.Unlock()
	if err != nil {
		return err
	}
	if n == 1 {
		conn, err := pgx.Connect(ctx, b.url)
		if err != nil {
			return err
		}
		// The server ends every session that holds a run's lock: this
		// chunk's, the only one.
		_, err = conn.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 AND granted AND pid <> pg_backend_pid()`)
		conn.Close(context.Background())
		if err != nil {
			return err
		}
		b.cut <- time.Now()
		<-ctx.Done()
		return ctx.Err()
	}
	return rec.Finish(&maker.Summary{Done: true}, maker.StatusDone)
}

// queueRun journals a run as queued with its first chunk, as a task
// command does.
func queueRun(t *testing.T, url string) string {
	t.Helper()
	ctx := context.Background()
	j, err := maker.OpenJournal(ctx, url, false)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if err := Prepare(ctx, j); err != nil {
		t.Fatal(err)
	}
	var id string
	rec, err := j.Create(ctx, maker.NewRun{Kind: "test", Task: "t"}, maker.JournalOptions{EndTx: func(ctx context.Context, tx any, _ string) error {
		_, err := Enqueue(ctx, tx, id, "")
		return err
	}})
	if err != nil {
		t.Fatal(err)
	}
	id = rec.ID()
	if err := rec.Finish(nil, maker.StatusQueued); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestDeadChunkHandedOn: a chunk whose session's connection dies (so that
// PostgreSQL frees its run's lock) while its worker hangs on, or that never
// takes the lock, is handed on within 30 s with the default settings, long
// before River would rescue it: the run finishes on a chunk of its own,
// the dead one's job is retired, and no run ever had two sessions at once.
func TestDeadChunkHandedOn(t *testing.T) {
	for _, early := range []bool{false, true} {
		name := "after taking the lock"
		if early {
			name = "before taking the lock"
		}
		t.Run(name, func(t *testing.T) { testDeadChunkHandedOn(t, early) })
	}
}

func testDeadChunkHandedOn(t *testing.T, early bool) {
	url := pgtest.Database(t)
	id := queueRun(t, url)
	// The run's trace context, as a traced enqueue leaves it in the job:
	// the chunk that takes over must carry it on.
	const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	setTrace(t, url, id, traceparent)
	b := &dyingBuilder{url: url, early: early, cut: make(chan time.Time, 1)}
	w, err := Start(context.Background(), Config{URL: url, Runner: b, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		w.Stop(ctx)
	})
	var cut time.Time
	select {
	case cut = <-b.cut:
	case <-time.After(30 * time.Second):
		t.Fatal("the first chunk never started")
	}
	j, err := maker.OpenJournal(context.Background(), url, true)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	for {
		run, err := j.Run(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if run.Status == maker.StatusDone {
			t.Logf("run %s done %s after its chunk's worker died", id, time.Since(cut).Round(100*time.Millisecond))
			break
		}
		if time.Since(cut) > 30*time.Second {
			t.Fatalf("run %s still %s 30 s after its chunk's worker died (%d chunks started)", id, run.Status, b.calls.Load())
		}
		time.Sleep(100 * time.Millisecond)
	}
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var discarded, completed, live int
	var note string
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FILTER (WHERE state = 'discarded'), count(*) FILTER (WHERE state = 'completed'),
		count(*) FILTER (WHERE state NOT IN ('discarded', 'completed', 'cancelled')), coalesce(max(errors[1] ->> 'error') FILTER (WHERE state = 'discarded'), '')
		FROM river_job WHERE args ->> 'run' = $1`, id).Scan(&discarded, &completed, &live, &note); err != nil {
		t.Fatal(err)
	}
	if discarded != 1 || completed != 1 || live != 0 || note != handOnNote {
		t.Errorf("run %s's jobs: %d discarded (%q), %d completed, %d live; want the dead chunk's retired, one completed, none live", id, discarded, note, completed, live)
	}
	var traces []string
	rows, err := conn.Query(context.Background(), `SELECT coalesce(args -> 'trace' ->> 'traceparent', '') FROM river_job WHERE args ->> 'run' = $1 ORDER BY id`, id)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var tp string
		if err := rows.Scan(&tp); err != nil {
			t.Fatal(err)
		}
		traces = append(traces, tp)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for i, tp := range traces {
		if tp != traceparent {
			t.Errorf("run %s's chunk %d of %d carries trace %q, want the run's %q", id, i+1, len(traces), tp, traceparent)
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, err := range b.resume {
		if err != nil && !errors.Is(err, maker.ErrLocked) {
			t.Errorf("chunk %d: resume: %v", i+1, err)
		}
	}
}

// setTrace puts a trace context in the queued jobs of run id.
func setTrace(t *testing.T, url, id, traceparent string) {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), `UPDATE river_job SET args = jsonb_set(args, '{trace}', jsonb_build_object('traceparent', $2::text)) WHERE args ->> 'run' = $1`, id, traceparent); err != nil {
		t.Fatal(err)
	}
}
