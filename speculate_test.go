package maker_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/hanoi"
)

// chainTask is a task whose state is a hash of every decision so far, so a
// step built on a wrong predecessor has another state than one built on the
// right one. An answer is "R@<state>=<next>" or "W@<state>=<next>": the
// action names the state of the prompt it answered, which lets a test see
// what each decided step was built from.
type chainTask struct{ n int }

func (c chainTask) Name() string                 { return "chain" }
func (c chainTask) Initial() uint64              { return 1 }
func (c chainTask) Steps() int                   { return c.n }
func (c chainTask) Done(_ uint64, step int) bool { return step >= c.n }
func (c chainTask) Prompt(s uint64, prev string, step int) maker.Prompt {
	return maker.Prompt{System: "chain", User: strconv.FormatUint(s, 10), Hint: s}
}
func (c chainTask) Parse(text string) (maker.Candidate[uint64], error) {
	action, next, ok := strings.Cut(text, "=")
	v, err := strconv.ParseUint(next, 10, 64)
	if !ok || err != nil {
		return maker.Candidate[uint64]{}, fmt.Errorf("%w: %q", maker.ErrMalformed, text)
	}
	return maker.Candidate[uint64]{Action: action, State: v}, nil
}
func (c chainTask) Key(x maker.Candidate[uint64]) string {
	return x.Action + "=" + strconv.FormatUint(x.State, 10)
}

// chainNext is the state after answer a ("R" or "W") from state s.
func chainNext(s uint64, a string) uint64 {
	h := s*0x9e3779b97f4a7c15 + uint64(a[0])
	return h ^ h>>29
}

// chainModel answers right with probability p from the sample's identity,
// and jitters its arrival with a few scheduler yields so samples of several
// steps interleave. It records every request.
type chainModel struct {
	seed uint64
	p    float64
	// flag is the chance of a malformed answer.
	flag  float64
	delay time.Duration
	// instant reports no latency, as an in-process model does.
	instant bool
	mu      sync.Mutex
	reqs    []maker.Request
}

func (m *chainModel) Generate(ctx context.Context, r maker.Request) (maker.Response, error) {
	m.mu.Lock()
	m.reqs = append(m.reqs, r)
	m.mu.Unlock()
	rng := rand.New(rand.NewPCG(m.seed, uint64(r.Step)<<20|uint64(r.Sample)))
	if m.delay > 0 {
		t := time.NewTimer(time.Duration(float64(m.delay) * math.Exp(0.5*rng.NormFloat64())))
		select {
		case <-ctx.Done():
			t.Stop()
			return maker.Response{}, ctx.Err()
		case <-t.C:
		}
	} else {
		for i := rng.IntN(30); i > 0; i-- {
			runtime.Gosched()
		}
	}
	s, _ := strconv.ParseUint(r.User, 10, 64)
	a := "R"
	if rng.Float64() >= m.p {
		a = "W"
	}
	text := fmt.Sprintf("%s@%d=%d", a, s, chainNext(s, a))
	if rng.Float64() < m.flag {
		text = "no answer"
	}
	// It reports the latency of a remote model even when it answers at
	// once: automatic speculation votes ahead only for a model that takes
	// time (maker.MinSpeculationLatency).
	lat := m.delay
	if lat == 0 && !m.instant {
		lat = 50 * time.Millisecond
	}
	return maker.Response{Text: text, InputTokens: 7, OutputTokens: 5, Finish: maker.FinishStop, Latency: lat}, nil
}

// record is an observer that keeps the decided steps.
type record struct{ steps []*maker.StepRecord }

func (o *record) Observe(_ context.Context, rec *maker.StepRecord) error {
	o.steps = append(o.steps, rec)
	return nil
}

// checkInvariant: every sample is a vote, a flag, a cancellation or waste.
func checkInvariant(t *testing.T, s maker.Summary) {
	t.Helper()
	if s.Samples != s.ValidVotes+s.FlaggedTotal()+s.Cancelled+s.Wasted {
		t.Fatalf("samples %d != votes %d + flagged %d + cancelled %d + wasted %d", s.Samples, s.ValidVotes, s.FlaggedTotal(), s.Cancelled, s.Wasted)
	}
}

