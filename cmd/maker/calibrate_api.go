package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/sim"
)

var _ runs.Calibrator = runsBuilder{}

// Calibrate implements [runs.Calibrator]: the spec's task, built as the
// service builds a run of it, is calibrated as `maker calibrate` would,
// and the JSON it prints is the answer.
func (b runsBuilder) Calibrate(ctx context.Context, spec runs.Spec, opts runs.CalibrateOptions) (json.RawMessage, error) {
	c := &calibration{models: opts.Models, samples: opts.Samples, perStep: opts.PerStep, probeSeed: opts.ProbeSeed,
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
	if err := c.check(); err != nil {
		return nil, fmt.Errorf("%w: %w", runs.ErrInvalid, err)
	}
	// The task is built for the models measured, as the command line
	// does: a task file is then read for its answers, not refused for a
	// simulator it does not calibrate on.
	model := strings.Join(c.models, ",")
	spec.Settings.Model = &model
	r, err := b.described(&runs.Job{Desc: &spec})
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	sess := newJobSession(withCalibration(ctx, c), io.Discard)
	sess.stdout = &out
	if err := r.execute(sess); err != nil {
		return nil, err // a usage error is runs.ErrInvalid itself
	}
	return json.RawMessage(bytes.TrimSpace(out.Bytes())), nil
}
