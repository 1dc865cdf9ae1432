package runs

import (
	"context"
	"encoding/json"
	"errors"
)

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

// ErrNoCalibrator is returned by [Manager.Calibrate] when the Manager has
// no [Runner] (a Manager only tests build).
var ErrNoCalibrator = errors.New("runs: this service cannot calibrate a task")

// Calibrate measures models on the task of spec (see [Runner.Calibrate]).
func (m *Manager) Calibrate(ctx context.Context, spec Spec, opts CalibrateOptions) (json.RawMessage, error) {
	c := m.runner
	if c == nil {
		return nil, ErrNoCalibrator
	}
	spec, err := spec.Prepare()
	if err != nil {
		return nil, err
	}
	return c.Calibrate(ctx, spec, opts)
}