// checkChain: the decided steps are a gap-free sequence, each decided on a
// prompt built from its decided predecessor.
func checkChain(t *testing.T, steps []*maker.StepRecord) {
	t.Helper()
	state := chainTask{}.Initial()
	for i, rec := range steps {
		if rec.Step != i {
			t.Fatalf("record %d is step %d", i, rec.Step)
		}
		a, from, _ := strings.Cut(rec.Action, "@")
		if from != strconv.FormatUint(state, 10) {
			t.Fatalf("step %d was decided on a prompt from state %s, the decided predecessor is %d", i+1, from, state)
		}
		if got := rec.State.(uint64); got != chainNext(state, a) {
			t.Fatalf("step %d: state %d, want %d", i+1, got, chainNext(state, a))
		}
		state = chainNext(state, a)
	}
}

// TestSpeculationKeepsTheErrorRate is the seeded Monte Carlo: with
// speculation on, at depth 4 and at the automatic depth planned for the
// model's p, the share of steps decided wrong matches the formula
// 1 - 1/(1+((1-p)/p)^k), within four standard deviations of the binomial
// count, and every decided step was built on its decided predecessor.
func TestSpeculationKeepsTheErrorRate(t *testing.T) {
	steps := 10000
	if testing.Short() {
		steps = 600
	}
	for _, depth := range []int{4, maker.SpeculateAuto} {
		for _, p := range []float64{0.8, 0.95, 0.998} {
			for _, k := range []int{2, 3} {
				testErrorRate(t, steps, depth, p, k)
			}
		}
	}
}

func testErrorRate(t *testing.T, steps, depth int, p float64, k int) {
	name := fmt.Sprintf("depth=%d", depth)
	if depth == maker.SpeculateAuto {
		name = "depth=auto"
	}
	t.Run(fmt.Sprintf("%s/p=%g/k=%d", name, p, k), func(t *testing.T) {
		m := &chainModel{seed: uint64(k*1000) + uint64(p*1000), p: p, flag: 0.05}
		obs := &record{}
		res, err := maker.Run(context.Background(), chainTask{n: steps}, m, maker.Config{K: k, Speculate: depth, PlannedP: p, Observers: []maker.Observer{obs}})
		if err != nil {
			t.Fatal(err)
		}
		s := res.Summary
		checkInvariant(t, s)
		checkChain(t, obs.steps)
		if len(obs.steps) != steps {
			t.Fatalf("%d steps observed, want %d", len(obs.steps), steps)
		}
		wrong, wasted, kept := 0, 0, 0
		for _, rec := range obs.steps {
			if strings.HasPrefix(rec.Action, "W") {
				wrong++
			}
			wasted += rec.Wasted
			if rec.Speculative {
				kept++
			}
		}
		if int64(wasted) != s.Wasted || int64(kept) != s.Hits {
			t.Fatalf("steps say %d wasted, %d kept; the summary %d, %d", wasted, kept, s.Wasted, s.Hits)
		}
		r := math.Pow((1-p)/p, float64(k))
		e := r / (1 + r)
		mean, sd := float64(steps)*e, math.Sqrt(float64(steps)*e*(1-e))
		if math.Abs(float64(wrong)-mean) > 4*sd+1 {
			t.Fatalf("%d of %d steps wrong, formula %.1f ± %.1f", wrong, steps, mean, sd)
		}
		// The automatic depth votes ahead at p=0.998 only: below,
		// its leader changes would waste more than 2 % of samples.
		if ahead := depth > 0 || p > 0.99; ahead != (s.Started > 0) {
			t.Fatalf("%d steps started ahead: %+v", s.Started, s.Speculation)
		}
		if depth > 0 && p == 0.8 && (s.Discarded == 0 || s.Wasted == 0) {
			t.Fatalf("at p=0.8 some speculation must be thrown away: %+v", s.Speculation)
		}
		if depth == maker.SpeculateAuto && s.WastedShare() > maker.MaxSpeculationWaste {
			t.Fatalf("the automatic depth wasted %.2f%% of samples", 100*s.WastedShare())
		}
		t.Logf("%d wrong (formula %.2f ± %.2f); depth %d, %d started ahead, %.1f%% kept, %d of %d samples wasted",
			wrong, mean, sd, s.Depth, s.Started, 100*s.HitRate, s.Wasted, s.Samples)
	})
}

