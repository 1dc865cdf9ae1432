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

// taskKinds maps a journaled task kind to its opener. Each task's command
// file registers its kind from init, so resume learns a new task without
// touching any other file.
var taskKinds = map[string]taskOpener{}

func registerTaskKind(kind string, open taskOpener) {
	if _, dup := taskKinds[kind]; dup {
		panic("maker: task kind registered twice: " + kind)
	}
	taskKinds[kind] = open
}
