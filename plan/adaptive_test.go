package plan_test

import (
	"context"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/plan"
	"github.com/maker-go/maker/sim"
)

// TestAdaptiveKRescuesAnOptimisticPlan plans an 8-disk run for the paper's
// p = 0.9978 (k_min = 2) while the simulated model is really wrong 8% of the
// time. Over the same 40 seeds the adaptive margin, which raises k once the
// votes show the error rate, must succeed clearly more often than the fixed
// planned k. Expected: fixed k=2 fails about 60% of runs (a step goes wrong
// with probability ≈ r²/(1+r²), r ≈ 0.059, over 255 steps); adaptive only
// risks the ~100 steps before it has 200 votes, about 30%.
func TestAdaptiveKRescuesAnOptimisticPlan(t *testing.T) {
	const seeds = 40
	task, _ := hanoi.New(8)
	k, err := plan.KMin(0.9978, task.Steps(), 0.95, 1)
	if err != nil || k != 2 {
		t.Fatalf("planned k = %d, %v", k, err)
	}
	wins := map[string]int{}
	raised := 0
	for seed := range uint64(seeds) {
		cfg := sim.DefaultConfig()
		cfg.Seed = seed + 100
		cfg.ErrorRate = 0.08
		m, _ := sim.New(task, cfg)
		for _, mode := range []string{"fixed", "adaptive"} {
			c := maker.Config{K: k, Ordered: true}
			if mode == "adaptive" {
				pol, err := plan.NewAdaptiveK(k, task.Steps(), 0.95, nil)
				if err != nil {
					t.Fatal(err)
				}
				c.KPolicy = pol
			}
			res, _ := maker.Run(context.Background(), task, m, c)
			if res.Summary.Success {
				wins[mode]++
			}
			if mode == "adaptive" && res.Summary.KMax > k {
				raised++
			}
		}
	}
	t.Logf("successes over %d seeds: fixed k=%d %d, adaptive %d (raised k in %d runs)", seeds, k, wins["fixed"], wins["adaptive"], raised)
	if raised < seeds*9/10 {
		t.Fatalf("adaptive raised k in only %d of %d runs", raised, seeds)
	}
	if wins["adaptive"] < wins["fixed"]+6 {
		t.Fatalf("adaptive %d vs fixed %d successes: not measurably better", wins["adaptive"], wins["fixed"])
	}
}

func TestAdaptiveKNeverBelowFloor(t *testing.T) {
	a, err := plan.NewAdaptiveK(3, 1000, 0.95, nil)
	if err != nil {
		t.Fatal(err)
	}
	a.MinVotes = 10
	for step := range 50 { // a perfect model: every vote for the winner
		a.Observe(&maker.StepRecord{Step: step, Key: "w", Tally: []maker.KeyCount{{Key: "w", Votes: 3}}})
		if a.K(step) < 3 {
			t.Fatalf("k fell to %d below the floor", a.K(step))
		}
	}
	if _, err := plan.NewAdaptiveK(0, 10, 0.95, nil); err == nil {
		t.Fatal("floor 0 accepted")
	}
}

// With the calibration's hard steps, adaptive k plans for them: 400
// right votes alone ask for k = 3 on 1,023 steps, the hard steps for
// more.
func TestAdaptiveKPlansForHardSteps(t *testing.T) {
	for _, tc := range []struct {
		name string
		hard plan.Hard
		want func(k int) bool
	}{
		{"no hard steps: k_min at the votes' pessimistic p", plan.Hard{}, func(k int) bool { return k == 3 }},
		{"hard steps raise k", plan.Hard{Share: 0.01, P: 0.68}, func(k int) bool { return k >= 6 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pol, err := plan.NewAdaptiveK(2, 1023, 0.95, nil)
			if err != nil {
				t.Fatal(err)
			}
			pol.Hard = tc.hard
			for step := range 200 {
				pol.Observe(&maker.StepRecord{Step: step, K: 2, Key: "r", Tally: []maker.KeyCount{{Key: "r", Votes: 2}}})
			}
			if k := pol.K(200); !tc.want(k) {
				t.Errorf("k = %d", k)
			}
		})
	}
}