// TestSpeculationTemperatureSchedule: every vote, a restarted one included,
// draws its first sample at the first temperature and the others at the
// rest.
func TestSpeculationTemperatureSchedule(t *testing.T) {
	m := &chainModel{seed: 7, p: 0.8}
	temps := &maker.Temperatures{First: 0, Rest: 0.7}
	res, err := maker.Run(context.Background(), chainTask{n: 400}, m, maker.Config{K: 2, Speculate: 3, Temperatures: temps})
	if err != nil {
		t.Fatal(err)
	}
	firsts := map[int]int{}
	for _, r := range m.reqs {
		if (r.Sample == 0) != (r.Temperature == temps.First) {
			t.Fatalf("step %d sample %d at temperature %g", r.Step+1, r.Sample, r.Temperature)
		}
		if r.Sample == 0 {
			firsts[r.Step]++
		}
	}
	restarted := 0
	for _, n := range firsts {
		if n > 1 {
			restarted++
		}
	}
	if restarted == 0 || res.Summary.Discarded == 0 {
		t.Fatalf("no step was restarted (%d discarded): the test shows nothing", res.Summary.Discarded)
	}
}

// TestSpeculationSameVotesAsWithout: in ordered mode, where the model's
// answer depends only on the step, the sample and the prompt, speculation
// changes nothing that is decided: the same steps, votes and tallies.
func TestSpeculationSameVotesAsWithout(t *testing.T) {
	run := func(depth int) []*maker.StepRecord {
		m := &chainModel{seed: 3, p: 0.85, flag: 0.1, delay: time.Millisecond}
		obs := &record{}
		res, err := maker.Run(context.Background(), chainTask{n: 150}, m, maker.Config{K: 3, Ordered: true, Speculate: depth, Observers: []maker.Observer{obs}})
		if err != nil {
			t.Fatal(err)
		}
		checkInvariant(t, res.Summary)
		return obs.steps
	}
	want, got := run(0), run(4)
	if len(want) != len(got) {
		t.Fatalf("%d steps with speculation, %d without", len(got), len(want))
	}
	for i := range want {
		w, g := want[i], got[i]
		if w.Key != g.Key || w.Votes != g.Votes || w.Flagged != g.Flagged || fmt.Sprint(w.Tally) != fmt.Sprint(g.Tally) {
			t.Fatalf("step %d: %s %d votes %d flagged %v with speculation, %s %d %d %v without", i+1, g.Key, g.Votes, g.Flagged, g.Tally, w.Key, w.Votes, w.Flagged, w.Tally)
		}
	}
	checkChain(t, got)
}

// TestSpeculationDepthZeroIsOff: without Speculate no step is started ahead
// and nothing is wasted.
func TestSpeculationDepthZeroIsOff(t *testing.T) {
	m := &chainModel{seed: 5, p: 0.8}
	res, err := maker.Run(context.Background(), chainTask{n: 200}, m, maker.Config{K: 2})
	if err != nil {
		t.Fatal(err)
	}
	if sp := res.Summary.Speculation; sp.Depth != 0 || sp.Started != 0 || sp.Wasted != 0 {
		t.Fatalf("speculation off, got %+v", sp)
	}
	for _, r := range m.reqs {
		if r.Sample == 0 && r.Temperature != maker.DefaultFirstTemperature {
			t.Fatalf("temperature %g", r.Temperature)
		}
	}
}

