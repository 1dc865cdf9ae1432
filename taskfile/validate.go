package taskfile

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/maker-go/maker"
)

// validateSpec is `validate`: a program that says whether one candidate
// answer is well formed and legal from the current state. It runs in the
// box execute uses, once for each distinct answer of a step.
type validateSpec struct {
	spec *execSpec

	mu  sync.Mutex
	dir string // the directory made for it when the file names none
}

// maxValidateOutput bounds what a validator may print: a reason is one
// short line, and the rest is dropped.
const maxValidateOutput = 64 << 10

var _ maker.Validator[string] = (*Task)(nil)

// validate reads `validate: {command, timeout, env, dir}`.
func (d *decoder) validate(n *yaml.Node) (*validateSpec, error) {
	if d.opts.NoExecute {
		return nil, d.errf(n, "validate", "runs a program on the server that reads this task file, which is not allowed here")
	}
	spec, err := d.program(n, "validate")
	if err != nil {
		return nil, err
	}
	return &validateSpec{spec: spec}, nil
}

// Validate implements [maker.Validator] with the file's `validate`
// program (every answer is valid without one). The program gets
// {"state", "action", "next_state"} as JSON on stdin (the state the step
// starts from, and the candidate) and exits 0 for a valid answer or 1 for
// an invalid one, printing the reason on stdout. It never sees an expected
// answer. Any other end (another exit status, a timeout, a crash) rejects
// the answer too, with a reason that says the validator failed, so a broken
// validator shows in the summary's reasons instead of letting every answer
// through.
func (t *Task) Validate(ctx context.Context, state string, c maker.Candidate[string]) error {
	if t.validator == nil {
		return nil
	}
	stdin, err := json.Marshal(struct {
		State     string `json:"state"`
		Action    string `json:"action"`
		NextState string `json:"next_state"`
	}{state, c.Action, c.State})
	if err != nil {
		return err
	}
	return t.validator.run(ctx, stdin)
}

func (v *validateSpec) run(ctx context.Context, stdin []byte) error {
	dir, err := v.workDir()
	if err != nil {
		return fmt.Errorf("validator failed: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, v.spec.timeout)
	defer cancel()
	p, err := startProc(v.spec, dir)
	if err != nil {
		return fmt.Errorf("validator failed: %w", err)
	}
	defer p.stop()
	go func() {
		_, _ = p.in.Write(stdin)
		_ = p.in.Close()
	}()
	out := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(io.LimitReader(p.r, maxValidateOutput))
		out <- b
	}()
	select {
	case <-p.done:
	case <-ctx.Done():
		_ = killGroup(p.cmd.Process)
		<-p.done
		if ctx.Err() == context.DeadlineExceeded {
			return fmt.Errorf("validator failed: no answer within %s", v.spec.timeout)
		}
		return ctx.Err()
	}
	_ = killGroup(p.cmd.Process) // what it left running, which may hold stdout
	_ = p.out.SetReadDeadline(timeNowPlus(drainGrace))
	text := strings.TrimSpace(string(<-out))
	select {
	case <-p.errEOF:
	case <-time.After(drainGrace):
	}
	reason, _, _ := strings.Cut(text, "\n")
	switch code := p.cmd.ProcessState.ExitCode(); code {
	case 0:
		return nil
	case 1:
		if reason == "" {
			reason = "rejected by the validator"
		}
		return fmt.Errorf("%s", reason)
	default:
		msg := "validator failed: " + p.cmd.ProcessState.String()
		if tail := p.stderr.tail(); tail != "" {
			msg += "; stderr: " + tail
		}
		return fmt.Errorf("%s", msg)
	}
}

// workDir is where the validator runs: the file's dir, or a directory made
// for it, empty, so that it never runs where maker was started.
func (v *validateSpec) workDir() (string, error) {
	if v.spec.dir != "" {
		return v.spec.dir, nil
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.dir == "" {
		d, err := os.MkdirTemp("", "maker-validate-")
		if err != nil {
			return "", err
		}
		v.dir = d
	}
	return v.dir, nil
}
