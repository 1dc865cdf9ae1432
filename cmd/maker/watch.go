package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/events"
	"github.com/maker-go/maker/runs"
)

func newWatchCmd() *cobra.Command {
	var (
		c       clientFlags
		jsonOut bool
		after   int
	)
	cmd := &cobra.Command{
		Use:   "watch RUN --server URL",
		Short: "Follow a run on a maker service live, step by step",
		Long: `Follow a run on a maker service (maker serve) as it goes: a progress bar in a
terminal, or one line per decided step otherwise (one JSON object with --json),
then the run's summary when it stops. A dropped connection is resumed where it
stopped, missing no step. A run that has already stopped is replayed from the
journal.

Exit status as for the run's own command: 0 solved, 1 failed, 3 a budget stopped
it, 130 it was interrupted (cancelled).`,
		Example: `  maker watch 3f9a2c1b --server http://127.0.0.1:7777
  maker watch 3f9a2c1b --server http://127.0.0.1:7777 --json --after 100`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cl := c.client()
			if cl == nil {
				return usageErr("watch needs --server URL (the maker service)")
			}
			if after < 0 {
				return usageErr("--after must not be negative, got %d", after)
			}
			ctx := cmd.Context()
			in, err := cl.Get(ctx, args[0])
			if err != nil {
				return clientErr(err)
			}
			out := cmd.OutOrStdout()
			bar := runs.NewProgress(cmd.ErrOrStderr(), in.TotalSteps, jsonOut)
			if bar != nil {
				bar.Add(after)
			}
			// The steps committed before the watch began come from the
			// journal at once: they move the bar, not its pace.
			committed := in.Steps
			enc := json.NewEncoder(out)
			err = cl.Watch(ctx, in.ID, after, func(ev events.Event) error {
				switch {
				case jsonOut:
					return enc.Encode(ev)
				case bar != nil:
					flagged := 0
					for _, n := range ev.Flagged {
						flagged += n
					}
					return bar.Decided(ev.Samples, flagged, ev.Step > committed)
				}
				return writeStepLine(out, ev)
			})
			if bar != nil {
				bar.Finish()
			}
			if err != nil {
				return clientErr(err)
			}
			if in, err = cl.Get(ctx, in.ID); err != nil {
				return clientErr(err)
			}
			if !jsonOut {
				if in.Summary != nil {
					if err := runs.PrintSummary(out, false, in.Summary, nil); err != nil {
						return err
					}
				}
				if _, err := fmt.Fprintf(out, "run         %s: %s, %d of %d steps\n", in.ID, in.Status, in.Steps, in.TotalSteps); err != nil {
					return err
				}
			}
			return watchOutcome(in)
		},
	}
	c.register(cmd.Flags())
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print one JSON object per decided step")
	cmd.Flags().IntVar(&after, "after", 0, "start after this step (0: from the first)")
	return cmd
}

// watchOutcome is how maker watch exits once the run it follows has
// stopped: with the code the task command that ran it would have exited
// with, and a line that says how the run ended.
func watchOutcome(in *runs.Info) error {
	at := "step " + maker.Thousands(int64(in.Steps))
	if in.TotalSteps > 0 {
		at += " of " + maker.Thousands(int64(in.TotalSteps))
	}
	why := ""
	if in.Summary != nil && in.Summary.Error != "" {
		why = ": " + in.Summary.Error
	}
	switch in.Status {
	case maker.StatusFailed:
		if why == "" && in.Summary != nil {
			why = fmt.Sprintf(": %d wrong %s", in.Summary.WrongSteps, plural(in.Summary.WrongSteps, "step", "steps"))
		}
		return &exitError{Code: exitFailed, Err: fmt.Errorf("run %s failed at %s%s", in.ID, at, why)}
	case maker.StatusBudget:
		return &exitError{Code: exitBudget, Err: fmt.Errorf("run %s was stopped by a budget at %s%s", in.ID, at, why)}
	case maker.StatusInterrupted:
		return &exitError{Code: exitInterrupted, Err: fmt.Errorf("run %s was interrupted at %s", in.ID, at)}
	case maker.StatusStopped:
		return &exitError{Code: exitFailed, Err: fmt.Errorf("run %s stopped at its step limit, at %s", in.ID, at)}
	}
	return nil
}

// writeStepLine prints one decided step for a log.
func writeStepLine(w io.Writer, ev events.Event) error {
	total := ""
	if ev.Total > 0 {
		total = fmt.Sprintf("/%d", ev.Total)
	}
	flagged := 0
	for _, n := range ev.Flagged {
		flagged += n
	}
	_, err := fmt.Fprintf(w, "step %d%s  k %d  votes %d  samples %d  flagged %d  action %s\n", ev.Step, total, ev.K, ev.Votes, ev.Samples, flagged, ev.Action)
	return err
}