// TestSpeculationBudgets: speculative samples in flight count against the
// sample and cost budgets, so neither is crossed.
func TestSpeculationBudgets(t *testing.T) {
	pricing := maker.Pricing{InPerMTok: 1000, OutPerMTok: 1000} // 12 tokens = $0.012 a sample
	for _, b := range []maker.Budget{{MaxSamplesTotal: 500}, {MaxCost: 3}} {
		m := &chainModel{seed: 9, p: 0.8, delay: time.Millisecond}
		res, err := maker.Run(context.Background(), chainTask{n: 100000}, m, maker.Config{K: 2, Speculate: 8, Budget: b, Pricing: pricing})
		if err == nil {
			t.Fatal("the budget did not stop the run")
		}
		s := res.Summary
		checkInvariant(t, s)
		if b.MaxSamplesTotal > 0 && (s.Samples > b.MaxSamplesTotal || int64(len(m.reqs)) > b.MaxSamplesTotal) {
			t.Fatalf("%d samples (%d requests) past the cap %d", s.Samples, len(m.reqs), b.MaxSamplesTotal)
		}
		if b.MaxCost > 0 && s.CostUSD > b.MaxCost+1e-9 {
			t.Fatalf("spent %.4f past the cap %.4f", s.CostUSD, b.MaxCost)
		}
		if s.Started == 0 {
			t.Fatal("nothing was started ahead")
		}
	}
}

// execTask is chainTask with an executor: the world applies each decided
// action. It records how many actions were executed.
type execTask struct {
	chainTask
	mu       sync.Mutex
	executed []string
}

func (e *execTask) Execute(_ context.Context, s uint64, w maker.Candidate[uint64]) (uint64, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.executed = append(e.executed, w.Action)
	a, _, _ := strings.Cut(w.Action, "@")
	return chainNext(s, a), nil
}

func (e *execTask) count() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.executed)
}

// execModel is chainModel that notes, for each request, how many actions
// had been executed when the request was made.
type execModel struct {
	*chainModel
	task *execTask
	mu   sync.Mutex
	seen []int // executed actions at each request, with the request's step
}

func (m *execModel) Generate(ctx context.Context, r maker.Request) (maker.Response, error) {
	n := m.task.count()
	m.mu.Lock()
	m.seen = append(m.seen, r.Step, n)
	m.mu.Unlock()
	return m.chainModel.Generate(ctx, r)
}

// TestExecutorNeverSpeculates: with an executor, a step is never asked
// before every step before it was decided and executed, whatever
// Config.Speculate says, and only decided actions are executed.
func TestExecutorNeverSpeculates(t *testing.T) {
	for _, depth := range []int{4, maker.SpeculateAuto} {
		task := &execTask{chainTask: chainTask{n: 60}}
		m := &execModel{chainModel: &chainModel{seed: 11, p: 0.8, delay: time.Millisecond}, task: task}
		obs := &record{}
		res, err := maker.Run(context.Background(), task, m, maker.Config{K: 2, Speculate: depth, PlannedP: 0.9978, Observers: []maker.Observer{obs}})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < len(m.seen); i += 2 {
			if step, executed := m.seen[i], m.seen[i+1]; executed != step {
				t.Fatalf("depth %d: step %d was asked with %d actions executed", depth, step+1, executed)
			}
		}
		if len(task.executed) != len(obs.steps) {
			t.Fatalf("depth %d: %d actions executed for %d decided steps", depth, len(task.executed), len(obs.steps))
		}
		for i, rec := range obs.steps {
			if task.executed[i] != rec.Action {
				t.Fatalf("depth %d: step %d: executed %s, decided %s", depth, i+1, task.executed[i], rec.Action)
			}
		}
		if sp := res.Summary.Speculation; sp.Depth != 0 || sp.Auto || sp.Started != 0 {
			t.Fatalf("depth %d: an executor task speculated: %+v", depth, sp)
		}
	}
}

