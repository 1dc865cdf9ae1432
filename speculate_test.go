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
	mu    sync.Mutex
	reqs  []maker.Request
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
	return maker.Response{Text: text, InputTokens: 7, OutputTokens: 5, Finish: maker.FinishStop}, nil
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
// speculation on, the share of steps decided wrong matches the formula
// 1 - 1/(1+((1-p)/p)^k), within four standard deviations of the binomial
// count, and every decided step was built on its decided predecessor.
func TestSpeculationKeepsTheErrorRate(t *testing.T) {
	steps := 10000
	if testing.Short() {
		steps = 600
	}
	for _, p := range []float64{0.8, 0.95, 0.998} {
		for _, k := range []int{2, 3} {
			t.Run(fmt.Sprintf("p=%g/k=%d", p, k), func(t *testing.T) {
				m := &chainModel{seed: uint64(k*1000) + uint64(p*1000), p: p, flag: 0.05}
				obs := &record{}
				res, err := maker.Run(context.Background(), chainTask{n: steps}, m, maker.Config{K: k, Speculate: 4, Observers: []maker.Observer{obs}})
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
				if s.Started == 0 {
					t.Fatalf("no step was started ahead: %+v", s.Speculation)
				}
				if p == 0.8 && (s.Discarded == 0 || s.Wasted == 0) {
					t.Fatalf("at p=0.8 some speculation must be thrown away: %+v", s.Speculation)
				}
				t.Logf("%d wrong (formula %.2f ± %.2f); %d started ahead, %.1f%% kept, %d of %d samples wasted",
					wrong, mean, sd, s.Started, 100*s.HitRate, s.Wasted, s.Samples)
			})
		}
	}
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
	task := &execTask{chainTask: chainTask{n: 60}}
	m := &execModel{chainModel: &chainModel{seed: 11, p: 0.8, delay: time.Millisecond}, task: task}
	obs := &record{}
	res, err := maker.Run(context.Background(), task, m, maker.Config{K: 2, Speculate: 4, Observers: []maker.Observer{obs}})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(m.seen); i += 2 {
		if step, executed := m.seen[i], m.seen[i+1]; executed != step {
			t.Fatalf("step %d was asked with %d actions executed", step+1, executed)
		}
	}
	if len(task.executed) != len(obs.steps) {
		t.Fatalf("%d actions executed for %d decided steps", len(task.executed), len(obs.steps))
	}
	for i, rec := range obs.steps {
		if task.executed[i] != rec.Action {
			t.Fatalf("step %d: executed %s, decided %s", i+1, task.executed[i], rec.Action)
		}
	}
	if sp := res.Summary.Speculation; sp.Depth != 0 || sp.Started != 0 {
		t.Fatalf("an executor task speculated: %+v", sp)
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

// TestSpeculationWithBatches: a batch model draws a speculative step's
// later votes in one request too, and every sample is counted.
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
	if !s.Success || s.Wasted != 0 || m.batches.Load() == 0 || s.Samples != m.singles.Load()+2*m.batches.Load() {
		t.Fatalf("success %v, %d samples, %d wasted, %d single and %d batched requests", s.Success, s.Samples, s.Wasted, m.singles.Load(), m.batches.Load())
	}
}
