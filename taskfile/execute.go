package taskfile

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/maker-go/maker"
)

// execSpec is the `execute` field: the program that carries out each
// decided action.
type execSpec struct {
	argv    []string // argv[0] resolved
	timeout time.Duration
}

// defaultExecTimeout bounds an action when the file gives no timeout.
const defaultExecTimeout = 30 * time.Second

// maxExecOutput bounds what an action may print as the next state.
const maxExecOutput = 1 << 20

// execute reads `execute: {command: [argv...], timeout: 30s}`. The program
// is looked up now, so a task whose program is missing or not executable
// fails when it is read, before any model call. A program named with a
// slash is taken from the task file's directory; a bare name from PATH.
func (d *decoder) execute(n *yaml.Node) (*execSpec, error) {
	m, err := d.mapping(n, "execute", "command", "timeout")
	if err != nil {
		return nil, err
	}
	cn, err := d.required(m, n, "execute", "command")
	if err != nil {
		return nil, err
	}
	if cn.Kind != yaml.SequenceNode || len(cn.Content) == 0 {
		return nil, d.errf(cn, "execute.command", "want the program and its arguments as a list, such as [./apply.sh, --dry]; no shell is used")
	}
	spec := &execSpec{timeout: defaultExecTimeout}
	for i, a := range cn.Content {
		s, err := d.scalar(a, fmt.Sprintf("execute.command[%d]", i))
		if err != nil {
			return nil, err
		}
		spec.argv = append(spec.argv, s)
	}
	prog := spec.argv[0]
	if strings.TrimSpace(prog) == "" {
		return nil, d.errf(cn, "execute.command[0]", "must name a program")
	}
	if strings.ContainsRune(prog, filepath.Separator) || strings.ContainsRune(prog, '/') {
		p := resolve(d.file, prog)
		if err := executable(p); err != nil {
			return nil, d.errf(cn, "execute.command[0]", "%v", err)
		}
		if abs, err := filepath.Abs(p); err == nil {
			p = abs
		}
		spec.argv[0] = p
	} else {
		p, err := exec.LookPath(prog)
		if err != nil {
			return nil, d.errf(cn, "execute.command[0]", "%q is not found in PATH or not executable", prog)
		}
		spec.argv[0] = p
	}
	if tn, ok := m["timeout"]; ok {
		s, err := d.scalar(tn, "execute.timeout")
		if err != nil {
			return nil, err
		}
		if spec.timeout, err = time.ParseDuration(s); err != nil || spec.timeout <= 0 {
			return nil, d.errf(tn, "execute.timeout", "want a positive duration such as 30s, got %q", s)
		}
	}
	return spec, nil
}

// executable checks that path is a regular file someone may execute.
func executable(path string) error {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: no such file", path)
	}
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", path)
	}
	if st.Mode().Perm()&0o111 == 0 {
		return fmt.Errorf("%s is not executable (chmod +x it)", path)
	}
	return nil
}

// Executes reports whether the task carries out its actions with a program
// (the file has `execute`): such a task runs commands on the machine that
// runs it.
func (t *Task) Executes() bool { return t.exec != nil }

// ActionLog records, durably, that a step's action is about to run and
// that it has finished, so that a run resumed after a crash knows which
// action may have run without its step being recorded. step is 0-based.
type ActionLog interface {
	ActionStarted(ctx context.Context, step int) error
	ActionFinished(ctx context.Context, step int) error
}

// Acting is a task whose file has `execute`: it implements [maker.Executor]
// by running the program on each decided action. The model is the policy,
// the program the transition. Get one with [Task.Acting].
type Acting struct {
	*Task

	mu   sync.Mutex
	step int // the step last checked: the one whose action runs next
	log  ActionLog
}

var _ maker.Executor[string] = (*Acting)(nil)

// Acting returns the task as an executor, or nil when the file has no
// `execute`.
func (t *Task) Acting() *Acting {
	if t.exec == nil {
		return nil
	}
	return &Acting{Task: t}
}

// SetActionLog makes the task record each action's start and end.
func (a *Acting) SetActionLog(l ActionLog) {
	a.mu.Lock()
	a.log = l
	a.mu.Unlock()
}