// TestSpeculationStopsCleanly: a step without consensus, a model error and
// the caller's cancellation each stop a speculative run with every decided
// step observed, in order, and every sample counted.
func TestSpeculationStopsCleanly(t *testing.T) {
	t.Run("no consensus", func(t *testing.T) {
		m := &chainModel{seed: 13, p: 0.5, delay: 100 * time.Microsecond}
		obs := &record{}
		res, err := maker.Run(context.Background(), chainTask{n: 100000}, m, maker.Config{K: 4, MaxSamples: 8, Speculate: 3, Observers: []maker.Observer{obs}})
		if err == nil || res.Summary.Steps != len(obs.steps) {
			t.Fatalf("err %v, %d steps, %d observed", err, res.Summary.Steps, len(obs.steps))
		}
		checkInvariant(t, res.Summary)
		checkChain(t, obs.steps)
	})
	t.Run("cancel", func(t *testing.T) {
		m := &chainModel{seed: 15, p: 0.9, delay: time.Millisecond}
		obs := &record{}
		ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
		defer cancel()
		res, err := maker.Run(ctx, chainTask{n: 100000}, m, maker.Config{K: 2, Speculate: 3, Observers: []maker.Observer{obs}})
		if err == nil || res.Summary.Steps != len(obs.steps) || len(obs.steps) == 0 {
			t.Fatalf("err %v, %d steps, %d observed", err, res.Summary.Steps, len(obs.steps))
		}
		checkInvariant(t, res.Summary)
		checkChain(t, obs.steps)
	})
}

// TestSpeculationForgetsDecidedSteps: a long speculative run holds on to no
// step it has handed over: the heap at the end is about what it was early.
func TestSpeculationForgetsDecidedSteps(t *testing.T) {
	const steps = 30000
	var early, late uint64
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	obs := maker.ObserverFunc(func(_ context.Context, rec *maker.StepRecord) error {
		switch rec.Step {
		case 2000:
			early = heap()
		case steps - 1:
			late = heap()
		}
		return nil
	})
	m := &chainModel{seed: 17, p: 0.99}
	m.reqs = make([]maker.Request, 0, 4*steps) // the model's own record is not the engine's
	if _, err := maker.Run(context.Background(), chainTask{n: steps}, m, maker.Config{K: 2, Speculate: 2, Observers: []maker.Observer{obs}}); err != nil {
		t.Fatal(err)
	}
	// Result.Actions grows by about 32 bytes a step; a slot kept costs
	// kilobytes.
	if grown := int64(late) - int64(early); grown > 8<<20 {
		t.Fatalf("the heap grew by %d MB over %d steps", grown>>20, steps-2000)
	}
}

// TestSpeculationWithBatches: on a batch model, a speculative run counts
// every sample once, whichever request it came in.
func TestSpeculationWithBatches(t *testing.T) {
	task, err := hanoi.New(6)
	if err != nil {
		t.Fatal(err)
	}
	m := &oracleBatch{oracle: task}
	res, err := maker.Run(context.Background(), task, m, maker.Config{K: 3, Batch: true, Speculate: 2})
	if err != nil {
		t.Fatal(err)
	}
	s := res.Summary
	checkInvariant(t, s)
	if !s.Success || s.Wasted != 0 || s.Samples != m.singles.Load()+2*m.batches.Load() {
		t.Fatalf("success %v, %d samples, %d wasted, %d single and %d batched requests", s.Success, s.Samples, s.Wasted, m.singles.Load(), m.batches.Load())
	}
}

// TestSpeculationDepthRule: the automatic depth keeps the expected waste,
// at most the leader-change rate times the depth, within 2 % of samples.
func TestSpeculationDepthRule(t *testing.T) {
	for _, c := range []struct {
		rate float64
		want int
	}{
		{0, maker.MaxAutoSpeculation},
		{0.0022, maker.MaxAutoSpeculation},
		{0.004, 5},
		{0.01, 2},
		{0.015, 1},
		{0.02, 1},
		{0.021, 0},
		{0.2, 0},
		{1, 0},
	} {
		if got := maker.SpeculationDepth(c.rate); got != c.want {
			t.Errorf("SpeculationDepth(%g) = %d, want %d", c.rate, got, c.want)
		}
		if d := maker.SpeculationDepth(c.rate); c.rate*float64(d) > maker.MaxSpeculationWaste+1e-12 {
			t.Errorf("rate %g at depth %d expects %.2f%% waste", c.rate, d, 100*c.rate*float64(d))
		}
	}
}

