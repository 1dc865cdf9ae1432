package main

import (
	"fmt"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/provider"
)

// execution is one task run from the command line.
type execution[S any] struct {
	flags  *runFlags
	task   maker.Task[S]
	oracle maker.Oracle
	// extra is merged into the JSON summary (task-specific fields).
	extra func(res *maker.Result[S]) map[string]any
	// after prints task-specific text after the summary.
	after func(cmd *cobra.Command, res *maker.Result[S])
	// observers are added to the run's (journal, events).
	observers []maker.Observer
	// configure adjusts the engine configuration last.
	configure func(cfg *maker.Config)
}

// execute opens the model, plans k, runs the task with a progress bar and
// prints the summary.
func (e execution[S]) execute(cmd *cobra.Command) error {
	f := e.flags
	if err := f.validate(); err != nil {
		return err
	}
	ctx := cmd.Context()
	model, err := f.openModel(ctx, e.oracle)
	if err != nil {
		return err
	}
	k, note, err := f.resolveK(cmd, e.task.Steps())
	if err != nil {
		return err
	}
	cfg := f.config(k)
	cfg.Logger = slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	cfg.Observers = append(cfg.Observers, e.observers...)
	bar := newProgress(cmd.ErrOrStderr(), e.task.Steps(), f.quiet || f.jsonOut)
	if bar != nil {
		cfg.Observers = append(cfg.Observers, bar)
	}
	if e.configure != nil {
		e.configure(&cfg)
	}
	if !f.jsonOut && note != "" {
		fmt.Fprintf(cmd.ErrOrStderr(), "k = %d (%s)\n", k, note)
	}
	if maker.IsSimulated(model) && !f.jsonOut {
		fmt.Fprintln(cmd.ErrOrStderr(), "model: sim — SIMULATED, no LLM is called")
	}
	priceNote := ""
	if cfg.Pricing.Zero() {
		if priceNote = provider.PriceNote(model); priceNote != "" {
			fmt.Fprintln(cmd.ErrOrStderr(), "warning:", priceNote)
		}
	}
	res, runErr := maker.Run(ctx, e.task, model, cfg)
	if bar != nil {
		bar.finish()
	}
	if res == nil {
		return &exitError{code: exitUsage, err: runErr}
	}
	res.Summary.PriceNote = priceNote
	// A provider may learn only from its answers that it reached a
	// simulated server; the summary must say so.
	res.Summary.Simulated = res.Summary.Simulated || maker.IsSimulated(model)
	var extra map[string]any
	if e.extra != nil {
		extra = e.extra(res)
	}
	if err := printSummary(cmd.OutOrStdout(), f.jsonOut, &res.Summary, extra); err != nil {
		return err
	}
	if !f.jsonOut && e.after != nil {
		e.after(cmd, res)
	}
	return outcome(&res.Summary, runErr)
}
