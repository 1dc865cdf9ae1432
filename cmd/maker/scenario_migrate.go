package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/scenario/migrate"
)

func init() { openKind("scenario-migrate", worldOpener(migrateExecution)) }

func newScenarioMigrateCmd() *cobra.Command {
	var (
		f      runFlags
		src    instanceFlags
		failAt string
		dbFile string
		resume bool
		keep   int
	)
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Migrate a real SQLite database through a 16-step plan, one voted decision per step",
		Long: `Create a SQLite database of customers and orders and migrate it through a fixed plan of
sixteen schema and data changes (new tables, filled columns, table rebuilds with foreign
keys, indexes). Each step the model decides the next action from the plan and the state
the database reports: back up before a risky change (VACUUM INTO), enter or leave
maintenance around table rebuilds, apply a migration, validate it, restore the last
backup when a validation fails, and finally verify that row counts and checksums match
the data before the migration.

The migration records every step in its own progress table inside the file; --resume
continues a run that was killed from there. --size is the number of rows; --fail-at
makes a risky migration lose a row on purpose, to see the rollback. Backups are full
copies of the file (NAME.bak-NN beside it); --keep-backups says how many of the most
recent stay (default 2; 0 keeps all).

Exit status: 0 success, 1 a wrong or undecided step, 2 bad usage, 3 budget reached.`,
		Example: `  maker scenario migrate
  maker scenario migrate --db-file shop.db --size 1500000
  maker scenario migrate --db-file shop.db --resume
  maker scenario migrate --fail-at M08 --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			var task *migrate.Task
			var from *maker.Checkpoint[migrate.State]
			var err error
			var params migrateParams
			if keep < 0 {
				return usageErr("--keep-backups must be 0 (keep every backup) or more, got %d", keep)
			}
			switch {
			case resume:
				if dbFile == "" {
					return usageErr("--resume needs --db-file")
				}
				for _, name := range []string{"instance", "size", "instance-seed", "save-instance", "write-instance", "fail-at"} {
					if cmd.Flags().Changed(name) {
						return usageErr("--resume continues the database's own plan: drop --%s", name)
					}
				}
				if task, err = migrate.Open(ctx, dbFile); err != nil {
					return usageErr("%v", err)
				}
				cp, err := task.Checkpoint(ctx)
				if err != nil {
					task.Close()
					return usageErr("%v", err)
				}
				from = &cp
				if !f.jsonOut {
					fmt.Fprintf(cmd.ErrOrStderr(), "resuming %s after step %d (%s)\n", dbFile, cp.Step, cp.Prev)
				}
			default:
				in, err := scenarioInstance(cmd, &src, migrate.Load, migrate.Generate)
				if err != nil {
					return err
				}
				if failAt != "" {
					in.FailAt = failAt
					if err := in.Validate(); err != nil {
						return usageErr("%v", err)
					}
				}
				if stop, err := src.saveInstance(cmd, in, fmt.Sprintf("%d rows", in.Rows)); stop {
					return err
				}
				path := dbFile
				if path == "" {
					dir, err := os.MkdirTemp("", tempPrefix)
					if err != nil {
						return err
					}
					defer os.RemoveAll(dir)
					path = filepath.Join(dir, "shop.db")
					params.Temporary = true
				} else if _, err := os.Stat(path); err == nil {
					return usageErr("%s already exists: give --resume to continue its migration, or remove it", path)
				} else if !errors.Is(err, os.ErrNotExist) {
					return usageErr("%v", err)
				}
				if task, err = migrate.Create(ctx, path, in); err != nil {
					return usageErr("%v", err)
				}
				if params.DBFile, err = filepath.Abs(path); err != nil {
					task.Close()
					return err
				}
				params.FileID, params.Instance = task.ID(), task.Instance()
			}
			defer task.Close()
			params.KeepBackups = keep
			e, err := migrateRun(ctx, task, params)
			if err != nil {
				return err
			}
			e.flags, e.from = &f, from
			return e.execute(cmd)
		},
	}
	src.register(cmd.Flags(), migrate.DefaultRows, fmt.Sprintf("rows in the generated database (%d to %d; large: %d)", migrate.MinRows, migrate.MaxRows, migrate.LargeRows), "instance")
	cmd.Flags().StringVar(&failAt, "fail-at", "", "make this risky migration lose a row on purpose (e.g. M08)")
	cmd.Flags().StringVar(&dbFile, "db-file", "", "the SQLite file to create and migrate (default: a temporary file)")
	cmd.Flags().BoolVar(&resume, "resume", false, "continue the migration recorded in --db-file")
	cmd.Flags().IntVar(&keep, "keep-backups", migrate.DefaultKeepBackups, "how many of the most recent backups to keep beside the database (0: all)")
	f.register(cmd.Flags())
	return cmd
}

// tempPrefix begins the name of the directory of a database migrated
// without --db-file.
const tempPrefix = "maker-migrate-"

// migrateParams are what the journal keeps to resume a migration: the
// database file (its absolute path and the id [migrate.Create] gave it, so
// that another file made at the same path is not taken for it), its
// instance and --keep-backups. Temporary is set for a file made without
// --db-file: its directory is removed when the run ends (a resumed run:
// when it succeeds).
type migrateParams struct {
	DBFile      string           `json:"db_file"`
	FileID      string           `json:"file_id"`
	Instance    migrate.Instance `json:"instance"`
	KeepBackups int              `json:"keep_backups"`
	Temporary   bool             `json:"temporary,omitempty"`
}

// migrateExecution reopens the database file of a journaled migration to
// resume it. The database is the world and outlives the process, so
// nothing is replayed: the run continues from the file as it is, which
// must be at or after the journal's checkpoint (see migrateAtCheckpoint).
func migrateExecution(p migrateParams) (execution[migrate.State], func(error) error, error) {
	var none execution[migrate.State]
	ctx := context.Background()
	if p.DBFile == "" && p.FileID == "" && p.Temporary {
		// A new run a client asked for (package tasks): its database is
		// a temporary file, as with no --db-file.
		created, err := createTemporary(ctx, p)
		if err != nil {
			return none, nil, err
		}
		p = created
	}
	if p.DBFile == "" {
		return none, nil, usageErr("the journal does not name the run's database file (an older maker ran it): continue it with maker scenario migrate --db-file FILE --resume")
	}
	task, err := migrate.Open(ctx, p.DBFile)
	if errors.Is(err, os.ErrNotExist) {
		gone := "it was removed"
		if p.Temporary {
			gone = "the run had no --db-file, and its temporary file is removed when a run ends"
		}
		return none, nil, usageErr("the database %s is gone (%s): start the migration again", p.DBFile, gone)
	}
	if err != nil {
		return none, nil, usageErr("%v", err)
	}
	if task.ID() != p.FileID || task.Instance() != p.Instance {
		task.Close()
		return none, nil, usageErr("%s is not the database this run migrated: it was made again since (by another run?)", p.DBFile)
	}
	e, err := migrateRun(ctx, task, p)
	if err != nil {
		task.Close()
		return none, nil, err
	}
	e.atCheckpoint = migrateAtCheckpoint(task)
	end := func(err error) error {
		task.Close()
		// A temporary database goes once the migration is through; a
		// resume that was refused or stopped keeps it to be resumed again.
		if dir := filepath.Dir(p.DBFile); err == nil && p.Temporary && strings.HasPrefix(filepath.Base(dir), tempPrefix) {
			os.RemoveAll(dir)
		}
		return err
	}
	return e, end, nil
}

// migrateAtCheckpoint checks that the database can continue the journaled
// run from its checkpoint: the file must have recorded that step, in the
// state the journal holds. It may be further on (steps it carried out that
// the journal had not committed when the process stopped); those steps
// are decided again, and the database reports what it did instead of
// doing it twice (see migrate.Task.Execute).
func migrateAtCheckpoint(task *migrate.Task) func(ctx context.Context, jr *journaling, from maker.Checkpoint[migrate.State]) error {
	return func(ctx context.Context, jr *journaling, from maker.Checkpoint[migrate.State]) error {
		s, _, err := task.Recorded(ctx, from.Step)
		if err != nil {
			return usageErr("run %s cannot be resumed: the journal is at step %d but %s is behind it (restored from an older copy?): %v", jr.id, from.Step, task.Path(), err)
		}
		if err := runs.SameState(s, runs.StateJSON(from.State)); err != nil {
			return usageErr("run %s cannot be resumed: %s after step %d is not where the journal left it: %v", jr.id, task.Path(), from.Step, err)
		}
		return nil
	}
}

// migrateRun is the execution of a migration of task's database.
func migrateRun(ctx context.Context, task *migrate.Task, p migrateParams) (execution[migrate.State], error) {
	if err := task.KeepBackups(p.KeepBackups); err != nil {
		return execution[migrate.State]{}, usageErr("--keep-backups: %v", err)
	}
	return execution[migrate.State]{
		task:   task,
		oracle: task,
		kind:   "scenario-migrate",
		params: p,
		facts: func(res *maker.Result[migrate.State]) []fact {
			s, in := res.State, task.Instance()
			facts := []fact{
				{key: "rows", value: in.Rows},
				{key: "db_file", label: "database", value: task.Path(), text: fmt.Sprintf("%s (%d rows)", task.Path(), in.Rows)},
				{key: "applied", label: "applied", value: len(s.Applied), text: fmt.Sprintf("%d of %d migrations (halted %v)", len(s.Applied), len(migrate.Plan), s.Halted)},
				{key: "halted", value: s.Halted},
				{key: "verified", label: "verified", value: s.Verified},
				{key: "downtime_ms", label: "downtime", value: s.DowntimeMS, text: fmt.Sprintf("%d ms of %d ms", s.DowntimeMS, in.DowntimeBudgetMS)},
				{key: "downtime_budget_ms", value: in.DowntimeBudgetMS},
				{key: "baseline", value: task.Baseline().String()},
			}
			if sums, err := migrate.Checksums(ctx, task.DB()); err == nil {
				match := sums.Equal(task.Baseline())
				facts = append(facts,
					fact{key: "checksums", label: "checksums", value: sums.String(), text: fmt.Sprintf("%v (match %v)", sums, match)},
					fact{key: "checksums_match", value: match})
			}
			return facts
		},
	}, nil
}

// createTemporary creates the database of a new migration in a temporary
// directory, as maker scenario migrate with no --db-file does, and returns
// the params that name it.
func createTemporary(ctx context.Context, p migrateParams) (migrateParams, error) {
	dir, err := os.MkdirTemp("", tempPrefix)
	if err != nil {
		return p, err
	}
	task, err := migrate.Create(ctx, filepath.Join(dir, "shop.db"), p.Instance)
	if err != nil {
		os.RemoveAll(dir)
		return p, usageErr("%v", err)
	}
	defer task.Close()
	p.DBFile, p.FileID, p.Instance = task.Path(), task.ID(), task.Instance()
	return p, nil
}
