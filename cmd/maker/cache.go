package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker"
)

// cacheVersion is the version of the task kinds' prompts and answer
// formats as the decision cache sees them: raising it makes every entry
// stored before unreachable, for a change to a task's Parse or Key that
// its prompts do not show.
const cacheVersion = "1"

// useCache gives the run the journal's decision cache, unless --no-cache
// or there is no journal. Its scope names everything besides the engine's
// settings and the prompt that can change a vote: the task kind, the
// models and the settings that shape their answers.
func (e execution[S]) useCache(jr *journaling, cfg *maker.Config) {
	if e.flags.noCache || jr == nil || jr.db == nil || e.wrapModel != nil {
		// A wrapper's per-step model settings (wrapModel) may depend on
		// the step, which the digest does not see: such a task votes
		// every step.
		return
	}
	cj, ok := jr.db.(maker.CachingJournal)
	if !ok {
		return
	}
	cfg.Cache = cj.DecisionCache()
	cfg.CacheScope = e.cacheScope()
	cfg.CacheOrigin = jr.id
}

// cacheScope is the run's cache scope: the kind and the model flags.
func (e execution[S]) cacheScope() string {
	f := e.flags
	parts := []string{
		"version=" + cacheVersion,
		"kind=" + e.kind,
		"model=" + f.model,
		"seed=" + strconv.FormatUint(f.seed, 10),
		"sim-error=" + strconv.FormatFloat(f.simError, 'g', -1, 64),
		"base-url=" + f.baseURL,
	}
	return strings.Join(parts, "\n")
}

// newCacheCmd is `maker cache`: what the journal's decision cache holds,
// and pruning it.
func newCacheCmd() *cobra.Command {
	var db string
	var jsonOut bool
	cmd := &cobra.Command{
		Use:   "cache",
		Short: "Show or prune the decision cache: decided steps a run reuses without a model call",
		Long: "Every journaled run keeps the steps it decides in the journal's decision cache, by a digest\n" +
			"of everything that determined the vote (task kind, the exact prompt, the models and their\n" +
			"settings, k, the temperatures, the red-flag limits). A later step with the same digest reuses\n" +
			"the decided answer without a model call; its summary counts it under cache_hits, at no cost.\n" +
			"Runs on one PostgreSQL journal (a fleet) share it. --no-cache on a run turns it off.",
		Args: cobra.NoArgs,
	}
	registerDB(cmd.PersistentFlags(), &db)
	cmd.PersistentFlags().BoolVar(&jsonOut, "json", false, "print one JSON object")
	// admin opens the journal for writing, as a run would: a journal
	// from before the cache gains its table.
	admin := func(cmd *cobra.Command) (maker.CacheAdmin, func(), error) {
		if db == "" {
			return nil, nil, usageErr("no journal database: give --db or set $%s", dbEnv)
		}
		j, err := openJournal(cmd.Context(), db)
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
		Short: "How many decided steps the cache holds, from how many runs",
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
			fmt.Fprintf(out, "entries  %d decided steps from %d runs\n", st.Entries, st.Runs)
			fmt.Fprintf(out, "text     %d bytes\n", st.Bytes)
			if st.Entries > 0 {
				fmt.Fprintf(out, "stored   %s to %s\n", st.Oldest.Format(time.RFC3339), st.Newest.Format(time.RFC3339))
			}
			return nil
		},
	}
	var olderThan time.Duration
	var run string
	var all bool
	prune := &cobra.Command{
		Use:   "prune",
		Short: "Remove cached steps: those older than --older-than, those of --run, or --all",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if olderThan < 0 {
				return usageErr("--older-than must not be negative, got %s", olderThan)
			}
			if olderThan == 0 && run == "" && !all {
				return usageErr("prune needs --older-than, --run or --all")
			}
			if all && (olderThan > 0 || run != "") {
				return usageErr("--all removes every entry: give it alone")
			}
			a, done, err := admin(cmd)
			if err != nil {
				return err
			}
			defer done()
			before := time.Now().Add(time.Second) // every entry stored so far
			if olderThan > 0 {
				before = time.Now().Add(-olderThan)
			}
			n, err := a.Prune(cmd.Context(), before, run)
			if err != nil {
				return err
			}
			if jsonOut {
				return json.NewEncoder(cmd.OutOrStdout()).Encode(map[string]int64{"removed": n})
			}
			fmt.Fprintf(cmd.OutOrStdout(), "removed %d cached steps\n", n)
			return nil
		},
	}
	prune.Flags().DurationVar(&olderThan, "older-than", 0, "remove the entries stored longer ago than this (e.g. 720h)")
	prune.Flags().StringVar(&run, "run", "", "remove the entries this run id decided (the whole id)")
	prune.Flags().BoolVar(&all, "all", false, "remove every entry")
	cmd.AddCommand(stats, prune)
	return cmd
}
