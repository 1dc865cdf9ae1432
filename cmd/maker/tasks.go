package main

import (
	"encoding/json"

	"github.com/spf13/cobra"
)

// runnable is an execution ready to go, whatever its state type.
type runnable interface {
	execute(cmd *cobra.Command) error
}

// taskOpener rebuilds a journaled task of one kind from its params and the
// run's flags, as an execution that resumes run.
type taskOpener func(f *runFlags, params json.RawMessage, run string) (runnable, error)

// openers maps a journaled task kind to its opener: the one list of the
// task kinds this maker can resume.
func openers() map[string]taskOpener {
	return map[string]taskOpener{
		"hanoi": openHanoi,
	}
}
