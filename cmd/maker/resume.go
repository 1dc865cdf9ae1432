package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/runs"
)

func newResumeCmd() *cobra.Command {
	var flags runs.ResumeFlags
	cmd := &cobra.Command{
		Use:   "resume RUN",
		Short: "Continue a journaled run from its last committed step",
		Long: `Continue a journaled run (an id from 'maker runs', or a unique prefix of one) from
its last committed step, with the task, model and flags it was started with. Steps
the run decided but had not committed when it stopped are decided again; none that
was committed is repeated. A simulated run resumed this way ends exactly as an
uninterrupted run with the same seed.

The run's budget (--max-cost, --max-samples-total, --max-wall) is the whole run's,
over all its sessions: a run stopped by a cap stops again at once unless the cap is
raised here, and the new cap then holds for later resumptions too.

Exit status as for the run itself: 0 solved, 1 failed, 2 bad usage, 3 budget reached.`,
		Example: `  maker resume 3f9a2c1b
  maker resume 3f9a --events steps.jsonl
  maker resume 3f9a --max-cost 10   # raise the run's cost cap to $10 in all`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			db := flags.DB()
			if db == "" {
				return usageErr("resume needs the journal: give --db")
			}
			jdb, err := openDB(cmd, db)
			if err != nil {
				return err
			}
			run, err := jdb.Run(cmd.Context(), args[0])
			jdb.Close()
			if err != nil {
				if errors.Is(err, maker.ErrNoRun) {
					return usageErr("%v", err)
				}
				return err
			}
			return flags.Resume(cmd, cliRunner(cmd), run)
		},
	}
	flags.Register(cmd.Flags())
	return cmd
}
