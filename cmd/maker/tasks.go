package main

import (
	"github.com/spf13/cobra"

	"github.com/maker-go/maker/fleet"
	"github.com/maker-go/maker/runs"
)

// runTask runs a task command: the kind's task, opened from the params
// the command's flags make as a journaled run's are (see [runs.Open]),
// carried out with the command's run flags.
func runTask(cmd *cobra.Command, f *runs.Flags, kind string, params any) error {
	x, err := runs.Open(kind, params)
	if err != nil {
		return onClient(cmd.Context(), err)
	}
	return runOpened(cmd, f, x)
}

// runOpened carries out an opened task in a command: the runner runs it
// here, queues it for a fleet (a postgres:// --db) or calibrates models
// on it (maker calibrate TASK); maker submit sends it to a service.
func runOpened(cmd *cobra.Command, f *runs.Flags, x runs.Opened) error {
	if submitTo(cmd.Context()) != nil && runs.Calibrating(cmd.Context()) == nil {
		if err := f.Validate(); err != nil {
			return err
		}
		return submit(cmd, f, x)
	}
	return cliRunner(cmd).Execute(cmd, f, x)
}

// cliRunner is the runner of the command line's runs: a run journaled on
// PostgreSQL goes to the fleet's queue.
func cliRunner(cmd *cobra.Command) *runs.Runner {
	return &runs.Runner{Log: cmd.ErrOrStderr(), Queue: fleet.Queue{}}
}
