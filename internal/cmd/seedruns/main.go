// Command seedruns fills a journal with finished runs, as a busy team's
// year of work leaves it, to measure the run list at that size;
// scripts/seed-runs.sh runs it and then times the list. The runs are
// written with the journal's own schema (opened through maker.OpenJournal)
// in one bulk transaction: a run and its one session each, no steps,
// spread over the past year, of several kinds, tasks, models and
// statuses.
//
// Usage: seedruns -db LOCATION [-n 100000] [-seed 1]
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/maker-go/maker"
	_ "github.com/maker-go/maker/postgres" // the journal backends
	_ "github.com/maker-go/maker/sqlite"
)

func main() {
	var (
		location = flag.String("db", "", "the journal to fill: a SQLite file path or a postgres:// URL")
		n        = flag.Int("n", 100000, "runs to add (1 to 10,000,000)")
		seed     = flag.Uint64("seed", 1, "seed of the runs' ids, kinds and times")
	)
	flag.Parse()
	if err := run(context.Background(), *location, *n, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "seedruns:", err)
		os.Exit(2)
	}
}

// A seeded run: its row of the runs table and its one session's.
type seeded struct {
	id, kind, task, model, status string
	steps, total                  int
	created, updated              int64
}

var (
	kinds    = []string{"hanoi", "hanoi", "hanoi", "cube", "sudoku", "taskfile", "scenario-deploy"}
	models   = []string{"sim", "sim", "gpt-4.1-mini", "claude-haiku-4-5", "gemini-2.5-flash"}
	statuses = []string{maker.StatusDone, maker.StatusDone, maker.StatusDone, maker.StatusDone, maker.StatusDone,
		maker.StatusDone, maker.StatusDone, maker.StatusDone, maker.StatusFailed, maker.StatusInterrupted,
		maker.StatusBudget, maker.StatusStopped}
)

func run(ctx context.Context, location string, n int, seed uint64) error {
	switch {
	case location == "":
		return errors.New("-db: give the journal's location")
	case n < 1 || n > 10_000_000:
		return fmt.Errorf("-n: want 1 to 10,000,000 runs, got %d", n)
	}
	j, err := maker.OpenJournal(ctx, location, false)
	if err != nil {
		return err
	}
	j.Close()
	rng := rand.New(rand.NewPCG(seed, 1))
	now := time.Now().UnixMilli()
	start := now - int64(365*24*time.Hour/time.Millisecond)
	used := map[string]bool{}
	runs := make([]seeded, n)
	for i := range runs {
		r := &runs[i]
		for r.id == "" || used[r.id] {
			r.id = fmt.Sprintf("%08x", rng.Uint32())
		}
		used[r.id] = true
		r.kind = kinds[rng.IntN(len(kinds))]
		disks := 4 + rng.IntN(12)
		r.task = fmt.Sprintf("%s-%d", r.kind, disks)
		r.model = models[rng.IntN(len(models))]
		r.status = statuses[rng.IntN(len(statuses))]
		r.total = 1<<disks - 1
		r.steps = r.total
		if r.status != maker.StatusDone {
			r.steps = rng.IntN(r.total)
		}
		// Ascending in creation, as a journal fills.
		r.created = start + int64(i)*(now-start)/int64(n)
		r.updated = r.created + int64(r.total)
	}
	if maker.JournalScheme(location) == "postgres" || maker.JournalScheme(location) == "postgresql" {
		err = seedPostgres(ctx, location, runs)
	} else {
		err = seedSQLite(ctx, location, runs)
	}
	if err != nil {
		return err
	}
	fmt.Printf("seeded %d finished runs into %s\n", n, maker.RedactLocation(location))
	return nil
}

func seedSQLite(ctx context.Context, location string, runs []seeded) error {
	path := location
	for _, p := range []string{"sqlite://", "sqlite:", "file://", "file:"} {
		if strings.HasPrefix(location, p) {
			path = location[len(p):]
			break
		}
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return err
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	insRun, err := tx.PrepareContext(ctx, `INSERT INTO runs (id, kind, task, params, model, simulated, config, version, keep, status, steps, total_steps, created_at, updated_at)
		VALUES (?, ?, ?, '{}', ?, ?, '{"k":3}', 'seed', 'flagged', ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	insSession, err := tx.PrepareContext(ctx, `INSERT INTO sessions (run, n, start_step, status, started_at, updated_at) VALUES (?, 0, 0, ?, ?, ?)`)
	if err != nil {
		return err
	}
	for _, r := range runs {
		res, err := insRun.ExecContext(ctx, r.id, r.kind, r.task, r.model, r.model == "sim", r.status, r.steps, r.total, r.created, r.updated)
		if err != nil {
			return fmt.Errorf("run %s: %w", r.id, err)
		}
		seq, err := res.LastInsertId()
		if err != nil {
			return err
		}
		if _, err := insSession.ExecContext(ctx, seq, r.status, r.created, r.updated); err != nil {
			return fmt.Errorf("run %s: %w", r.id, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, `ANALYZE`)
	return err
}

func seedPostgres(ctx context.Context, location string, runs []seeded) error {
	conn, err := pgx.Connect(ctx, location)
	if err != nil {
		return errors.New(strings.ReplaceAll(err.Error(), location, maker.RedactLocation(location)))
	}
	defer conn.Close(ctx)
	tx, err := conn.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	var first int64
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(seq), 0) FROM runs`).Scan(&first); err != nil {
		return err
	}
	rows := make([][]any, len(runs))
	for i, r := range runs {
		rows[i] = []any{r.id, r.kind, r.task, "{}", r.model, r.model == "sim", `{"k":3}`, "seed", "flagged", r.status, r.steps, r.total, r.created, r.updated}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"runs"}, []string{"id", "kind", "task", "params", "model", "simulated", "config", "version", "keep", "status", "steps", "total_steps", "created_at", "updated_at"},
		pgx.CopyFromRows(rows)); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO sessions (run, n, start_step, status, started_at, updated_at)
		SELECT seq, 0, 0, status, created_at, updated_at FROM runs WHERE seq > $1`, first); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return err
	}
	_, err = conn.Exec(ctx, `VACUUM ANALYZE runs`)
	return err
}
