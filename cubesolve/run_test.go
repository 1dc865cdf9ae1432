package cubesolve_test

import (
	"context"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/cube"
	"github.com/maker-go/maker/cubesolve"
	"github.com/maker-go/maker/plan"
	"github.com/maker-go/maker/sim"
)

// run solves the scramble of scrambleSeed on the simulator with margin k.
func run(t *testing.T, scrambleSeed uint64, k int, cfg sim.Config) (*cubesolve.Task, *maker.Result[cube.Facelets], error) {
	t.Helper()
	c, _ := cube.Scramble(scrambleSeed)
	task, err := cubesolve.New(c)
	if err != nil {
		t.Fatal(err)
	}
	m, err := sim.New(task, cfg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := maker.Run(context.Background(), task, m, maker.Config{K: k, Ordered: true})
	if res == nil {
		t.Fatal(err)
	}
	return task, res, err
}

// TestSolvesScramblesOnTheSimulator runs the whole pipeline (prompt, strict
// parser, key, voting, red flags, checker) on random scrambles at the
// simulator's default error rate and at a high one: every cube ends solved,
// every decided step is the method's, and the decided turns are exactly
// the reference solution.
func TestSolvesScramblesOnTheSimulator(t *testing.T) {
	for _, rate := range []float64{sim.DefaultConfig().ErrorRate, 0.2} {
		for seed := range uint64(5) {
			cfg := sim.DefaultConfig()
			cfg.Seed = seed + 1
			cfg.ErrorRate = rate
			task, res, err := run(t, seed, 3, cfg)
			s := res.Summary
			if err != nil || !s.Success || s.WrongSteps != 0 || !task.Done(res.State, s.Steps) {
				t.Fatalf("rate %g scramble %d: err %v, success %v, wrong %d, steps %d of %d", rate, seed, err, s.Success, s.WrongSteps, s.Steps, task.Steps())
			}
			ref := task.Reference()
			if len(res.Actions) != len(ref) {
				t.Fatalf("rate %g scramble %d: %d steps, method takes %d", rate, seed, len(res.Actions), len(ref))
			}
			for i, a := range res.Actions {
				if a != ref[i].Turns.String() {
					t.Fatalf("rate %g scramble %d step %d: %q, want %q", rate, seed, i, a, ref[i].Turns)
				}
			}
			if rate > 0.1 && (s.FlaggedTotal() == 0 || s.ValidVotes <= int64(3*s.Steps)) {
				t.Errorf("rate %g: %d flagged, %d votes for %d steps: the errors did not show", rate, s.FlaggedTotal(), s.ValidVotes, s.Steps)
			}
		}
	}
}

// TestVotingBeatsSingleSamples: at a raised error rate (10% of samples
// wrong, 30% of those red-flagged), one sample per step (k=1) fails almost
// every solve, while the k planned by plan.KMin for a 95% target fails
// few. Each run has about 30 steps and uses its own scramble and seed.
func TestVotingBeatsSingleSamples(t *testing.T) {
	const seeds, rate = 200, 0.10
	fails := map[string]int{}
	ks := map[int]int{}
	for seed := range uint64(seeds) {
		cfg := sim.DefaultConfig()
		cfg.Seed = seed + 100
		cfg.ErrorRate = rate
		c, _ := cube.Scramble(seed + 1000)
		task, err := cubesolve.New(c)
		if err != nil {
			t.Fatal(err)
		}
		planned, err := plan.KMin(1-rate, task.Steps(), 0.95, 1)
		if err != nil {
			t.Fatal(err)
		}
		if planned < 2 {
			t.Fatalf("planned k = %d for %d steps", planned, task.Steps())
		}
		ks[planned]++
		for _, k := range []int{1, planned} {
			_, res, err := run(t, seed+1000, k, cfg)
			if err != nil || !res.Summary.Success {
				if k == 1 {
					fails["k=1"]++
				} else {
					fails["planned"]++
				}
			}
		}
	}
	// With k=1 a step is wrong with probability about 0.07/0.97 ≈ 0.072
	// (flagged samples are redrawn), so a 30-step solve succeeds with
	// probability about 0.93^30 ≈ 0.11: about 178 of 200 fail, and fewer
	// than 160 is more than 4 standard deviations (sd ≈ 4.4) away. The
	// planned k keeps the expected whole-run failure under 5% (10 of 200);
	// more than 20 is below 0.2% likely even at a 5% rate.
	if fails["k=1"] < 160 || fails["planned"] > 20 {
		t.Fatalf("failures over %d solves: k=1 %d, planned k %d", seeds, fails["k=1"], fails["planned"])
	}
	t.Logf("failures over %d solves at error rate %g: k=1 %d, planned k %d (planned k: %v solves each)", seeds, rate, fails["k=1"], fails["planned"], ks)
}
