package plan_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/calibrate"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/plan"
	"github.com/maker-go/maker/sim"
)

// hardSim is the simulator with hard steps: base error 0.002, and 1% of the
// steps at error 0.4, where every wrong answer is the same one.
func hardSim(seed uint64) sim.Config {
	cfg := sim.DefaultConfig()
	cfg.Seed = seed
	cfg.ErrorRate, cfg.HardFraction, cfg.HardErrorRate = 0.002, 0.01, 0.4
	return cfg
}

// successes runs n seeded 10-disk Hanoi runs (1,023 steps) through the
// engine at margin k and counts those that decide every step right.
func successes(t *testing.T, n, k int) int {
	t.Helper()
	task, err := hanoi.New(10)
	if err != nil {
		t.Fatal(err)
	}
	ok := 0
	for i := range n {
		m, err := sim.New(task, hardSim(uint64(1000+i)))
		if err != nil {
			t.Fatal(err)
		}
		// MaxSamples far above what a hard step takes at this k: the plan
		// counts a step as decided, right or wrong, never as stuck. A run
		// with a wrong step fails, whether it stops at once or wanders to
		// the step limit.
		res, err := maker.Run(context.Background(), task, m, maker.Config{K: k, Ordered: true, MaxSamples: 100_000, DiscardActions: true})
		if err != nil && !errors.Is(err, maker.ErrNoConsensus) && !errors.Is(err, maker.ErrStepLimit) {
			t.Fatal(err)
		}
		if err == nil && res.Summary.Success {
			ok++
		}
	}
	return ok
}

// The plan fed by a calibration's hard-step estimate predicts the success
// rate of seeded runs through the engine, where the plan at the steps'
// average p is far off. Calibration samples 8,000 steps of a 16-disk task
// 8 times each, and the steps that erred twice 40 times more (a hard
// step's p moves the plan's success a lot, and 1% of the steps are all
// that measure it); the runs are 200 ten-disk runs, each with its own seed
// (so its own hard steps), at the k the plan recommends for target 0.95,
// and at the k the flat plan recommends.
func TestHardStepPlanMatchesTheEngine(t *testing.T) {
	if testing.Short() {
		t.Skip("400 runs of 1,023 steps")
	}
	ctask, err := hanoi.New(16)
	if err != nil {
		t.Fatal(err)
	}
	// Distinct steps: the simulator answers a step drawn twice the same
	// way twice, which would count one step's votes as two steps'.
	idx := rand.New(rand.NewPCG(5, 1)).Perm(ctask.Steps())[:8_000]
	refs := hanoi.Reference(16, idx)
	probes := make([]calibrate.Probe[hanoi.State], len(refs))
	for i, r := range refs {
		probes[i] = calibrate.Probe[hanoi.State]{Step: r.Step, State: r.Before, Prev: r.Prev, Right: r.Right}
	}
	cm, err := sim.New(ctask, hardSim(1))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := calibrate.Run(context.Background(), ctask, cm, probes, calibrate.Options{PerStep: 8, FollowUp: 40})
	if err != nil {
		t.Fatal(err)
	}
	pl, err := plan.Compute(rep.PlanInput(1023, 0.95))
	if err != nil {
		t.Fatal(err)
	}
	if pl.Flat == nil || pl.Flat.KMin == 0 {
		t.Fatalf("plan without its flat view: %+v", pl)
	}
	const n = 200
	got := successes(t, n, pl.KMin)
	lo, hi, err := plan.Wilson(got, n, plan.Z95)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("calibration: hard share %.4f at p %.3f, base p %.5f, v %.4f", rep.Hard.Share, rep.Hard.P, rep.Hard.BaseP, rep.V)
	t.Logf("plan with hard steps: k = %d, success %.4f; engine: %d of %d (95%% CI %.4f-%.4f)", pl.KMin, pl.PFull, got, n, lo, hi)
	t.Logf("flat plan (p = %.5f) at k = %d promises %.6f", pl.Flat.P, pl.KMin, pl.Flat.PFullAtK)
	if pl.PFull < lo || pl.PFull > hi {
		t.Errorf("the plan's success %.4f is outside the engine's 95%% interval %.4f-%.4f", pl.PFull, lo, hi)
	}
	if pl.Flat.PFullAtK >= lo && pl.Flat.PFullAtK <= hi {
		t.Errorf("the flat plan's %.4f is inside the engine's interval too: the test cannot tell them apart", pl.Flat.PFullAtK)
	}
	flat := successes(t, n, pl.Flat.KMin)
	flo, fhi, _ := plan.Wilson(flat, n, plan.Z95)
	t.Logf("flat plan's own k = %d: promises %.4f, the hard-step plan says %.4f; engine: %d of %d (95%% CI %.4f-%.4f)",
		pl.Flat.KMin, pl.Flat.PFull, pl.Flat.TruePFull, flat, n, flo, fhi)
	if pl.Flat.PFull >= flo && pl.Flat.PFull <= fhi {
		t.Errorf("the flat plan's promise %.4f is inside the engine's interval at its k", pl.Flat.PFull)
	}
}
