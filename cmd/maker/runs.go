package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/server"
)

func newRunsCmd() *cobra.Command {
	var (
		dbPath  string
		jsonOut bool
		limit   int
		c       clientFlags
	)
	cmd := &cobra.Command{
		Use:   "runs",
		Short: "List journaled runs, newest first",
		Long: `List the runs in the journal, newest first: id, status, task, model, steps committed
and when each started and last committed. A run whose process was killed stays
"running" until it is resumed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if limit < 0 {
				return usageErr("--limit must not be negative, got %d", limit)
			}
			runs, err := runsOf(cmd, dbPath, c.client(), limit)
			if err != nil {
				return err
			}
			if limit > 0 && len(runs) > limit {
				runs = runs[:limit]
			}
			if jsonOut {
				if runs == nil {
					runs = []*maker.RunRecord{}
				}
				b, err := json.Marshal(runs)
				if err != nil {
					return err
				}
				_, err = fmt.Fprintln(cmd.OutOrStdout(), string(b))
				return err
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tSTATUS\tTASK\tMODEL\tSTEPS\tSTARTED\tUPDATED")
			for _, r := range runs {
				steps := fmt.Sprint(r.Steps)
				if r.TotalSteps > 0 {
					steps += fmt.Sprintf("/%d", r.TotalSteps)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Status, r.Task, r.Model, steps,
					r.Created.Local().Format(time.DateTime), r.Updated.Local().Format(time.DateTime))
			}
			return tw.Flush()
		},
	}
	registerDB(cmd.Flags(), &dbPath)
	c.register(cmd.Flags())
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print the runs as a JSON array")
	cmd.Flags().IntVar(&limit, "limit", 0, "list at most this many (0: all)")
	return cmd
}

// runsOf lists the runs of the local journal or, with a client, of a
// maker service.
func runsOf(cmd *cobra.Command, dbPath string, cl *server.Client, limit int) ([]*maker.RunRecord, error) {
	if cl != nil {
		infos, _, err := cl.List(cmd.Context(), runs.Filter{Limit: limit})
		if err != nil {
			return nil, clientErr(err)
		}
		out := make([]*maker.RunRecord, 0, len(infos))
		for _, in := range infos {
			out = append(out, in.RunRecord)
		}
		return out, nil
	}
	db, err := openDB(cmd, dbPath)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return db.Runs(cmd.Context())
}
