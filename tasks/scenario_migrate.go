package tasks

import (
	"encoding/json"

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
	})
}
