package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/pgtest"
)

// cacheRun is what a run's JSON summary says about its spending.
type cacheRun struct {
	RunID     string  `json:"run_id"`
	Success   bool    `json:"success"`
	Steps     int     `json:"steps"`
	Samples   int64   `json:"samples"`
	CacheHits int64   `json:"cache_hits"`
	CostUSD   float64 `json:"cost_usd"`
}

func cachedRun(t *testing.T, args ...string) cacheRun {
	t.Helper()
	code, out, stderr := runCLI(t, append(args, "--json", "-q")...)
	if code != 0 {
		t.Fatalf("maker %s: exit %d: %s", strings.Join(args, " "), code, stderr)
	}
	var r cacheRun
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("summary: %v\n%s", err, out)
	}
	return r
}

// journaledSteps are a run's committed steps.
func cacheRunSteps(t *testing.T, db, id string) []*maker.StepRecord {
	t.Helper()
	j, err := maker.OpenJournal(context.Background(), db, true)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	var out []*maker.StepRecord
	if err := j.Steps(context.Background(), id, 0, -1, func(r *maker.StepRecord) error {
		out = append(out, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// A finished Hanoi run started again on its journal decides every step
// from the decision cache: no model call, no cost, the same actions, each
// step journaled with the run it came from. Another model setting, or
// --no-cache, votes again.
func TestCacheSecondRunIsFree(t *testing.T) {
	db := filepath.Join(t.TempDir(), "j.db")
	first := cachedRun(t, "hanoi", "--disks", "10", "--db", db)
	second := cachedRun(t, "hanoi", "--disks", "10", "--db", db)
	if first.Samples == 0 || first.CacheHits != 0 {
		t.Fatalf("first run: %+v; want samples and no cache hits", first)
	}
	if !second.Success || second.Samples != 0 || second.CacheHits != 1023 || second.CostUSD != 0 {
		t.Fatalf("second run: %+v; want success, 0 samples, 1023 cache hits, $0", second)
	}
	a, b := cacheRunSteps(t, db, first.RunID), cacheRunSteps(t, db, second.RunID)
	if len(a) != 1023 || len(b) != 1023 {
		t.Fatalf("journaled %d and %d steps, want 1023", len(a), len(b))
	}
	for i := range a {
		want := fmt.Sprintf("run %s step %d", first.RunID, i+1)
		if a[i].Action != b[i].Action || b[i].CacheHit != want || len(b[i].Samples) != 0 {
			t.Fatalf("step %d: %q then %q, cache hit %q (want %q), %d samples", i+1, a[i].Action, b[i].Action, b[i].CacheHit, want, len(b[i].Samples))
		}
	}
	// A replay of the cached run re-decides each step on the votes of the
	// step it came from.
	code, out, stderr := runCLI(t, "replay", second.RunID, "--db", db, "--json")
	var rp maker.RunReplay
	if code != 0 || json.Unmarshal([]byte(out), &rp) != nil || rp.Same != 1023 || rp.Undecided != 0 {
		t.Errorf("replay of the cached run: exit %d, %s%s; want 1023 steps the same", code, out, stderr)
	}
	for _, args := range [][]string{{"--sim-error", "0.3"}, {"--no-cache"}} {
		r := cachedRun(t, append([]string{"hanoi", "--disks", "10", "--db", db}, args...)...)
		if r.Samples == 0 || r.CacheHits != 0 {
			t.Errorf("%v: %+v; want a vote on every step", args, r)
		}
	}
	code, out, stderr = runCLI(t, "cache", "stats", "--db", db, "--json")
	var st maker.CacheStats
	if code != 0 || json.Unmarshal([]byte(out), &st) != nil || st.Runs != 3 || st.Steps != 3*1023 || len(st.Scopes) != 2 || st.Scopes[0].Runs != 2 {
		t.Errorf("cache stats: exit %d, %s%s; want 3 runs with 3069 steps in 2 scopes (the first two runs', and the one at --sim-error 0.3)", code, out, stderr)
	}
	if code, out, _ := runCLI(t, "cache", "prune", "--db", db, "--run", first.RunID); code != 0 || !strings.Contains(out, "forgot 1 run (1023 steps)") {
		t.Errorf("prune --run: exit %d, %s", code, out)
	}
	if n := len(cacheRunSteps(t, db, first.RunID)); n != 1023 {
		t.Errorf("the pruned run has %d journaled steps, want all 1023", n)
	}
	if code, _, stderr := runCLI(t, "cache", "prune", "--db", db); code != 2 || !strings.Contains(stderr, "--older-than, --run or --all") {
		t.Errorf("prune without a selection: exit %d, %s", code, stderr)
	}
}

// A first run on a journal, which finds no earlier run in its scope,
// stores nothing per step for the cache: its journal is the size of a
// --no-cache run's.
func TestCacheFirstRunStoresNothing(t *testing.T) {
	dir := t.TempDir()
	size := func(db string) int64 {
		t.Helper()
		var n int64
		for _, suffix := range []string{"", "-wal"} {
			if fi, err := os.Stat(db + suffix); err == nil {
				n += fi.Size()
			}
		}
		return n
	}
	cached, uncached := filepath.Join(dir, "cached.db"), filepath.Join(dir, "uncached.db")
	cachedRun(t, "hanoi", "--disks", "10", "--db", cached)
	cachedRun(t, "hanoi", "--disks", "10", "--db", uncached, "--no-cache")
	// A page or two of slack: the runs row's scope mark.
	if a, b := size(cached), size(uncached); a > b+8192 {
		t.Errorf("journal of a first run with the cache: %d bytes; with --no-cache %d (%.0f more a step)", a, b, float64(a-b)/1023)
	}
}

// A ledger whose inputs change at record 5,000 pays only from there: the
// 4,999 steps before it are decided from the first run's cache.
func TestCacheLedgerPaysFromTheChange(t *testing.T) {
	t.Parallel() // a directory and a journal of its own
	dir := t.TempDir()
	for _, name := range []string{"ledger.yaml", "ledger.jsonl", "ledger.expected.jsonl"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "examples", "yaml", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db := filepath.Join(dir, "j.db")
	task := filepath.Join(dir, "ledger.yaml")
	first := cachedRun(t, "run", task, "--db", db)
	if !first.Success || first.Steps != 10_000 || first.Samples == 0 {
		t.Fatalf("first run: %+v", first)
	}
	// Record 5,000 pays one more: every balance after it moves.
	rewrite(t, filepath.Join(dir, "ledger.jsonl"), func(n int, line string) string {
		if n == 5000 {
			return strings.Replace(line, `"amount":4}`, `"amount":5}`, 1)
		}
		return line
	})
	rewrite(t, filepath.Join(dir, "ledger.expected.jsonl"), func(n int, line string) string {
		if n < 5000 {
			return line
		}
		var e struct {
			Action string `json:"action"`
			State  string `json:"state"`
		}
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatal(err)
		}
		if n == 5000 {
			e.Action = strings.Replace(e.Action, "bob pays alice 4", "bob pays alice 5", 1)
		}
		var alice, bob, carol, dave int
		if _, err := fmt.Sscanf(e.State, "alice=%d bob=%d carol=%d dave=%d", &alice, &bob, &carol, &dave); err != nil {
			t.Fatal(err)
		}
		e.State = fmt.Sprintf("alice=%d bob=%d carol=%d dave=%d", alice+1, bob-1, carol, dave)
		b, _ := json.Marshal(e)
		return string(b)
	})
	second := cachedRun(t, "run", task, "--db", db)
	if !second.Success || second.CacheHits != 4999 {
		t.Fatalf("second run: %+v; want success with 4999 cache hits", second)
	}
	// Instructions that change change every prompt: a run votes again.
	rewrite(t, task, func(_ int, line string) string {
		return strings.Replace(line, "Book only the one transaction you are given.", "Book only the transaction you are given.", 1)
	})
	if third := cachedRun(t, "run", task, "--db", db); !third.Success || third.CacheHits != 0 {
		t.Errorf("a run after the instructions changed: %+v; want success with no cache hits", third)
	}
	steps := cacheRunSteps(t, db, second.RunID)
	for _, s := range steps {
		if hit := s.Step < 4999; hit != (s.CacheHit != "") || hit != (len(s.Samples) == 0) {
			t.Fatalf("step %d: cache hit %q with %d samples; want hits, and only hits, before step 5000", s.Step+1, s.CacheHit, len(s.Samples))
		}
	}
}

// rewrite replaces each line of a file (numbered from 1) with f's.
func rewrite(t *testing.T, path string, f func(n int, line string) string) {
	t.Helper()
	in, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	sc := bufio.NewScanner(in)
	for n := 1; sc.Scan(); n++ {
		out.WriteString(f(n, sc.Text()) + "\n")
	}
	in.Close()
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(out.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// On a PostgreSQL journal the cache is the database's: a run on one
// machine decides what a run on another then gets free.
func TestCacheOnPostgres(t *testing.T) {
	db := pgtest.Database(t)
	first := cachedRun(t, "hanoi", "--disks", "6", "--db", db, "--local")
	second := cachedRun(t, "hanoi", "--disks", "6", "--db", db, "--local")
	if first.Samples == 0 || second.Samples != 0 || second.CacheHits != 63 || !second.Success {
		t.Fatalf("first %+v, second %+v; want the second decided from the cache", first, second)
	}
}

// A task whose model settings change by step (requirements' proposal
// temperature) votes every step: the digest cannot see such a setting.
func TestCacheSkipsPerStepModelSettings(t *testing.T) {
	db := filepath.Join(t.TempDir(), "j.db")
	for range 2 {
		r := cachedRun(t, "requirements", "Build a simple task management API", "--k", "1", "--seed", "29", "--db", db)
		if r.Samples == 0 || r.CacheHits != 0 {
			t.Fatalf("requirements: %+v; want every step voted", r)
		}
	}
}
