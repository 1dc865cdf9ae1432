package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/scenario/migrate"
	"github.com/maker-go/maker/tasks"
)

func newScenarioMigrateCmd() *cobra.Command {
	var (
		f      runs.Flags
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
			var params tasks.Migrate
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
				if !f.JSON() {
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
					dir, err := os.MkdirTemp("", tasks.MigrateTempPrefix)
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
				made := task.Instance()
				params.FileID, params.Instance = task.ID(), &made
			}
			defer task.Close()
			params.KeepBackups = &keep
			x, err := tasks.OpenMigration(ctx, task, params, from)
			if err != nil {
				return err
			}
			return runOpened(cmd, &f, x)
		},
	}
	src.register(cmd.Flags(), migrate.DefaultRows, fmt.Sprintf("rows in the generated database (%d to %d; large: %d)", migrate.MinRows, migrate.MaxRows, migrate.LargeRows), "instance")
	cmd.Flags().StringVar(&failAt, "fail-at", "", "make this risky migration lose a row on purpose (e.g. M08)")
	cmd.Flags().StringVar(&dbFile, "db-file", "", "the SQLite file to create and migrate (default: a temporary file)")
	cmd.Flags().BoolVar(&resume, "resume", false, "continue the migration recorded in --db-file")
	cmd.Flags().IntVar(&keep, "keep-backups", migrate.DefaultKeepBackups, "how many of the most recent backups to keep beside the database (0: all)")
	f.Register(cmd.Flags())
	return cmd
}
