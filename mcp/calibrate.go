package mcp

import (
	"context"
	"fmt"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/maker-go/maker/calibrate"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/plan"
)

// maxCalibrateSamples bounds one calibration: it is a quick measurement an
// agent makes before a run, not a run.
const maxCalibrateSamples = 1000

// calibrateInput is what a calibration on Towers of Hanoi takes.
type calibrateInput struct {
	Model    string  `json:"model,omitempty" jsonschema:"sim (the free simulator, default) or provider/name, e.g. openai/gpt-4.1-mini (costs money; its API key comes from the server's environment)"`
	Disks    int     `json:"disks,omitempty" jsonschema:"Hanoi disks the steps are drawn from (default 10)"`
	Samples  int     `json:"samples,omitempty" jsonschema:"model calls to make in all (default 100, at most 1000)"`
	SimError float64 `json:"sim_error,omitempty" jsonschema:"the simulator's per-sample error rate (default its own, 0.0022)"`
	Seed     uint64  `json:"seed,omitempty" jsonschema:"seed that picks the steps (and the simulator's answers)"`
}

// Calibration is the answer of calibrate: the measurement and the plan
// for the full task at the measured rate.
type Calibration struct {
	*calibrate.Report
	Plan *plan.Plan `json:"plan,omitempty"`
}

func (t tools) calibrate(ctx context.Context, _ *sdk.CallToolRequest, in calibrateInput) (*sdk.CallToolResult, *Calibration, error) {
	if in.Model == "" {
		in.Model = "sim"
	}
	if in.Disks == 0 {
		in.Disks = 10
	}
	if in.Samples == 0 {
		in.Samples = 100
	}
	switch {
	case in.Disks < 1 || in.Disks > hanoi.MaxDisks:
		return nil, nil, fmt.Errorf("disks: want 1 to %d, got %d", hanoi.MaxDisks, in.Disks)
	case in.Samples < 2 || in.Samples > maxCalibrateSamples:
		return nil, nil, fmt.Errorf("samples: want 2 to %d, got %d", maxCalibrateSamples, in.Samples)
	case in.SimError < 0 || in.SimError >= 1:
		return nil, nil, fmt.Errorf("sim_error: want 0 to 1, got %g", in.SimError)
	}
	task, err := hanoi.New(in.Disks)
	if err != nil {
		return nil, nil, err
	}
	model, err := t.mgr.OpenModel(ctx, in.Model, task, in.Seed, in.SimError)
	if err != nil {
		return nil, nil, fmt.Errorf("model: %w", err)
	}
	const perStep = 2
	refs := hanoi.Draw(in.Disks, in.Samples/perStep, in.Seed)
	probes := make([]calibrate.Probe[hanoi.State], len(refs))
	for i, r := range refs {
		probes[i] = calibrate.Probe[hanoi.State]{Step: r.Step, State: r.Before, Prev: r.Prev, Right: r.Right}
	}
	rep, err := calibrate.Run(ctx, task, model, probes, calibrate.Options{PerStep: perStep})
	if err != nil {
		return nil, nil, err
	}
	rep.Model = in.Model
	out := &Calibration{Report: rep}
	if p, err := plan.Compute(plan.Input{P: 1 - rep.VoteErrorRate.Value, Steps: task.Steps(), V: rep.V, InTokens: rep.MeanInputTokens, OutTokens: rep.MeanOutputTokens}); err == nil {
		out.Plan = &p
	}
	return nil, out, nil
}

const calibrateDesc = `Measure a model's per-step error rate before planning a run: draw random steps of the
Towers of Hanoi, ask the model each step twice without voting, and report the error rate with a
95% interval (error_rate; vote_error_rate among answers that pass the red flags, so p = 1 -
vote_error_rate.value), the red-flag pass rate v, mean tokens, and collisions (both samples of a
step wrong: correlated errors). Includes the plan for the full task at the measured rate.
With model "sim" it is free and instant; a real model costs samples x its price per call.`
