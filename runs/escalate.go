package runs

import (
	"context"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/sim"
)

// checkOnNoConsensus refuses an --on-no-consensus that is neither error
// nor escalate:MODEL.
func (f *Flags) checkOnNoConsensus() error {
	if _, err := maker.ParseOnNoConsensus(f.onNoConsensus); err != nil {
		return usageErr("--on-no-consensus: %v", err)
	}
	return nil
}

// escalation opens the model a step without consensus is voted again on:
// --on-no-consensus's, or else the task file's on_no_consensus; nil for
// the default policy, error. The model opens with the run's settings
// (a simulated one answers from the task's oracle, as --model does).
func (e Execution[S]) escalation(ctx context.Context) (*maker.Escalation, error) {
	f := e.flags
	policy := f.onNoConsensus
	if t, ok := e.Task.(interface{ OnNoConsensus() string }); ok && policy == "" {
		policy = t.OnNoConsensus()
	}
	name, err := maker.ParseOnNoConsensus(policy)
	if err != nil {
		return nil, usageErr("on_no_consensus: %v", err)
	}
	if name == "" {
		return nil, nil
	}
	m, err := f.openOne(ctx, name, e.Oracle)
	if err != nil {
		return nil, usageErr("--on-no-consensus escalate:%s: %v", name, err)
	}
	return &maker.Escalation{Name: sim.ShortName(name), Model: m}, nil
}
