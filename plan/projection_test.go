package plan_test

import (
	"context"
	"math"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/plan"
	"github.com/maker-go/maker/sim"
)

// TestProjectionMatchesSimulatedVotes runs 12-disk Hanoi (4,095 steps) on
// the simulator at a 10% error rate with no red-flaggable errors and no hard
// steps, and checks the plan's undecided-after-round counts and samples per
// step against the run within 4 binomial standard errors. The simulator
// spreads its errors over three wrong answers rather than one, which the
// two-candidate formulas ignore; at this p that shifts the first two rows by
// far less than the tolerance.
func TestProjectionMatchesSimulatedVotes(t *testing.T) {
	task, _ := hanoi.New(12)
	cfg := sim.DefaultConfig()
	cfg.ErrorRate, cfg.FlagShare, cfg.HardFraction = 0.1, 0, 0
	m, _ := sim.New(task, cfg)
	res, err := maker.Run(context.Background(), task, m, maker.Config{K: 3, Ordered: true})
	if err != nil {
		t.Fatal(err)
	}
	pr, err := plan.Project(&res.Summary, 0.9, 3)
	if err != nil {
		t.Fatal(err)
	}
	steps := float64(task.Steps())
	for _, row := range pr.UndecidedAfterRound[:2] {
		q := row.Planned / steps
		se := math.Sqrt(steps * q * (1 - q))
		if math.Abs(float64(row.Measured)-row.Planned) > 4*se+0.5 {
			t.Errorf("after %d votes: %d undecided, planned %.1f ± %.1f", row.Votes, row.Measured, row.Planned, 4*se)
		}
	}
	if math.Abs(pr.PMeasured-0.9) > 0.01 || math.Abs(pr.SamplesPerStepMeasured-pr.SamplesPerStepPlanned) > 0.1 {
		t.Errorf("p %.4f, samples/step %.4f measured vs %.4f planned", pr.PMeasured, pr.SamplesPerStepMeasured, pr.SamplesPerStepPlanned)
	}
}
