package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/fileio"
	"github.com/maker-go/maker/report"
	"github.com/maker-go/maker/runs"
)

func newReportCmd() *cobra.Command {
	var (
		dbPath   string
		out      string
		plannedP float64
	)
	cmd := &cobra.Command{
		Use:   "report RUN",
		Short: "Write a journaled run's HTML report",
		Long: `Write one self-contained HTML file (it opens offline) for a journaled run, an id or a
unique prefix: the summary, votes per step, undecided steps after each vote beside the
theory, red flags by reason, cumulative cost, latency percentiles, the hardest steps
with their tallies and the final state (drawn as pegs for Hanoi). A run that was stopped or killed
gets the report of the steps it committed.`,
		Example: `  maker report 3f2a -o report.html`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageErr("give the output file with -o")
			}
			if plannedP != 0 && (plannedP <= 0.5 || plannedP > 1) {
				return usageErr("--p must be above 0.5 and at most 1, got %g", plannedP)
			}
			db, err := openDB(cmd, dbPath)
			if err != nil {
				return err
			}
			defer db.Close()
			ctx := cmd.Context()
			run, err := db.Run(ctx, args[0])
			if err != nil {
				if errors.Is(err, maker.ErrNoRun) {
					return usageErr("%v", err)
				}
				return err
			}
			// Written beside the path and renamed into place once whole: a
			// full disk leaves no empty or half-written report behind.
			page, err := fileio.Create(out)
			if err != nil {
				return usageErr("-o: %v", err)
			}
			steps, err := writeReport(ctx, db, run, page, plannedP, cmd.ErrOrStderr())
			if err != nil {
				page.Discard()
				return &exitError{Code: exitOutput, Err: fmt.Errorf("report -o %s: %w", out, err)}
			}
			if err := page.Commit(); err != nil {
				return &exitError{Code: exitOutput, Err: fmt.Errorf("report -o %s: %w", out, err)}
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "report: %s (%d steps)\n", out, steps)
			return nil
		},
	}
	runs.RegisterDB(cmd.Flags(), &dbPath)
	cmd.Flags().StringVarP(&out, "output", "o", "", "HTML file to write")
	cmd.Flags().Float64Var(&plannedP, "p", 0, "per-step success rate the run was planned for, to draw its theory curve too")
	return cmd
}

// writeReport writes the HTML report of a journaled run to w and returns
// the number of steps it covers. A journal with a step missing is reported
// on warn and still drawn.
func writeReport(ctx context.Context, db maker.Journal, run *maker.RunRecord, w io.Writer, plannedP float64, warn io.Writer) (int, error) {
	sum, err := db.Summary(ctx, run.ID)
	if errors.Is(err, maker.ErrInconsistent) {
		fmt.Fprintf(warn, "maker: %v\n", err)
	} else if err != nil {
		return 0, err
	}
	col := report.NewCollector()
	if err := db.Steps(ctx, run.ID, 0, -1, func(rec *maker.StepRecord) error {
		return col.Observe(ctx, rec)
	}); err != nil {
		return 0, err
	}
	cp, err := db.Checkpoint(ctx, run.ID)
	if err != nil {
		return 0, err
	}
	err = col.Render(w, &report.Data{Summary: *sum, PlannedP: plannedP, Final: finalState(run, cp.State), Generated: time.Now()})
	return col.Steps(), err
}

// finalState rebuilds a journaled state for the report through the run's
// task kind (see [runs.DecodeState]), so that a state the report can draw (a
// report.Pegged, such as Hanoi's) is drawn. A kind this maker cannot
// rebuild, or a state that does not decode, is shown as its JSON.
func finalState(run *maker.RunRecord, raw json.RawMessage) any {
	if len(raw) == 0 {
		return nil
	}
	if s, err := runs.DecodeState(run, raw); err == nil {
		return s
	}
	return string(raw)
}