// TestSpeculationAuto: Speculate = SpeculateAuto votes ahead at the depth
// the planned p allows, wastes at most 2 % of samples, and turns itself off
// when the run's own leader changes say the model is worse than planned.
func TestSpeculationAuto(t *testing.T) {
	for _, c := range []struct {
		name     string
		planned  float64 // Config.PlannedP
		p        float64 // the model's
		lo, hi   int     // bounds of the deepest the run went
		speculat bool    // whether any step was started ahead
	}{
		{"planned 0.9978", 0.9978, 0.9978, maker.MaxAutoSpeculation, maker.MaxAutoSpeculation, true},
		{"planned 0.99", 0.99, 0.99, 2, maker.MaxAutoSpeculation, true},
		{"planned 0.9", 0.9, 0.9, 0, 0, false},
		{"unknown p", 0, 0.9978, maker.MaxAutoSpeculation, maker.MaxAutoSpeculation, true},
		{"worse than planned", 0.9978, 0.8, maker.MaxAutoSpeculation, maker.MaxAutoSpeculation, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			const steps = 3000
			m := &chainModel{seed: 21, p: c.p, flag: 0.01}
			obs := &record{}
			res, err := maker.Run(context.Background(), chainTask{n: steps}, m, maker.Config{K: 3, Speculate: maker.SpeculateAuto, PlannedP: c.planned, Observers: []maker.Observer{obs}})
			if err != nil {
				t.Fatal(err)
			}
			s := res.Summary
			checkInvariant(t, s)
			checkChain(t, obs.steps)
			if !s.Auto || s.Depth < c.lo || s.Depth > c.hi || (s.Started > 0) != c.speculat {
				t.Fatalf("auto %v, depth %d, %d started ahead; want depth %d to %d, speculating %v", s.Auto, s.Depth, s.Started, c.lo, c.hi, c.speculat)
			}
			if w := s.WastedShare(); w > maker.MaxSpeculationWaste {
				t.Fatalf("%.2f%% of samples wasted", 100*w)
			}
			if c.p < c.planned && s.Started > steps/20 {
				t.Fatalf("%d of %d steps started ahead by a model that changes its leader %.1f%% of steps", s.Started, steps, 100*s.LeaderChangeRate)
			}
			t.Logf("depth %d: %d started ahead, %.1f%% kept, %.2f%% wasted, leader changed in %.2f%% of steps", s.Depth, s.Started, 100*s.HitRate, 100*s.WastedShare(), 100*s.LeaderChangeRate)
		})
	}
}

// batchChain is chainModel with batches, recording the size of each
// request by its first sample.
type batchChain struct {
	*chainModel
	mu    sync.Mutex
	sizes map[[2]int]int // (step, first sample) -> n
}

func (m *batchChain) note(r maker.Request, n int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.sizes == nil {
		m.sizes = map[[2]int]int{}
	}
	m.sizes[[2]int{r.Step, r.Sample}] = n
}

func (m *batchChain) Generate(ctx context.Context, r maker.Request) (maker.Response, error) {
	m.note(r, 1)
	return m.chainModel.Generate(ctx, r)
}

