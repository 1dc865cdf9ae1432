package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker"
	_ "github.com/maker-go/maker/postgres" // postgres:// and postgresql:// journals
	"github.com/maker-go/maker/runs"
)

// openDB opens the journal read-only for the commands that only read it:
// they create nothing, and work on a read-only disk.
func openDB(cmd *cobra.Command, location string) (maker.Journal, error) {
	if location == "" {
		return nil, usageErr("no journal database: give --db or set $%s", runs.DBEnv)
	}
	db, err := maker.OpenJournal(cmd.Context(), location, true)
	if errors.Is(err, maker.ErrNoJournal) {
		return nil, usageErr("%v", err)
	}
	return db, err
}
