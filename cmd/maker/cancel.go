package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"
)

func newCancelCmd() *cobra.Command {
	var (
		c       clientFlags
		jsonOut bool
	)
	cmd := &cobra.Command{
		Use:   "cancel RUN --server URL",
		Short: "Stop a run on a maker service (resume it later)",
		Long: `Stop a run that a maker service (maker serve) is carrying out: its in-flight samples
are cancelled, its decided steps committed, and it ends interrupted. It returns once
the run has stopped. Resume it with POST /v1/runs/RUN/resume, or with maker resume
on the journal. A run in a terminal stops with Ctrl-C.`,
		Example: `  maker cancel 3f9a2c1b --server http://127.0.0.1:7777`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cl := c.client()
			if cl == nil {
				return usageErr("cancel needs --server URL (the maker service); a run in a terminal stops with Ctrl-C")
			}
			in, err := cl.Cancel(cmd.Context(), args[0])
			if err != nil {
				return clientErr(err)
			}
			if jsonOut {
				b, err := json.Marshal(in)
				if err != nil {
					return err
				}
				_, err = fmt.Fprintln(cmd.OutOrStdout(), string(b))
				return err
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "run %s: %s after %d of %d steps\n", in.ID, in.Status, in.Steps, in.TotalSteps)
			return err
		},
	}
	c.register(cmd.Flags())
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print the stopped run as one JSON object")
	return cmd
}
