package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/server"
)

func newShowCmd() *cobra.Command {
	var (
		dbPath  string
		jsonOut bool
		c       clientFlags
	)
	cmd := &cobra.Command{
		Use:   "show RUN",
		Short: "Print a journaled run's summary",
		Long: `Print the summary of a journaled run (an id or a unique prefix), over the original
run and every resumption: the fields the run prints itself, added up, with the
outcome of the latest session.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cl := c.client(); cl != nil {
				return showRemote(cmd, cl, args[0], jsonOut)
			}
			db, err := openDB(cmd, dbPath)
			if err != nil {
				return err
			}
			defer db.Close()
			run, err := db.Run(cmd.Context(), args[0])
			if err != nil {
				if errors.Is(err, maker.ErrNoRun) {
					return usageErr("%v", err)
				}
				return err
			}
			// A journal whose steps do not match its count still gets its
			// summary shown, marked failed, and the command fails.
			sum, err := db.Summary(cmd.Context(), run.ID)
			inconsistent := errors.Is(err, maker.ErrInconsistent)
			if err != nil && !inconsistent {
				return err
			}
			extra := map[string]any{
				"run_id":      run.ID,
				"status":      run.Status,
				"kind":        run.Kind,
				"params":      run.Params,
				"resumptions": len(run.Sessions) - 1,
				"created":     run.Created,
				"updated":     run.Updated,
				"version":     run.Version,
			}
			pending, pendingText, perr := runs.PendingAction(cmd.Context(), db, run)
			if perr != nil {
				return perr
			}
			if pending != nil {
				extra["interrupted_action"] = pending
			}
			if err := runs.PrintSummary(cmd.OutOrStdout(), jsonOut, sum, extra); err != nil {
				return err
			}
			if !jsonOut {
				n := len(run.Sessions) - 1
				fmt.Fprintf(cmd.OutOrStdout(), "run         %s: %s, %d %s, started %s\n", run.ID, run.Status, n, plural(n, "resumption", "resumptions"), run.Created.Local().Format("2006-01-02 15:04:05"))
				if hint := resumeHint(run); hint != "" {
					fmt.Fprintln(cmd.OutOrStdout(), hint)
				}
			}
			if !jsonOut && pending != nil {
				fmt.Fprint(cmd.OutOrStdout(), pendingText)
			}
			if inconsistent {
				return &exitError{Code: exitFailed, Err: err}
			}
			return nil
		},
	}
	runs.RegisterDB(cmd.Flags(), &dbPath)
	c.register(cmd.Flags())
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print the summary as one JSON object")
	return cmd
}

// showRemote prints a run of a maker service as show prints a journaled
// one.
func showRemote(cmd *cobra.Command, cl *server.Client, id string, jsonOut bool) error {
	in, err := cl.Get(cmd.Context(), id)
	if err != nil {
		return clientErr(err)
	}
	if in.Summary == nil {
		in.Summary = &maker.Summary{}
	}
	extra := map[string]any{
		"run_id": in.ID, "status": in.Status, "kind": in.Kind, "params": in.Params,
		"resumptions": max(0, len(in.Sessions)-1), "created": in.Created, "updated": in.Updated, "version": in.Version,
		"live": in.Live, "progress": in.Progress, "steps_per_second": in.StepsPerSecond, "eta_seconds": in.ETASeconds,
	}
	if err := runs.PrintSummary(cmd.OutOrStdout(), jsonOut, in.Summary, extra); err != nil {
		return err
	}
	if !jsonOut {
		n := max(0, len(in.Sessions)-1)
		_, err = fmt.Fprintf(cmd.OutOrStdout(), "run         %s: %s, %d of %d steps, %d %s, started %s\n", in.ID, in.Status, in.Steps, in.TotalSteps, n, plural(n, "resumption", "resumptions"), in.Created.Local().Format("2006-01-02 15:04:05"))
	}
	return err
}

// resumeHint is the line that says how a journaled run that stopped short
// of its end goes on, or "" for a run that ended (done or failed) or
// waits for the fleet.
func resumeHint(run *maker.RunRecord) string {
	at := "step " + maker.Thousands(int64(run.Steps))
	if run.TotalSteps > 0 {
		at += " of " + maker.Thousands(int64(run.TotalSteps))
	}
	switch run.Status {
	case maker.StatusInterrupted, maker.StatusBudget, maker.StatusStopped:
		return fmt.Sprintf("resume      maker resume %s (it goes on after %s)", run.ID, at)
	case maker.StatusRunning:
		return fmt.Sprintf("resume      maker resume %s, if its process was killed (it goes on after %s)", run.ID, at)
	}
	return ""
}
