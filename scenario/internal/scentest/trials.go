package scentest

import (
	"context"
	"fmt"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/sim"
)

// TrialResult counts how seeded simulated runs of one task ended.
type TrialResult struct {
	Runs int
	// Failed runs: a wrong step reported by the checker, a run that did not
	// finish, or a final state the task's own verification rejects.
	Failed int
	// WrongSteps is the total of steps the checker rejected.
	WrongSteps int
	// Samples is the total of model calls.
	Samples int64
}

// Trials runs task on the simulator (error rate errRate, seeds 1..runs)
// at margin k and counts the failures. verify, when not nil, checks a
// finished run's actions and final state as a whole; a non-nil error
// counts as a failure. It is the experiment behind the claim that voting
// at the planned k removes the errors a single sample makes.
func Trials[S any](ctx context.Context, task maker.Task[S], oracle maker.Oracle, k int, errRate float64, runs int, verify func(*maker.Result[S]) error) (TrialResult, error) {
	var tr TrialResult
	for seed := 1; seed <= runs; seed++ {
		cfg := sim.DefaultConfig()
		cfg.Seed = uint64(seed)
		cfg.ErrorRate = errRate
		m, err := sim.New(oracle, cfg)
		if err != nil {
			return tr, err
		}
		res, runErr := maker.Run(ctx, task, m, maker.Config{K: k, Ordered: true, ModelName: sim.Name})
		if res == nil {
			return tr, fmt.Errorf("trial seed %d: %w", seed, runErr)
		}
		tr.Runs++
		tr.Samples += res.Summary.Samples
		tr.WrongSteps += res.Summary.WrongSteps
		failed := runErr != nil || !res.Summary.Success
		if !failed && verify != nil && verify(res) != nil {
			failed = true
		}
		if failed {
			tr.Failed++
		}
	}
	return tr, nil
}
