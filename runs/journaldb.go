package runs

import (
	"context"
	"os"

	"github.com/spf13/pflag"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/sqlite" // file paths, file: and sqlite:// journals; a program adds others (postgres) by a blank import
)

// DBEnv names the environment variable that sets the journal when --db is
// not given.
const DBEnv = "MAKER_DB"

// RegisterDB adds --db: a SQLite file path or a postgres:// URL. Its default
// is $MAKER_DB, else maker.db in the user's data directory.
func RegisterDB(fs *pflag.FlagSet, p *string) {
	def := os.Getenv(DBEnv)
	shown := def
	if def == "" {
		def, _ = sqlite.DefaultPath()
		shown = def
	} else {
		shown = maker.RedactLocation(def) + " from $" + DBEnv
	}
	fs.StringVar(p, "db", def, `journal: a SQLite file path or a postgres:// URL, also set by $`+DBEnv+` ("" for no journal)`)
	if f := fs.Lookup("db"); f != nil {
		f.DefValue = shown // a password in $MAKER_DB never reaches --help
	}
}

// openJournal opens the journal at location (a path or URL) for a run or a
// resumption, which write it.
func openJournal(ctx context.Context, location string) (maker.Journal, error) {
	return maker.OpenJournal(ctx, location, false)
}
