package tasks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/scenario/migrate"
)

// Migrate are the params of a migration run. A client's run migrates a
// database in a temporary file of the service's, as maker scenario
// migrate with no --db-file does; the journal keeps the file's name and
// identity to resume it.
type Migrate struct {
	DBFile       string            `json:"db_file,omitempty" jsonschema:"set when the run starts: the database file"`
	FileID       string            `json:"file_id,omitempty" jsonschema:"set when the run starts: the database's identity"`
	Instance     *migrate.Instance `json:"instance,omitempty" jsonschema:"the instance itself (default: generated)"`
	Size         int               `json:"size,omitempty" jsonschema:"rows in the generated database; default 3000"`
	InstanceSeed *uint64           `json:"instance_seed,omitempty" jsonschema:"seed of the generated database; default 1"`
	FailAt       string            `json:"fail_at,omitempty" jsonschema:"make this risky migration lose a row on purpose, e.g. M08"`
	KeepBackups  *int              `json:"keep_backups,omitempty" jsonschema:"how many of the most recent backups to keep (0: all); default 2"`
	Temporary    bool              `json:"temporary,omitempty" jsonschema:"set when the run starts: the database is a temporary file"`
}

func init() {
	register(runs.Kind{
		Name: "scenario-migrate", Command: "scenario migrate",
		Summary: "migrate a real SQLite database through a 16-step plan, one voted decision per step",
		Example: json.RawMessage(`{"size":1000,"fail_at":"M08"}`),
		// The database file outlives the process.
		World: runs.KeptWorld,
	}, func(p *Migrate, _ runs.Settings) error {
		switch {
		case p.DBFile != "" || p.FileID != "":
			return fieldErr("db_file", "not accepted here: the run migrates a temporary database of its own")
		case p.KeepBackups != nil && *p.KeepBackups < 0:
			return fieldErr("keep_backups", "want 0 (keep every backup) or more, got %d", *p.KeepBackups)
		}
		if p.KeepBackups == nil {
			k := migrate.DefaultKeepBackups
			p.KeepBackups = &k
		}
		if p.Instance != nil {
			if p.Size != 0 || p.InstanceSeed != nil {
				return fieldErr("instance", "given: params.size and params.instance_seed do not apply")
			}
		} else {
			size, seed := p.Size, uint64(DefaultInstanceSeed)
			if size == 0 {
				size = migrate.DefaultRows
			}
			if p.InstanceSeed != nil {
				seed = *p.InstanceSeed
			}
			in, err := migrate.Generate(size, seed)
			if err != nil {
				return fieldErr("size", "%v", err)
			}
			p.Instance, p.Size, p.InstanceSeed = &in, 0, nil
		}
		if p.FailAt != "" {
			p.Instance.FailAt, p.FailAt = p.FailAt, ""
		}
		if err := p.Instance.Validate(); err != nil {
			return fieldErr("instance", "%v", err)
		}
		p.Temporary = true
		return nil
	}, openMigrate)
}

// MigrateTempPrefix begins the name of the directory of a database migrated
// without --db-file.
const MigrateTempPrefix = "maker-migrate-"

// openMigrate reopens the database file of a journaled migration to
// resume it. The database is the world and outlives the process, so
// nothing is replayed: the run continues from the file as it is, which
// must be at or after the journal's checkpoint (see migrateAtCheckpoint).
func openMigrate(p Migrate, _ runs.OpenOptions) (runs.Opened, error) {
	ctx := context.Background()
	if p.DBFile == "" && p.FileID == "" && p.Temporary {
		// A new run a client asked for (package tasks): its database is
		// a temporary file, as with no --db-file.
		created, err := createTemporary(ctx, p)
		if err != nil {
			return nil, err
		}
		p = created
	}
	if p.DBFile == "" {
		return nil, runs.UsageErr("the journal does not name the run's database file (an older maker ran it): continue it with maker scenario migrate --db-file FILE --resume")
	}
	task, err := migrate.Open(ctx, p.DBFile)
	if errors.Is(err, os.ErrNotExist) {
		gone := "it was removed"
		if p.Temporary {
			gone = "the run had no --db-file, and its temporary file is removed when a run ends"
		}
		return nil, runs.UsageErr("the database %s is gone (%s): start the migration again", p.DBFile, gone)
	}
	if err != nil {
		return nil, runs.UsageErr("%v", err)
	}
	if task.ID() != p.FileID || p.Instance == nil || task.Instance() != *p.Instance {
		task.Close()
		return nil, runs.UsageErr("%s is not the database this run migrated: it was made again since (by another run?)", p.DBFile)
	}
	e, err := migrateRun(ctx, task, p)
	if err != nil {
		task.Close()
		return nil, err
	}
	e.AtCheckpoint = migrateAtCheckpoint(task)
	end := func(err error) error {
		task.Close()
		// A temporary database goes once the migration is through; a
		// resume that was refused or stopped keeps it to be resumed again.
		if dir := filepath.Dir(p.DBFile); err == nil && p.Temporary && strings.HasPrefix(filepath.Base(dir), MigrateTempPrefix) {
			os.RemoveAll(dir)
		}
		return err
	}
	return runs.WorldExecution[migrate.State]{E: e, End: end}, nil
}

