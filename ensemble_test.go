package maker_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/sim"
)

func TestEnsembleAssignment(t *testing.T) {
	m := maker.ModelFunc(func(context.Context, maker.Request) (maker.Response, error) { return maker.Response{}, nil })
	tests := []struct {
		weights []int
		want    string
	}{
		{[]int{1, 1}, "abababab"},
		{[]int{2, 1}, "abaaba"},
		{[]int{1, 2}, "babbab"},
		{[]int{1, 1, 1}, "abcabc"},
		{[]int{0, 3}, "babbba"}, // 0 is taken as 1
	}
	for _, tc := range tests {
		var ms []maker.Member
		for i, w := range tc.weights {
			ms = append(ms, maker.Member{Name: string(rune('a' + i)), Model: m, Weight: w})
		}
		e, err := maker.NewEnsemble(ms...)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		for i := range len(tc.want) {
			got += e.Member(0, i).Name
		}
		if got != tc.want {
			t.Errorf("weights %v: samples go to %q, want %q", tc.weights, got, tc.want)
		}
		// Step i starts i places into the cycle: over a cycle's worth of
		// steps of two samples each, every model draws its share.
		count := map[string]int{}
		cycle := 0
		for _, w := range tc.weights {
			cycle += max(1, w)
		}
		for step := range cycle {
			if step == 1 && e.Member(1, 0).Name != tc.want[1:2] {
				t.Errorf("weights %v: step 2 starts with %s, want %s", tc.weights, e.Member(1, 0).Name, tc.want[1:2])
			}
			for i := range 2 {
				count[e.Member(step, i).Name]++
			}
		}
		for i, w := range tc.weights {
			if n := count[string(rune('a'+i))]; n != 2*max(1, w) {
				t.Errorf("weights %v: %c drew %d of %d samples, want %d", tc.weights, 'a'+i, n, 2*cycle, 2*max(1, w))
			}
		}
	}
	bad := []struct {
		name string
		ms   []maker.Member
	}{
		{"none", nil},
		{"twice", []maker.Member{{Name: "a", Model: m}, {Name: "a", Model: m}}},
		{"unnamed", []maker.Member{{Model: m}}},
		{"nil model", []maker.Member{{Name: "a"}}},
		{"negative weight", []maker.Member{{Name: "a", Model: m, Weight: -1}}},
		{"weights too large", []maker.Member{{Name: "a", Model: m, Weight: 5000}}},
	}
	for _, tc := range bad {
		if _, err := maker.NewEnsemble(tc.ms...); err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
}

// simModel is a named simulated Hanoi model.
func simModel(t testing.TB, task *hanoi.Task, name string, seed uint64) *sim.Model {
	t.Helper()
	cfg, err := sim.ParseName(name, sim.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	cfg.Seed = seed
	m, err := sim.New(task, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestEnsembleSummary checks the per-model table against the samples the
// run recorded: each model's samples, votes for the winner and cost at its
// own prices add up to the run's, with and without speculation.
func TestEnsembleSummary(t *testing.T) {
	task, err := hanoi.New(6)
	if err != nil {
		t.Fatal(err)
	}
	for _, spec := range []int{0, 2} {
		a := simModel(t, task, "sim/a?error=0.05&price_in=1&price_out=2", 1)
		b := simModel(t, task, "sim/b?error=0.3&price_in=0.5&price_out=4", 1)
		ens, err := maker.NewEnsemble(maker.Member{Name: "sim/a", Model: a, Weight: 2}, maker.Member{Name: "sim/b", Model: b})
		if err != nil {
			t.Fatal(err)
		}
		type tot struct {
			samples, votes, agreed int64
			cost                   float64
		}
		want := map[string]*tot{"sim/a": {}, "sim/b": {}}
		obs := maker.ObserverFunc(func(_ context.Context, rec *maker.StepRecord) error {
			for _, s := range rec.Samples {
				w := want[s.Model]
				if w == nil {
					return fmt.Errorf("step %d: sample %d has model %q", rec.Step+1, s.Index, s.Model)
				}
				w.samples++
				w.cost += s.CostUSD
				if s.Voted {
					w.votes++
					if s.Key == rec.Key {
						w.agreed++
					}
				}
			}
			return nil
		})
		res, err := maker.Run(context.Background(), task, ens, maker.Config{K: 3, Ordered: true, Speculate: spec, Observers: []maker.Observer{obs}})
		if err != nil {
			t.Fatal(err)
		}
		s := res.Summary
		if !s.Success || !s.Simulated || len(s.Models) != 2 {
			t.Fatalf("speculate %d: success %v simulated %v models %+v", spec, s.Success, s.Simulated, s.Models)
		}
		var samples int64
		var cost float64
		for _, m := range s.Models {
			w := want[m.Model]
			if m.Votes != w.votes || m.Agreed != w.agreed {
				t.Errorf("speculate %d: %s: votes %d agreed %d, the steps say %d and %d", spec, m.Model, m.Votes, m.Agreed, w.votes, w.agreed)
			}
			// Without speculation no sample is thrown away: the decided
			// steps hold every sample the model drew.
			if spec == 0 && (m.Samples != w.samples || math.Abs(m.CostUSD-w.cost) > 1e-12) {
				t.Errorf("%s: %d samples $%.6f, the steps say %d $%.6f", m.Model, m.Samples, m.CostUSD, w.samples, w.cost)
			}
			samples += m.Samples
			cost += m.CostUSD
		}
		if samples != s.Samples || fmt.Sprintf("%.9f", cost) != fmt.Sprintf("%.9f", s.CostUSD) {
			t.Errorf("speculate %d: models add up to %d samples $%.6f, the run to %d $%.6f", spec, samples, cost, s.Samples, s.CostUSD)
		}
		// The weaker model agrees less often with the winners.
		byName := map[string]maker.ModelStats{}
		for _, m := range s.Models {
			byName[m.Model] = m
		}
		pa, pb := byName["sim/a"].P, byName["sim/b"].P
		if !(pa > pb) || pb > 0.9 || pa < 0.9 {
			t.Errorf("speculate %d: measured p a=%.3f b=%.3f, want a > 0.9 > b", spec, pa, pb)
		}
		// Each sample is priced at its own model's prices: b's answers
		// cost more per output token.
		perA := byName["sim/a"].CostUSD / float64(byName["sim/a"].OutputTokens)
		perB := byName["sim/b"].CostUSD / float64(byName["sim/b"].OutputTokens)
		if !(perB > perA) {
			t.Errorf("speculate %d: cost per output token a %.3g, b %.3g: not priced per model", spec, perA, perB)
		}
	}
}

// TestEnsembleDecorrelatesHardSteps is the Monte Carlo case for ensembles.
// Each simulated model has hard steps on which it is right only half the
// time and always gives the same wrong answer: voting one such model cannot
// fix them. When the hard steps are private to each model, the other model
// is sound there and a two-model ensemble at the same k outvotes the
// repeated error; when they are shared (the same steps, the same wrong
// answer) the ensemble is no better than either model.
func TestEnsembleDecorrelatesHardSteps(t *testing.T) {
	if testing.Short() {
		t.Skip("Monte Carlo")
	}
	const (
		seeds = 40
		k     = 3
		disks = 6 // 63 steps
	)
	task, err := hanoi.New(disks)
	if err != nil {
		t.Fatal(err)
	}
	params := "error=0.001&hard=0.03&hard_error=0.5&hard_steps="
	run := func(mode string, names ...string) int {
		failed := 0
		for seed := uint64(1); seed <= seeds; seed++ {
			var ms []maker.Member
			for _, n := range names {
				ms = append(ms, maker.Member{Name: n, Model: simModel(t, task, n+"?"+params+mode, seed)})
			}
			ens, err := maker.NewEnsemble(ms...)
			if err != nil {
				t.Fatal(err)
			}
			var model maker.Model = ens
			if len(ms) == 1 {
				model = ms[0].Model
			}
			res, err := maker.Run(context.Background(), task, model, maker.Config{K: k, Ordered: true})
			if err != nil || !res.Summary.Success {
				failed++
			}
		}
		return failed
	}
	for _, mode := range []string{"private", "shared"} {
		a, b, ab := run(mode, "sim/a"), run(mode, "sim/b"), run(mode, "sim/a", "sim/b")
		t.Logf("%s hard steps, %d seeds, k=%d: runs failed: a alone %d, b alone %d, ensemble a+b %d", mode, seeds, k, a, b, ab)
		single := min(a, b)
		switch mode {
		case "private":
			if single < seeds/4 || ab*3 > single {
				t.Errorf("private hard steps: the ensemble failed %d runs, the models alone %d and %d; want a third of the better one or less", ab, a, b)
			}
		case "shared":
			if ab*3 < max(a, b)*2 {
				t.Errorf("shared hard steps: the ensemble failed %d runs, the models alone %d and %d; voting across models cannot undo a shared error", ab, a, b)
			}
		}
	}
}

// A cost limit holds for an ensemble whose models are priced apart, with
// and without speculation: the run stops before crossing it, and the
// per-model costs add up to what it spent.
func TestEnsembleBudget(t *testing.T) {
	task, err := hanoi.New(8)
	if err != nil {
		t.Fatal(err)
	}
	for _, spec := range []int{0, 3} {
		a := simModel(t, task, "sim/a?price_in=0.1&price_out=0.1", 1)
		b := simModel(t, task, "sim/b?price_in=20&price_out=40", 1)
		ens, err := maker.NewEnsemble(maker.Member{Name: "a", Model: a}, maker.Member{Name: "b", Model: b})
		if err != nil {
			t.Fatal(err)
		}
		const limit = 0.5
		res, err := maker.Run(context.Background(), task, ens, maker.Config{K: 2, Ordered: true, Speculate: spec, Budget: maker.Budget{MaxCost: limit}})
		var be *maker.BudgetError
		if !errors.As(err, &be) || be.Limit != "max-cost" {
			t.Fatalf("speculate %d: err = %v, want the cost limit", spec, err)
		}
		s := res.Summary
		var sum float64
		for _, m := range s.Models {
			sum += m.CostUSD
		}
		if s.CostUSD > limit || s.CostUSD < limit/2 || math.Abs(sum-s.CostUSD) > 1e-12 || len(s.Models) != 2 {
			t.Errorf("speculate %d: spent $%.4f of $%.2f, models add up to $%.4f (%d models)", spec, s.CostUSD, limit, sum, len(s.Models))
		}
		cost := map[string]float64{}
		for _, m := range s.Models {
			cost[m.Model] = m.CostUSD
		}
		if !(cost["b"] > 50*cost["a"]) {
			t.Errorf("speculate %d: a cost $%.5f, b $%.5f: not priced per model", spec, cost["a"], cost["b"])
		}
	}
}

// The per-model table is rebuilt from the step records (as a journal
// rebuilds a killed session's summary), adds up over resumed sessions, and
// is printed one line a model.
func TestEnsembleSummaryRebuildMergeText(t *testing.T) {
	task, err := hanoi.New(4)
	if err != nil {
		t.Fatal(err)
	}
	a := simModel(t, task, "sim/a?error=0.1", 3)
	b := simModel(t, task, "sim/b?error=0.2&price_out=3", 3)
	ens, err := maker.NewEnsemble(maker.Member{Name: "sim/a", Model: a}, maker.Member{Name: "sim/b", Model: b})
	if err != nil {
		t.Fatal(err)
	}
	var recs []*maker.StepRecord
	obs := maker.ObserverFunc(func(_ context.Context, rec *maker.StepRecord) error { recs = append(recs, rec); return nil })
	res, err := maker.Run(context.Background(), task, ens, maker.Config{K: 2, Ordered: true, Observers: []maker.Observer{obs}})
	if err != nil {
		t.Fatal(err)
	}
	var rebuilt maker.Summary
	for _, rec := range recs {
		rebuilt.AddStep(rec)
	}
	rebuilt.Derive()
	if fmt.Sprint(rebuilt.Models) != fmt.Sprint(res.Summary.Models) {
		t.Errorf("rebuilt from the steps:\n%+v\nthe run's:\n%+v", rebuilt.Models, res.Summary.Models)
	}
	twice := res.Summary
	twice.Models = append(maker.ModelTable(nil), res.Summary.Models...)
	twice.Merge(&res.Summary)
	for i, m := range twice.Models {
		o := res.Summary.Models[i]
		if m.Samples != 2*o.Samples || m.Votes != 2*o.Votes || m.Agreed != 2*o.Agreed || m.P != o.P {
			t.Errorf("merged %+v, want twice %+v", m, o)
		}
	}
	var buf strings.Builder
	if err := res.Summary.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	for _, m := range res.Summary.Models {
		line := fmt.Sprintf("%s %9d %9d %9.5f", m.Model, m.Samples, m.Votes, m.P)
		if !strings.Contains(buf.String(), line) {
			t.Errorf("text has no line %q:\n%s", line, buf.String())
		}
	}
}
