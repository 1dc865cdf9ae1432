package main

import (
	"context"
	"errors"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/maker-go/maker"
	_ "github.com/maker-go/maker/postgres" // postgres:// and postgresql:// journals
	"github.com/maker-go/maker/sqlite"     // file paths, file: and sqlite:// journals
)

// dbEnv names the environment variable that sets the journal when --db is
// not given.
const dbEnv = "MAKER_DB"

// registerDB adds --db: a SQLite file path or a postgres:// URL. Its default
// is $MAKER_DB, else maker.db in the user's data directory.
func registerDB(fs *pflag.FlagSet, p *string) {
	def := os.Getenv(dbEnv)
	shown := def
	if def == "" {
		def, _ = sqlite.DefaultPath()
		shown = def
	} else {
		shown = maker.RedactLocation(def) + " from $" + dbEnv
	}
	fs.StringVar(p, "db", def, `journal: a SQLite file path or a postgres:// URL, also set by $`+dbEnv+` ("" for no journal)`)
	if f := fs.Lookup("db"); f != nil {
		f.DefValue = shown // a password in $MAKER_DB never reaches --help
	}
}

// openJournal opens the journal at location (a path or URL) for a run or a
// resumption, which write it.
func openJournal(ctx context.Context, location string) (maker.Journal, error) {
	return maker.OpenJournal(ctx, location, false)
}

// openDB opens the journal read-only for the commands that only read it:
// they create nothing, and work on a read-only disk.
func openDB(cmd *cobra.Command, location string) (maker.Journal, error) {
	if location == "" {
		return nil, usageErr("no journal database: give --db or set $%s", dbEnv)
	}
	db, err := maker.OpenJournal(cmd.Context(), location, true)
	if errors.Is(err, maker.ErrNoJournal) {
		return nil, usageErr("%v", err)
	}
	return db, err
}