// Check implements [maker.Checker]; the engine checks a step just before
// it executes it, which is how the action learns its step number. (Tasks
// that execute never speculate, so steps are decided one at a time.)
func (a *Acting) Check(step int, before string, decided maker.Candidate[string]) error {
	a.mu.Lock()
	a.step = step
	a.mu.Unlock()
	return a.Task.Check(step, before, decided)
}

// ExecError is an action that failed: the program exited non-zero, ran out
// of time or printed no usable state.
type ExecError struct {
	Step   int // 1-based
	Status string
	Stderr string // the tail of what it wrote to stderr
}

func (e *ExecError) Error() string {
	// The engine names the step and the action around this error.
	msg := "the program " + e.Status
	if e.Stderr != "" {
		msg += "; stderr: " + e.Stderr
	}
	return msg
}

// stderrTail is how much of an action's stderr an error quotes.
const stderrTail = 512

// Execute implements [maker.Executor]: it runs the program with
// {"step", "state", "action", "input"} as JSON on stdin and reads the next
// state from stdout, trimmed.
func (a *Acting) Execute(ctx context.Context, state string, winner maker.Candidate[string]) (string, error) {
	a.mu.Lock()
	step, log := a.step, a.log
	a.mu.Unlock()
	var input any
	if a.in != nil {
		r, err := a.in.at(step)
		if err != nil {
			return "", err
		}
		input = r.Text
		if r.Fields != nil {
			input = r.Fields
		}
	}
	stdin, err := json.Marshal(struct {
		Step   int    `json:"step"`
		State  string `json:"state"`
		Action string `json:"action"`
		Input  any    `json:"input"`
	}{step + 1, state, winner.Action, input})
	if err != nil {
		return "", err
	}
	if log != nil {
		if err := log.ActionStarted(ctx, step); err != nil {
			return "", fmt.Errorf("recording the start of step %d's action: %w", step+1, err)
		}
	}
	next, err := a.run(ctx, step, stdin)
	if err != nil {
		return "", err
	}
	if log != nil {
		if err := log.ActionFinished(ctx, step); err != nil {
			return "", fmt.Errorf("recording the end of step %d's action: %w", step+1, err)
		}
	}
	return next, nil
}

func (a *Acting) run(ctx context.Context, step int, stdin []byte) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, a.exec.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, a.exec.argv[0], a.exec.argv[1:]...)
	cmd.Stdin = bytes.NewReader(stdin)
	stdout := capped{max: maxExecOutput}
	var stderr tailBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// A program that leaves a child holding its output open must not hold
	// the run.
	cmd.WaitDelay = 2 * time.Second
	err := cmd.Run()
	fail := func(status string) error {
		return &ExecError{Step: step + 1, Status: status, Stderr: tail(string(stderr.b))}
	}
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		return "", fail(fmt.Sprintf("timed out after %s", a.exec.timeout))
	case err != nil:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", fail("failed: " + ee.ProcessState.String())
		}
		return "", fail("could not run: " + err.Error())
	case stdout.over:
		return "", fail(fmt.Sprintf("printed more than %d bytes", maxExecOutput))
	}
	next := strings.TrimSpace(stdout.String())
	switch {
	case next == "":
		return "", fail("printed no next state on stdout")
	case !utf8.ValidString(next):
		return "", fail("printed a next state that is not valid UTF-8")
	}
	return next, nil
}

// tail is the end of s, on one line.
func tail(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > stderrTail {
		s = "..." + s[len(s)-stderrTail:]
		for !utf8.ValidString(s) {
			s = "..." + s[4:]
		}
	}
	return strings.Join(strings.Fields(s), " ")
}

// capped is a buffer that keeps the first max bytes and notes the rest.
type capped struct {
	bytes.Buffer
	max  int
	over bool
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.max - c.Len(); len(p) > room {
		c.over = true
		if room > 0 {
			c.Buffer.Write(p[:room])
		}
		return len(p), nil
	}
	return c.Buffer.Write(p)
}

// tailBuffer keeps the last few kilobytes written to it.
type tailBuffer struct{ b []byte }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if over := len(t.b) - 4*stderrTail; over > 0 {
		t.b = append(t.b[:0], t.b[over:]...)
	}
	return len(p), nil
}