func (m *batchChain) GenerateBatch(ctx context.Context, r maker.Request, n int) ([]maker.Response, error) {
	m.note(r, n)
	out := make([]maker.Response, n)
	for i := range out {
		q := r
		q.Sample += i
		var err error
		if out[i], err = m.chainModel.Generate(ctx, q); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// TestSpeculationOpensWithSingleRequests: while speculating, a step's
// opening votes go out one request each, so the step after it starts on the
// fastest of them rather than on the fastest of two requests; without
// speculation they are batched, which costs no time there because the step
// waits for all of them anyway.
func TestSpeculationOpensWithSingleRequests(t *testing.T) {
	const k = 3
	for _, depth := range []int{0, 2, maker.SpeculateAuto} {
		p := 0.95
		if depth == maker.SpeculateAuto {
			p = 0.999 // at 0.95 the measured leader changes turn speculation off
		}
		m := &batchChain{chainModel: &chainModel{seed: 23, p: p}}
		res, err := maker.Run(context.Background(), chainTask{n: 300}, m, maker.Config{K: k, Batch: true, Speculate: depth, PlannedP: 0.999})
		if err != nil {
			t.Fatal(err)
		}
		checkInvariant(t, res.Summary)
		opening, later := 0, 0
		for key, n := range m.sizes {
			switch {
			case depth == maker.SpeculateAuto && key[0] < 2:
				// The probe: automatic speculation votes its first 2 steps
				// one at a time, batched, to measure the model.
			case key[1] < k && n > 1:
				opening++
			case key[1] >= k && n > 1:
				later++
			}
		}
		if depth == 0 && opening == 0 {
			t.Errorf("depth 0: no opening round was batched")
		}
		if depth != 0 && opening > 0 {
			t.Errorf("depth %d: %d opening rounds went out in batches while speculating", depth, opening)
		}
		if depth == 2 && later == 0 {
			t.Errorf("depth 2: no later votes were batched")
		}
		t.Logf("depth %d: %d batched opening requests, %d batched later ones", depth, opening, later)
	}
}

// TestSpeculationSummaryText: the text summary says how deep the run voted
// ahead and whether it chose the depth, its hit rate, its waste and its
// leader changes.
func TestSpeculationSummaryText(t *testing.T) {
	for _, c := range []struct {
		depth   int
		p       float64
		want    []string
		without string
	}{
		{maker.SpeculateAuto, 0.999, []string{"speculation depth 8 (auto): ", "hit rate ", "samples wasted (", "leaders changed in "}, ""},
		{maker.SpeculateAuto, 0.8, []string{"speculation off (auto): leaders changed in "}, "hit rate"},
		{2, 0.999, []string{"speculation depth 2: ", "hit rate "}, "(auto)"},
		{0, 0.999, nil, "speculation"},
	} {
		res, err := maker.Run(context.Background(), chainTask{n: 200}, &chainModel{seed: 29, p: c.p}, maker.Config{K: 3, Speculate: c.depth, PlannedP: c.p})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		if err := res.Summary.WriteText(&b); err != nil {
			t.Fatal(err)
		}
		for _, w := range c.want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("depth %d, p %g: the summary lacks %q:\n%s", c.depth, c.p, w, b.String())
			}
		}
		if c.without != "" && strings.Contains(b.String(), c.without) {
			t.Errorf("depth %d, p %g: the summary says %q:\n%s", c.depth, c.p, c.without, b.String())
		}
	}
}

// TestSpeculationAutoProbe: automatic speculation measures its model on the
// first steps and votes ahead only when the model takes time to answer; an
// instant one (the in-process simulator) is voted step by step, and the
// summary says why.
func TestSpeculationAutoProbe(t *testing.T) {
	for _, instant := range []bool{false, true} {
		m := &chainModel{seed: 5, p: 0.999, instant: instant}
		res, err := maker.Run(context.Background(), chainTask{n: 500}, m, maker.Config{K: 3, Speculate: maker.SpeculateAuto, PlannedP: 0.999})
		if err != nil {
			t.Fatal(err)
		}
		s := res.Summary
		checkInvariant(t, s)
		text := s.SpeculationText()
		t.Logf("instant=%v: %s", instant, text)
		if !s.Auto {
			t.Errorf("instant=%v: summary does not say speculation was automatic", instant)
		}
		if instant {
			if s.Started != 0 || s.Depth != 0 || !s.Instant {
				t.Errorf("instant model: started %d steps ahead at depth %d (instant %v), want none", s.Started, s.Depth, s.Instant)
			}
			if !strings.Contains(text, "the model answers in") {
				t.Errorf("instant model: text %q does not say why speculation is off", text)
			}
			continue
		}
		if s.Started == 0 || s.Depth == 0 || s.Instant {
			t.Errorf("50 ms model: started %d steps ahead at depth %d (instant %v), want speculation", s.Started, s.Depth, s.Instant)
		}
	}
}
