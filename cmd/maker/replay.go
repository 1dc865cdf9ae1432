package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/runs"
)

func newReplayCmd() *cobra.Command {
	var (
		dbPath  string
		jsonOut bool
		k       int
		limit   int
	)
	cmd := &cobra.Command{
		Use:   "replay RUN",
		Short: "Re-decide a journaled run's steps with another k, without calling a model",
		Long: `Re-decide every committed step of a journaled run from its recorded votes, in the
order they arrived, with margin --k (default: each step's own), and report the steps
that would be decided differently or could not be decided from the votes that were
drawn (a larger k needs votes the run never sampled). Each step is re-decided on its
own: a changed step would have led the real run to another state.

It works with every --keep-samples policy: votes are journaled by key.`,
		Example: `  maker replay 3f9a2c1b
  maker replay 3f9a2c1b --k 2`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if k < 0 {
				return usageErr("--k must be positive (or 0 for each step's own), got %d", k)
			}
			db, err := openDB(cmd, dbPath)
			if err != nil {
				return err
			}
			defer db.Close()
			r, err := maker.ReplayRun(cmd.Context(), db, args[0], k, limit)
			if err != nil {
				if errors.Is(err, maker.ErrNoRun) {
					return usageErr("%v", err)
				}
				return err
			}
			w := cmd.OutOrStdout()
			if jsonOut {
				b, err := json.Marshal(r)
				if err != nil {
					return err
				}
				_, err = fmt.Fprintln(w, string(b))
				return err
			}
			kText := "each step's own"
			if r.K > 0 {
				kText = fmt.Sprint(r.K)
			}
			fmt.Fprintf(w, "run         %s\nk           %s\nsteps       %d\nsame        %d\ndifferent   %d\nundecided   %d%s\n",
				r.Run, kText, r.Steps, r.Same, r.Different, r.Undecided, whyUndecided(r))
			if len(r.Changed) == 0 {
				return nil
			}
			shown := ""
			if n := r.Different + r.Undecided; n > len(r.Changed) {
				shown = fmt.Sprintf(" (first %d of %d)", len(r.Changed), n)
			}
			fmt.Fprintf(w, "\nchanged steps%s:\n", shown)
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "STEP\tVOTES\tRECORDED (k)\tREPLAY")
			for _, s := range r.Changed {
				replay := fmt.Sprintf("%s after %d %s", s.Key, s.Used, plural(s.Used, "vote", "votes"))
				if !s.Decided {
					replay = fmt.Sprintf("undecided after all %d %s", s.Votes, plural(s.Votes, "vote", "votes"))
				}
				fmt.Fprintf(tw, "%d\t%d\t%s (%d)\t%s\n", s.Step, s.Votes, s.RecordedKey, s.RecordedK, replay)
			}
			return tw.Flush()
		},
	}
	runs.RegisterDB(cmd.Flags(), &dbPath)
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print the replay as one JSON object")
	cmd.Flags().IntVar(&k, "k", 0, "vote margin to re-decide with (0: each step's recorded k)")
	cmd.Flags().IntVar(&limit, "limit", 20, "list at most this many changed steps (0: all)")
	return cmd
}

// whyUndecided says why steps could not be re-decided: the run sampled
// each step only until its own k was reached, and a larger k needs votes
// it never drew (every vote the run drew is journaled, whatever
// --keep-samples kept of the texts).
func whyUndecided(r *maker.RunReplay) string {
	if r.Undecided == 0 {
		return ""
	}
	own := 0
	for _, s := range r.Changed {
		if !s.Decided {
			own = max(own, s.RecordedK)
		}
	}
	ahead := "its own k"
	if own > 0 {
		ahead = fmt.Sprint(own)
	}
	return fmt.Sprintf(": the run drew votes for a step only until one answer was %s ahead; a k=%d vote needs votes it never drew", ahead, r.K)
}
