package main

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/runs"
)

// newCacheCmd is `maker cache`: what the journal's decision cache holds,
// and pruning it.
func newCacheCmd() *cobra.Command {
	var db string
	var jsonOut bool
	cmd := &cobra.Command{
		Use:   "cache",
		Short: "Show or prune the decision cache: decided steps a run reuses without a model call",
		Long: "A journaled run is marked with its cache scope, a digest of everything besides the prompt that\n" +
			"determines a vote (task kind and parameters, the models and their settings, the temperatures,\n" +
			"the red-flag limits, the initial state). A later run in the same scope replays the marked runs'\n" +
			"journaled steps to render their prompts again; a step whose prompt and k were decided there reuses the\n" +
			"decided answer without a model call, and its summary counts it under cache_hits, at no cost.\n" +
			"A run that finds no earlier run in its scope pays nothing for the cache: it stores nothing per\n" +
			"step. Runs on one PostgreSQL journal (a fleet) share it. --no-cache on a run turns it off.\n" +
			"prune forgets runs' scope marks; their journaled steps stay.",
		Args: cobra.NoArgs,
	}
	runs.RegisterDB(cmd.PersistentFlags(), &db)
	cmd.PersistentFlags().BoolVar(&jsonOut, "json", false, "print one JSON object")
	// admin opens the journal for writing, as a run would: a journal
	// from before the cache gains its scope marks.
	admin := func(cmd *cobra.Command) (maker.CacheAdmin, func(), error) {
		if db == "" {
			return nil, nil, usageErr("no journal database: give --db or set $%s", runs.DBEnv)
		}
		j, err := maker.OpenJournal(cmd.Context(), db, false)
		if err != nil {
			return nil, nil, err
		}
		cj, ok := j.(maker.CachingJournal)
		if !ok {
			j.Close()
			return nil, nil, fmt.Errorf("journal %s keeps no decision cache", j.Location())
		}
		a, ok := cj.DecisionCache().(maker.CacheAdmin)
		if !ok {
			j.Close()
			return nil, nil, fmt.Errorf("journal %s: its decision cache cannot be listed", j.Location())
		}
		return a, func() { j.Close() }, nil
	}
	stats := &cobra.Command{
		Use:   "stats",
		Short: "How many earlier runs and journaled steps the cache can reuse, by scope",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, done, err := admin(cmd)
			if err != nil {
				return err
			}
			defer done()
			st, err := a.Stats(cmd.Context())
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if jsonOut {
				return json.NewEncoder(out).Encode(st)
			}
			fmt.Fprintf(out, "reusable  %s of %s in %s\n", runs.Count(int(st.Steps), "step", "steps"), runs.Count(int(st.Runs), "run", "runs"), runs.Count(len(st.Scopes), "scope", "scopes"))
			for _, sc := range st.Scopes {
				fmt.Fprintf(out, "scope     %s  %s, %s\n", sc.Scope[:min(12, len(sc.Scope))], runs.Count(int(sc.Runs), "run", "runs"), runs.Count(int(sc.Steps), "step", "steps"))
			}
			return nil
		},
	}
	var olderThan time.Duration
	var run string
	var all bool
	prune := &cobra.Command{
		Use:   "prune",
		Short: "Forget runs' scope marks (--older-than, --run or --all); their journaled steps stay",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if olderThan < 0 {
				return usageErr("--older-than must not be negative, got %s", olderThan)
			}
			if olderThan == 0 && run == "" && !all {
				return usageErr("prune needs --older-than, --run or --all")
			}
			if all && (olderThan > 0 || run != "") {
				return usageErr("--all forgets every run: give it alone")
			}
			a, done, err := admin(cmd)
			if err != nil {
				return err
			}
			defer done()
			before := time.Now().Add(time.Second) // every run so far
			if olderThan > 0 {
				before = time.Now().Add(-olderThan)
			}
			n, steps, err := a.Prune(cmd.Context(), before, run)
			if err != nil {
				return err
			}
			if jsonOut {
				return json.NewEncoder(cmd.OutOrStdout()).Encode(map[string]int64{"runs": n, "steps": steps})
			}
			fmt.Fprintf(cmd.OutOrStdout(), "forgot %s (%s); their steps stay in the journal\n", runs.Count(int(n), "run", "runs"), runs.Count(int(steps), "step", "steps"))
			return nil
		},
	}
	prune.Flags().DurationVar(&olderThan, "older-than", 0, "forget the runs started longer ago than this (e.g. 720h)")
	prune.Flags().StringVar(&run, "run", "", "forget this run (the whole id)")
	prune.Flags().BoolVar(&all, "all", false, "forget every run")
	cmd.AddCommand(stats, prune)
	return cmd
}
