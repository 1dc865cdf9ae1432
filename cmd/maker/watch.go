package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker/events"
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
journal.`,
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
			bar := newProgress(cmd.ErrOrStderr(), in.TotalSteps, jsonOut)
			if bar != nil {
				_ = bar.bar.Add(after)
			}
			enc := json.NewEncoder(out)
			err = cl.Watch(ctx, in.ID, after, func(ev events.Event) error {
				switch {
				case jsonOut:
					return enc.Encode(ev)
				case bar != nil:
					bar.samples += ev.Samples
					for _, n := range ev.Flagged {
						bar.flagged += n
					}
					bar.bar.Describe(fmt.Sprintf("samples %d, flagged %d", bar.samples, bar.flagged))
					return bar.bar.Add(1)
				}
				return writeStepLine(out, ev)
			})
			if bar != nil {
				bar.finish()
			}
			if err != nil {
				return clientErr(err)
			}
			if in, err = cl.Get(ctx, in.ID); err != nil {
				return clientErr(err)
			}
			if jsonOut {
				return nil
			}
			if in.Summary != nil {
				if err := printSummary(out, false, in.Summary, nil); err != nil {
					return err
				}
			}
			_, err = fmt.Fprintf(out, "run         %s: %s, %d of %d steps\n", in.ID, in.Status, in.Steps, in.TotalSteps)
			return err
		},
	}
	c.register(cmd.Flags())
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print one JSON object per decided step")
	cmd.Flags().IntVar(&after, "after", 0, "start after this step (0: from the first)")
	return cmd
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
