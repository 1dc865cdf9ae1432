package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker"
)

// cacheVersion is the version of the task kinds' prompts and answer
// formats as the decision cache sees them: raising it puts every run
// after it in a scope of its own, for a change to a task's Prompt, Parse
// or Key that would make an earlier run's steps mean something else.
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
	// A later run replays an earlier run's steps with the task as it is
	// now: the parameters the task was built from are in the scope.
	if p, ok := e.params.(taskfileParams); ok {
		parts = append(parts, taskfileScope(p, e.task)...)
	} else if b, err := json.Marshal(e.params); err == nil {
		parts = append(parts, "params="+string(b))
	}
	return strings.Join(parts, "\n")
}

// taskfileScope is what a task file adds to its runs' cache scope. A
// later run replays an earlier run's steps with the task as it is now, so
// what the prompts are made of besides the state must be in the scope:
// the file's text (its instructions, its templates), and, for a task with
// no expected answers, the data files it reads; a task with them checks
// each reused step against them, so a run whose inputs change part way
// reuses the steps before the change (see maker.DecisionCache).
func taskfileScope[S any](p taskfileParams, task maker.Task[S]) []string {
	sum := sha256.Sum256([]byte(p.YAML))
	parts := []string{"taskfile=" + hex.EncodeToString(sum[:])}
	if o, ok := any(task).(interface{ Oracle() (maker.Oracle, error) }); ok {
		if _, err := o.Oracle(); err == nil {
			return parts
		}
	}
	for _, name := range slices.Sorted(maps.Keys(p.Data)) {
		parts = append(parts, "data "+name+"="+p.Data[name])
	}
	return parts
}

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
	registerDB(cmd.PersistentFlags(), &db)
	cmd.PersistentFlags().BoolVar(&jsonOut, "json", false, "print one JSON object")
	// admin opens the journal for writing, as a run would: a journal
	// from before the cache gains its scope marks.
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
			fmt.Fprintf(out, "reusable  %s of %s in %s\n", plural2(int(st.Steps), "step", "steps"), plural2(int(st.Runs), "run", "runs"), plural2(len(st.Scopes), "scope", "scopes"))
			for _, sc := range st.Scopes {
				fmt.Fprintf(out, "scope     %s  %s, %s\n", sc.Scope[:min(12, len(sc.Scope))], plural2(int(sc.Runs), "run", "runs"), plural2(int(sc.Steps), "step", "steps"))
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
			runs, steps, err := a.Prune(cmd.Context(), before, run)
			if err != nil {
				return err
			}
			if jsonOut {
				return json.NewEncoder(cmd.OutOrStdout()).Encode(map[string]int64{"runs": runs, "steps": steps})
			}
			fmt.Fprintf(cmd.OutOrStdout(), "forgot %s (%s); their steps stay in the journal\n", plural2(int(runs), "run", "runs"), plural2(int(steps), "step", "steps"))
			return nil
		},
	}
	prune.Flags().DurationVar(&olderThan, "older-than", 0, "forget the runs started longer ago than this (e.g. 720h)")
	prune.Flags().StringVar(&run, "run", "", "forget this run (the whole id)")
	prune.Flags().BoolVar(&all, "all", false, "forget every run")
	cmd.AddCommand(stats, prune)
	return cmd
}
