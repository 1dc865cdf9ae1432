package runs

import (
	"context"
	"encoding/json"
	"errors"
)

// Calibrator is an optional ability of a [Builder]: it measures models on
// a spec's task as `maker calibrate TASK` does (the task's known answers,
// or a pilot vote where it has none) and returns the report as JSON: one
// model's calibration with its plans, or several models' comparison.
// Front ends that measure before a run (the MCP calibrate tool) use it
// through [Manager.Calibrate].
type Calibrator interface {
	Calibrate(ctx context.Context, spec Spec, opts CalibrateOptions) (json.RawMessage, error)
}

// CalibrateOptions are a calibration's own settings; zero fields take
// `maker calibrate`'s defaults.
type CalibrateOptions struct {
	Models     []string `json:"models,omitempty"`
	Samples    int      `json:"samples,omitempty"`
	PerStep    int      `json:"per_step,omitempty"`
	FollowUp   int      `json:"follow_up,omitempty"`
	PilotSteps int      `json:"pilot_steps,omitempty"`
	PilotK     int      `json:"pilot_k,omitempty"`
	ProbeSeed  uint64   `json:"probe_seed,omitempty"`
}

// ErrNoCalibrator is returned by [Manager.Calibrate] when the builder
// cannot calibrate.
var ErrNoCalibrator = errors.New("runs: this service cannot calibrate a task")

// Calibrate measures models on the task of spec (see [Calibrator]).
func (m *Manager) Calibrate(ctx context.Context, spec Spec, opts CalibrateOptions) (json.RawMessage, error) {
	c, ok := m.b.(Calibrator)
	if !ok {
		return nil, ErrNoCalibrator
	}
	spec, err := spec.Prepare()
	if err != nil {
		return nil, err
	}
	return c.Calibrate(ctx, spec, opts)
}
