package mcp

import (
	"context"
	"encoding/json"
	"fmt"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/maker-go/maker/calibrate"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/plan"
	"github.com/maker-go/maker/runs"
)

// maxCalibrateSamples bounds one calibration: it is a quick measurement an
// agent makes before a run, not a run.
const maxCalibrateSamples = 1000

// calibrateInput is what a calibration takes: Towers of Hanoi by
// default, or any task kind with its params as a run takes them.
type calibrateInput struct {
	Model    string  `json:"model,omitempty" jsonschema:"sim (the free simulator, default) or provider/name, e.g. openai/gpt-4.1-mini (costs money; its API key comes from the server's environment)"`
	Disks    int     `json:"disks,omitempty" jsonschema:"Hanoi disks the steps are drawn from (default 10)"`
	Samples  int     `json:"samples,omitempty" jsonschema:"model calls to make in all (default 100, at most 1000)"`
	SimError float64 `json:"sim_error,omitempty" jsonschema:"the simulator's per-sample error rate (default its own, 0.0022)"`
	Seed     uint64  `json:"seed,omitempty" jsonschema:"seed that picks the steps (and the simulator's answers)"`

	Kind     string         `json:"kind,omitempty" jsonschema:"task kind to calibrate instead of Hanoi, as start_run takes it (taskfile, sudoku, scenario-deps, ...); its steps come from its known answers, or from a pilot vote when it has none"`
	Params   map[string]any `json:"params,omitempty" jsonschema:"the kind's params, as start_run takes them (a task file's yaml text, a sudoku's seed, ...)"`
	Models   []string       `json:"models,omitempty" jsonschema:"with kind: models to measure on the same steps and compare (default: model)"`
	PerStep  int            `json:"per_step,omitempty" jsonschema:"with kind: independent samples per step (default 2; 3 or more estimate the hard steps)"`
	FollowUp int            `json:"follow_up,omitempty" jsonschema:"with kind: more samples on each step where two were wrong, to measure the hard steps' p"`
}

// Calibration is the answer of calibrate: the measurement and the plan
// for the full task at the measured rate; for a task kind, its plans by
// name (measured, pessimistic, hard_steps) or, for several models, their
// comparison (the report is then the first model's).
type Calibration struct {
	*calibrate.Report
	Plan       *plan.Plan     `json:"plan,omitempty"`
	Plans      map[string]any `json:"plans,omitempty"`
	Comparison map[string]any `json:"comparison,omitempty"`
}

func (t tools) calibrate(ctx context.Context, _ *sdk.CallToolRequest, in calibrateInput) (*sdk.CallToolResult, *Calibration, error) {
	if in.Kind != "" {
		return t.calibrateKind(ctx, in)
	}
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

// calibrateKind calibrates any task kind through the run manager's
// builder, as maker calibrate does on the command line.
func (t tools) calibrateKind(ctx context.Context, in calibrateInput) (*sdk.CallToolResult, *Calibration, error) {
	if in.Samples == 0 {
		in.Samples = 100
	}
	if in.Samples < 2 || in.Samples > maxCalibrateSamples {
		return nil, nil, fmt.Errorf("samples: want 2 to %d, got %d", maxCalibrateSamples, in.Samples)
	}
	models := in.Models
	if len(models) == 0 && in.Model != "" {
		models = []string{in.Model}
	}
	spec := runs.Spec{Kind: in.Kind}
	if in.Params != nil {
		b, err := json.Marshal(in.Params)
		if err != nil {
			return nil, nil, fmt.Errorf("params: %w", err)
		}
		spec.Params = b
	}
	raw, err := t.mgr.Calibrate(ctx, spec, runs.CalibrateOptions{Models: models, Samples: in.Samples, PerStep: in.PerStep, FollowUp: in.FollowUp, ProbeSeed: in.Seed})
	if err != nil {
		return nil, nil, err
	}
	if len(models) > 1 {
		// The first model's calibration is the report; the comparison
		// holds every model's, with its plan.
		var cmp struct {
			Models []struct {
				Calibration *calibrate.Report `json:"calibration"`
			} `json:"models"`
		}
		out := &Calibration{}
		if err := json.Unmarshal(raw, &out.Comparison); err != nil {
			return nil, nil, fmt.Errorf("calibration: %w", err)
		}
		if err := json.Unmarshal(raw, &cmp); err != nil || len(cmp.Models) == 0 || cmp.Models[0].Calibration == nil {
			return nil, nil, fmt.Errorf("calibration: no model measured (%v)", err)
		}
		out.Report = cmp.Models[0].Calibration
		return nil, out, nil
	}
	out := &Calibration{Report: new(calibrate.Report)}
	if err := json.Unmarshal(raw, out.Report); err != nil {
		return nil, nil, fmt.Errorf("calibration: %w", err)
	}
	var plans struct {
		Plans map[string]any `json:"plans"`
	}
	if err := json.Unmarshal(raw, &plans); err != nil {
		return nil, nil, fmt.Errorf("calibration: %w", err)
	}
	out.Plans = plans.Plans
	return nil, out, nil
}

const calibrateDesc = `Measure a model's per-step error rate before planning a run: draw random steps of the
Towers of Hanoi, ask the model each step twice without voting, and report the error rate with a
95% interval (error_rate; vote_error_rate among answers that pass the red flags, so p = 1 -
vote_error_rate.value), the red-flag pass rate v, mean tokens, and collisions (both samples of a
step wrong: correlated errors). Includes the plan for the full task at the measured rate.
With model "sim" it is free and instant; a real model costs samples x its price per call.
With kind and params (as start_run takes them) it calibrates any task: a task file's expected
answers, a task's own oracle, or, for a task with none, a pilot vote on its first steps (truth
"pilot": p is then agreement with the pilot, biased upward, as truth_note says). per_step 3 or
more estimates hard steps (hard_steps: their share and p), which plans.hard_steps plans for.`
