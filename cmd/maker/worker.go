package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/fleet"
	"github.com/maker-go/maker/runs"
)

func newWorkerCmd() *cobra.Command {
	var (
		db    string
		cfg   fleet.Config
		drain time.Duration
	)
	cmd := &cobra.Command{
		Use:   "worker --db postgres://...",
		Short: "Work the runs queued on a PostgreSQL journal, as one of a fleet",
		Long: `Work the runs queued on a PostgreSQL journal (a task command or maker submit with
--db postgres://... queues them): any number of workers, on any machines, share
the runs. A worker takes a chunk of a run, decides up to --chunk-steps steps or
runs for --chunk-time, then commits them, completes its job and queues the run's
next chunk in one transaction. A worker that dies loses only the steps it was
voting: PostgreSQL frees its runs' locks as its connections end, and the other
workers, which look for such chunks every half of --dead-after, queue each run's
next chunk within seconds. --rescue-after is the last resort for a chunk that
holds its lock but never ends.

--rpm and --tpm of a run hold for the whole fleet: every worker paces the
provider's requests through the database.

SIGTERM or Ctrl-C drains: no new chunk starts and the running ones finish; after
--drain-timeout they are cancelled, their decided steps committed, and another
worker takes them. See docs/fleet.md.`,
		Example: `  maker worker --db postgres://maker:secret@db.internal/maker
  maker worker --db "$MAKER_DB" --concurrency 8 --queues maker,nightly`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if maker.JournalScheme(db) != "postgres" && maker.JournalScheme(db) != "postgresql" {
				return usageErr("--db: a worker needs a postgres:// URL (the fleet's journal and queue), got %q", maker.RedactLocation(db))
			}
			switch {
			case cfg.Concurrency < 1:
				return usageErr("--concurrency must be at least 1, got %d", cfg.Concurrency)
			case cfg.ChunkSteps < 1:
				return usageErr("--chunk-steps must be at least 1, got %d", cfg.ChunkSteps)
			case cfg.ChunkTime <= 0:
				return usageErr("--chunk-time must be positive, got %s", cfg.ChunkTime)
			case cfg.DeadAfter <= 0:
				return usageErr("--dead-after must be positive, got %s", cfg.DeadAfter)
			case cfg.RescueAfter <= cfg.ChunkTime:
				return usageErr("--rescue-after (%s) must exceed --chunk-time (%s) by the longest step", cfg.RescueAfter, cfg.ChunkTime)
			case drain < 0:
				return usageErr("--drain-timeout must not be negative, got %s", drain)
			}
			for _, q := range cfg.Queues {
				if q == "" {
					return usageErr("--queues: an empty queue name")
				}
			}
			log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelInfo}))
			ctx := cmd.Context()
			// The journal's pacer keeps every run's --rpm and --tpm for
			// the whole fleet.
			jdb, err := maker.OpenJournal(ctx, db, false)
			if err != nil {
				return err
			}
			defer jdb.Close()
			pj, ok := jdb.(interface{ Pacer() maker.Pacer })
			if !ok {
				return fmt.Errorf("the journal at %s keeps no fleet-wide limits", jdb.Location())
			}
			pacer := pj.Pacer()
			models := &runs.Models{}
			cfg.URL, cfg.Logger, cfg.Runner, cfg.Journal = db, log, &runs.Runner{Log: cmd.ErrOrStderr()}, jdb
			cfg.Prepare = func(j *runs.Job) { j.Models, j.Pacer = models, pacer }
			w, err := fleet.Start(ctx, cfg)
			if err != nil {
				return err
			}
			log.Info("working", "journal", maker.RedactLocation(db), "queues", cfg.Queues, "concurrency", cfg.Concurrency)
			<-ctx.Done()
			log.Info("draining")
			dctx, cancel := context.WithTimeout(context.Background(), drain)
			defer cancel()
			if err := w.Stop(dctx); err != nil {
				return err
			}
			log.Info("stopped")
			return nil
		},
	}
	fs := cmd.Flags()
	runs.RegisterDB(fs, &db)
	fs.IntVar(&cfg.Concurrency, "concurrency", 4, "chunks (so runs) worked at once, per queue")
	fs.StringSliceVar(&cfg.Queues, "queues", []string{fleet.DefaultQueue}, "queues to work")
	fs.IntVar(&cfg.ChunkSteps, "chunk-steps", fleet.DefaultChunkSteps, "most steps of one chunk")
	fs.DurationVar(&cfg.ChunkTime, "chunk-time", fleet.DefaultChunkTime, "most time of one chunk (no step starts after it; the steps being voted, speculated ones too, are decided and committed)")
	fs.DurationVar(&cfg.RescueAfter, "rescue-after", fleet.DefaultRescueAfter, "how long a chunk may run before it is taken for abandoned and given to another worker")
	fs.DurationVar(&cfg.DeadAfter, "dead-after", fleet.DefaultDeadAfter, "how long a chunk may run without its run's lock before its worker is taken for dead and the run handed on (checked every half of it)")
	fs.DurationVar(&drain, "drain-timeout", 5*time.Minute, "on SIGTERM, how long running chunks may take to finish before they are cancelled")
	return cmd
}
