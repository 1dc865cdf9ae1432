package runs

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/maker-go/maker/sim"
)

// Calibrate measures models on a spec's task as `maker calibrate TASK`
// does (the task's known answers, or a pilot vote where it has none) and
// returns the report as JSON: one model's calibration with its plans, or
// several models' comparison. The task is built as a service builds a run
// of it. Front ends that measure before a run (the MCP calibrate tool) use
// it through [Manager.Calibrate].
func (r *Runner) Calibrate(ctx context.Context, spec Spec, opts CalibrateOptions) (json.RawMessage, error) {
	c := &Calibration{models: opts.Models, samples: opts.Samples, perStep: opts.PerStep, probeSeed: opts.ProbeSeed,
		pilotSteps: opts.PilotSteps, pilotK: opts.PilotK, followUp: opts.FollowUp, json: true}
	if len(c.models) == 0 {
		c.models = []string{sim.Name}
	}
	if c.samples == 0 {
		c.samples = 1000
	}
	if c.perStep == 0 {
		c.perStep = 2
	}
	if c.pilotK == 0 {
		c.pilotK = 5
	}
	if c.probeSeed == 0 {
		c.probeSeed = 1
	}
	if err := c.Check(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	// The task is built for the models measured, as the command line
	// does: a task file is then read for its answers, not refused for a
	// simulator it does not calibrate on.
	model := strings.Join(c.models, ",")
	spec.Settings.Model = &model
	x, err := r.described(&Job{Desc: &spec})
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	sess := newJobSession(WithCalibration(ctx, c), io.Discard)
	sess.stdout = &out
	if err := x.execute(sess); err != nil {
		return nil, err // a usage error is ErrInvalid itself
	}
	return json.RawMessage(bytes.TrimSpace(out.Bytes())), nil
}
