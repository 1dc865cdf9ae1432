package maker_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/sim"
)

// memCache is a DecisionCache in memory, with the journal its runs' steps
// would be in.
type memCache struct {
	mu     sync.Mutex
	scopes map[string]string // run -> scope
	runs   []string          // in the order they began
	steps  map[string][]maker.CachedStep
	begins int
}

func (c *memCache) Begin(_ context.Context, origin, scope string) (iter.Seq2[maker.CachedStep, error], error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.scopes == nil {
		c.scopes, c.steps = map[string]string{}, map[string][]maker.CachedStep{}
	}
	c.begins++
	if _, ok := c.scopes[origin]; !ok {
		c.runs = append(c.runs, origin)
	}
	c.scopes[origin] = scope
	var out []maker.CachedStep
	for _, run := range c.runs {
		if run != origin && c.scopes[run] == scope {
			out = append(out, c.steps[run]...)
		}
	}
	return func(yield func(maker.CachedStep, error) bool) {
		for _, s := range out {
			if !yield(s, nil) {
				return
			}
		}
	}, nil
}

// journal is an observer that journals run's steps, as a journal would.
func (c *memCache) journal(run string) maker.Observer {
	return maker.ObserverFunc(func(_ context.Context, r *maker.StepRecord) error {
		state, err := json.Marshal(r.State)
		if err != nil {
			return err
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.steps == nil {
			c.scopes, c.steps = map[string]string{}, map[string][]maker.CachedStep{}
		}
		c.steps[run] = append(c.steps[run], maker.CachedStep{Run: run, Step: r.Step, K: r.K, Action: r.Action, State: state, Wrong: r.Wrong})
		return nil
	})
}

// use sets cfg to decide from c as run, and to journal its steps there.
func (c *memCache) use(cfg maker.Config, run string) maker.Config {
	cfg.Cache, cfg.CacheOrigin = c, run
	cfg.Observers = append(cfg.Observers, c.journal(run))
	return cfg
}

// counted counts the calls that reach a model.
type counted struct {
	maker.Model
	calls atomic.Int64
}

func (c *counted) Generate(ctx context.Context, req maker.Request) (maker.Response, error) {
	c.calls.Add(1)
	return c.Model.Generate(ctx, req)
}

func cachedSim(t *testing.T, task *hanoi.Task, errRate float64) *counted {
	t.Helper()
	cfg := sim.DefaultConfig()
	cfg.ErrorRate = errRate
	m, err := sim.New(task, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &counted{Model: m}
}

func hanoiTask(t *testing.T, disks int) *hanoi.Task {
	t.Helper()
	task, err := hanoi.New(disks)
	if err != nil {
		t.Fatal(err)
	}
	return task
}

// A run started again on the same cache and settings decides every step
// from the cache: no model call, no cost, the same actions; a setting that
// could change the vote (the scope, k, a temperature) votes again.
func TestCacheReusesDecidedSteps(t *testing.T) {
	for _, tc := range []struct {
		name      string
		speculate int
	}{{"step by step", 0}, {"voting ahead", 3}} {
		t.Run(tc.name, func(t *testing.T) {
			task := hanoiTask(t, 6)
			cache := &memCache{}
			runs := 0
			cfg := func(scope string, k int, temp float64) maker.Config {
				runs++
				return cache.use(maker.Config{K: k, Speculate: tc.speculate, Ordered: true, CacheScope: scope,
					Temperatures: &maker.Temperatures{First: 0, Rest: temp}}, fmt.Sprint("run", runs))
			}
			first := cachedSim(t, task, 0.05)
			res1, err := maker.Run(context.Background(), task, first, cfg("sim error=0.05", 3, 0.1))
			if err != nil {
				t.Fatal(err)
			}
			if first.calls.Load() == 0 || res1.Summary.CacheHits != 0 {
				t.Fatalf("first run: %d calls, %d cache hits; want calls and no hits", first.calls.Load(), res1.Summary.CacheHits)
			}
			again := cachedSim(t, task, 0.05)
			res2, err := maker.Run(context.Background(), task, again, cfg("sim error=0.05", 3, 0.1))
			if err != nil {
				t.Fatal(err)
			}
			if n := again.calls.Load(); n != 0 {
				t.Errorf("second run made %d model calls, want 0", n)
			}
			if res2.Summary.CacheHits != 63 || res2.Summary.CostUSD != 0 || res2.Summary.Samples != 0 || !res2.Summary.Success {
				t.Errorf("second run: cache_hits %d, cost $%g, samples %d, success %v; want 63, 0, 0, true",
					res2.Summary.CacheHits, res2.Summary.CostUSD, res2.Summary.Samples, res2.Summary.Success)
			}
			if !slices.Equal(res1.Actions, res2.Actions) {
				t.Errorf("the cached run decided other actions")
			}
			for _, other := range []struct {
				scope string
				k     int
				temp  float64
			}{{"sim error=0.3", 3, 0.1}, {"sim error=0.05", 4, 0.1}, {"sim error=0.05", 3, 0.7}} {
				m := cachedSim(t, task, 0.05)
				res, err := maker.Run(context.Background(), task, m, cfg(other.scope, other.k, other.temp))
				if err != nil {
					t.Fatal(err)
				}
				if m.calls.Load() == 0 || res.Summary.CacheHits != 0 {
					t.Errorf("%+v: %d calls, %d cache hits; want a vote on every step", other, m.calls.Load(), res.Summary.CacheHits)
				}
			}
		})
	}
}

// Every hit says where its step was decided.
func TestCacheHitNamesItsOrigin(t *testing.T) {
	task := hanoiTask(t, 3)
	cache := &memCache{}
	var recs []*maker.StepRecord
	for i, origin := range []string{"first", "second"} {
		cfg := cache.use(maker.Config{Ordered: true, CacheScope: "s"}, origin)
		if i == 1 {
			cfg.Observers = []maker.Observer{maker.ObserverFunc(func(_ context.Context, r *maker.StepRecord) error {
				recs = append(recs, r)
				return nil
			})}
		}
		if _, err := maker.Run(context.Background(), task, cachedSim(t, task, 0), cfg); err != nil {
			t.Fatal(err)
		}
	}
	if len(recs) != 7 {
		t.Fatalf("%d steps observed, want 7", len(recs))
	}
	for _, r := range recs {
		want := fmt.Sprintf("run first step %d", r.Step+1)
		if r.CacheHit != want || len(r.Samples) != 0 || r.Votes != 0 {
			t.Errorf("step %d: cache_hit %q, %d samples, %d votes; want %q and none", r.Step+1, r.CacheHit, len(r.Samples), r.Votes, want)
		}
	}
}

// A step the task's checker rejected is not kept: the next run votes it.
func TestCacheKeepsNoWrongStep(t *testing.T) {
	task := numberedTask{countTask{n: 4}}
	cache := &memCache{}
	wrongAt1 := script(func(step, _ int) string {
		if step == 1 {
			return "answer=W"
		}
		return "answer=R"
	})
	cfg := maker.Config{K: 1, CacheScope: "s"}
	if _, err := maker.Run(context.Background(), task, wrongAt1, cache.use(cfg, "a")); err != nil {
		t.Fatal(err)
	}
	calls := atomic.Int64{}
	right := maker.ModelFunc(func(_ context.Context, req maker.Request) (maker.Response, error) {
		calls.Add(1)
		return maker.Response{Text: "answer=R", Finish: maker.FinishStop}, nil
	})
	res, err := maker.Run(context.Background(), task, right, cache.use(cfg, "b"))
	if err != nil {
		t.Fatal(err)
	}
	// Step 2 is voted again (the checker rejected it), and so is step 3,
	// whose prompt names step 2's action; steps 1 and 4 are free.
	if res.Summary.CacheHits != 2 || calls.Load() != 2 || res.Summary.WrongSteps != 0 {
		t.Errorf("second run: %d cache hits, %d calls, %d wrong steps; want 2, 2, 0",
			res.Summary.CacheHits, calls.Load(), res.Summary.WrongSteps)
	}
}

// numberedTask is countTask with the step number in its prompt, so no two
// steps share one.
type numberedTask struct{ countTask }

func (c numberedTask) Prompt(s int, prev string, step int) maker.Prompt {
	p := c.countTask.Prompt(s, prev, step)
	p.User += fmt.Sprintf(" step %d", step)
	return p
}

// failingCache cannot read the journal.
type failingCache struct{}

func (failingCache) Begin(context.Context, string, string) (iter.Seq2[maker.CachedStep, error], error) {
	return func(yield func(maker.CachedStep, error) bool) {
		yield(maker.CachedStep{}, errors.New("disk on fire"))
	}, nil
}

// A cache that fails costs the run nothing but the reuse: every step is
// voted and decided, and the run says what went wrong.
func TestCacheThatFailsIsNoFailure(t *testing.T) {
	task := hanoiTask(t, 4)
	var log bytes.Buffer
	res, err := maker.Run(context.Background(), task, cachedSim(t, task, 0.01), maker.Config{Ordered: true, Cache: failingCache{}, CacheScope: "s",
		Logger: slog.New(slog.NewTextHandler(&log, nil))})
	if err != nil || !res.Summary.Success || res.Summary.CacheHits != 0 {
		t.Fatalf("run: %v, %+v", err, res.Summary)
	}
	if !strings.Contains(log.String(), "could not be read") || !strings.Contains(log.String(), "disk on fire") {
		t.Errorf("log: %q", log.String())
	}
}

// A state the run meets again is decided from the run's own earlier step,
// with no earlier run in its scope: countTask's prompt is the same from
// its second step on.
func TestCacheReusesTheRunsOwnSteps(t *testing.T) {
	calls := atomic.Int64{}
	right := maker.ModelFunc(func(_ context.Context, req maker.Request) (maker.Response, error) {
		calls.Add(1)
		return maker.Response{Text: "answer=R", Finish: maker.FinishStop}, nil
	})
	cache := &memCache{}
	res, err := maker.Run(context.Background(), countTask{n: 10}, right, cache.use(maker.Config{K: 1, CacheScope: "s"}, "a"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Summary.CacheHits != 8 || calls.Load() != 2 || cache.begins != 1 {
		t.Errorf("%d cache hits, %d calls, %d begins; want 8 (steps 3 to 10 from step 2), 2 and 1", res.Summary.CacheHits, calls.Load(), cache.begins)
	}
}

// An earlier run's step a person decided is voted again, though the steps
// after it are reused; a replay stops at a step it cannot follow (a state
// that does not decode, a gap in the steps).
func TestCacheReplayOfAnEarlierRun(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(steps []maker.CachedStep) []maker.CachedStep
		hits   int64
	}{
		{"as journaled", func(s []maker.CachedStep) []maker.CachedStep { return s }, 4},
		{"step 2 asked", func(s []maker.CachedStep) []maker.CachedStep { s[1].Asked = true; return s }, 3},
		{"step 3 undecodable", func(s []maker.CachedStep) []maker.CachedStep { s[2].State = json.RawMessage(`"x"`); return s }, 2},
		{"step 2 not journaled", func(s []maker.CachedStep) []maker.CachedStep { return append(s[:1], s[2:]...) }, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			task := numberedTask{countTask{n: 4}}
			right := func(calls *atomic.Int64) maker.Model {
				return maker.ModelFunc(func(_ context.Context, req maker.Request) (maker.Response, error) {
					calls.Add(1)
					return maker.Response{Text: "answer=R", Finish: maker.FinishStop}, nil
				})
			}
			cache := &memCache{}
			cfg := maker.Config{K: 1, CacheScope: "s"}
			var first atomic.Int64
			if _, err := maker.Run(context.Background(), task, right(&first), cache.use(cfg, "a")); err != nil {
				t.Fatal(err)
			}
			cache.steps["a"] = tc.change(cache.steps["a"])
			var calls atomic.Int64
			res, err := maker.Run(context.Background(), task, right(&calls), cache.use(cfg, "b"))
			if err != nil {
				t.Fatal(err)
			}
			if res.Summary.CacheHits != tc.hits || calls.Load() != 4-tc.hits || !res.Summary.Success {
				t.Errorf("%d cache hits, %d calls, success %v; want %d, %d, true", res.Summary.CacheHits, calls.Load(), res.Summary.Success, tc.hits, 4-tc.hits)
			}
		})
	}
}

// expecting is numberedTask whose checker expects action want at step at,
// and R elsewhere: an input that its prompts do not show.
type expecting struct {
	numberedTask
	at   int
	want string
}

func (e expecting) Check(step int, _ int, d maker.Candidate[int]) error {
	want := "R"
	if step == e.at {
		want = e.want
	}
	if d.Action != want {
		return fmt.Errorf("decided %s, want %s", d.Action, want)
	}
	return nil
}

// A cached step the task's checker rejects now (its expected answer
// changed since) is voted: the run pays from there, and is right.
func TestCacheHitTheCheckerRejectsIsVoted(t *testing.T) {
	answer := func(calls *atomic.Int64, at int, text string) maker.Model {
		return maker.ModelFunc(func(_ context.Context, req maker.Request) (maker.Response, error) {
			calls.Add(1)
			if req.Step == at {
				return maker.Response{Text: "answer=" + text, Finish: maker.FinishStop}, nil
			}
			return maker.Response{Text: "answer=R", Finish: maker.FinishStop}, nil
		})
	}
	cache := &memCache{}
	cfg := maker.Config{K: 1, CacheScope: "s"}
	var first atomic.Int64
	if _, err := maker.Run(context.Background(), expecting{numberedTask{countTask{n: 4}}, 1, "R"}, answer(&first, 1, "R"), cache.use(cfg, "a")); err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int64
	res, err := maker.Run(context.Background(), expecting{numberedTask{countTask{n: 4}}, 1, "Q"}, answer(&calls, 1, "Q"), cache.use(cfg, "b"))
	if err != nil {
		t.Fatal(err)
	}
	// Step 1 is free; step 2 is voted (Q), and so is step 3, whose prompt
	// names it; step 4's prompt is the first run's again, and free.
	if res.Summary.CacheHits != 2 || calls.Load() != 2 || res.Summary.WrongSteps != 0 || !res.Summary.Success {
		t.Errorf("%d cache hits, %d calls, %d wrong; want 2, 2, 0", res.Summary.CacheHits, calls.Load(), res.Summary.WrongSteps)
	}
}

// emptyCache finds no earlier run.
type emptyCache struct{}

func (emptyCache) Begin(context.Context, string, string) (iter.Seq2[maker.CachedStep, error], error) {
	return func(func(maker.CachedStep, error) bool) {}, nil
}

// BenchmarkCacheFirstRun is what the cache costs a run that finds no
// earlier run in its scope (the cache's own per-step work), beside the
// same run without a cache.
func BenchmarkCacheFirstRun(b *testing.B) {
	task, err := hanoi.New(12)
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		cache maker.DecisionCache
	}{{"no cache", nil}, {"cache", emptyCache{}}} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				m, err := sim.New(task, sim.DefaultConfig())
				if err != nil {
					b.Fatal(err)
				}
				if _, err := maker.Run(context.Background(), task, m, maker.Config{K: 3, Ordered: true, Cache: tc.cache, CacheScope: "s", DiscardActions: true}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(task.Steps()), "ns/step")
		})
	}
}