// migrateAtCheckpoint checks that the database can continue the journaled
// run from its checkpoint: the file must have recorded that step, in the
// state the journal holds. It may be further on (steps it carried out that
// the journal had not committed when the process stopped); those steps
// are decided again, and the database reports what it did instead of
// doing it twice (see migrate.Task.Execute).
func migrateAtCheckpoint(task *migrate.Task) func(ctx context.Context, _ maker.Journal, run string, from maker.Checkpoint[migrate.State]) error {
	return func(ctx context.Context, _ maker.Journal, run string, from maker.Checkpoint[migrate.State]) error {
		s, _, err := task.Recorded(ctx, from.Step)
		if err != nil {
			return runs.UsageErr("run %s cannot be resumed: the journal is at step %d but %s is behind it (restored from an older copy?): %v", run, from.Step, task.Path(), err)
		}
		if err := runs.SameState(s, runs.StateJSON(from.State)); err != nil {
			return runs.UsageErr("run %s cannot be resumed: %s after step %d is not where the journal left it: %v", run, task.Path(), from.Step, err)
		}
		return nil
	}
}

// migrateRun is the execution of a migration of task's database.
func migrateRun(ctx context.Context, task *migrate.Task, p Migrate) (runs.Execution[migrate.State], error) {
	keep := 0
	if p.KeepBackups != nil {
		keep = *p.KeepBackups
	}
	if err := task.KeepBackups(keep); err != nil {
		return runs.Execution[migrate.State]{}, runs.UsageErr("--keep-backups: %v", err)
	}
	return runs.Execution[migrate.State]{
		Task:   task,
		Oracle: task,
		Kind:   "scenario-migrate",
		Params: p,
		Facts: func(res *maker.Result[migrate.State]) []runs.Fact {
			s, in := res.State, task.Instance()
			facts := []runs.Fact{
				{Key: "rows", Value: in.Rows},
				{Key: "db_file", Label: "database", Value: task.Path(), Text: fmt.Sprintf("%s (%d rows)", task.Path(), in.Rows)},
				{Key: "applied", Label: "applied", Value: len(s.Applied), Text: fmt.Sprintf("%d of %d migrations (halted %v)", len(s.Applied), len(migrate.Plan), s.Halted)},
				{Key: "halted", Value: s.Halted},
				{Key: "verified", Label: "verified", Value: s.Verified},
				{Key: "downtime_ms", Label: "downtime", Value: s.DowntimeMS, Text: fmt.Sprintf("%d ms of %d ms", s.DowntimeMS, in.DowntimeBudgetMS)},
				{Key: "downtime_budget_ms", Value: in.DowntimeBudgetMS},
				{Key: "baseline", Value: task.Baseline().String()},
			}
			if sums, err := migrate.Checksums(ctx, task.DB()); err == nil {
				match := sums.Equal(task.Baseline())
				facts = append(facts,
					runs.Fact{Key: "checksums", Label: "checksums", Value: sums.String(), Text: fmt.Sprintf("%v (match %v)", sums, match)},
					runs.Fact{Key: "checksums_match", Value: match})
			}
			return facts
		},
	}, nil
}

// createTemporary creates the database of a new migration in a temporary
// directory, as maker scenario migrate with no --db-file does, and returns
// the params that name it.
func createTemporary(ctx context.Context, p Migrate) (Migrate, error) {
	dir, err := os.MkdirTemp("", MigrateTempPrefix)
	if err != nil {
		return p, err
	}
	if p.Instance == nil {
		os.RemoveAll(dir)
		return p, runs.UsageErr("no instance")
	}
	task, err := migrate.Create(ctx, filepath.Join(dir, "shop.db"), *p.Instance)
	if err != nil {
		os.RemoveAll(dir)
		return p, runs.UsageErr("%v", err)
	}
	defer task.Close()
	in := task.Instance()
	p.DBFile, p.FileID, p.Instance = task.Path(), task.ID(), &in
	return p, nil
}

// OpenMigration is the execution of the migration of a database the
// command line opened itself (maker scenario migrate): a new one, or one
// it resumes from the file's own progress (from; nil for a new run).
func OpenMigration(ctx context.Context, task *migrate.Task, p Migrate, from *maker.Checkpoint[migrate.State]) (runs.Opened, error) {
	e, err := migrateRun(ctx, task, p)
	if err != nil {
		return nil, err
	}
	e.From = from
	return e, nil
}
