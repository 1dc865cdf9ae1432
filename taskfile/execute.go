package taskfile

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/maker-go/maker"
)

// execSpec is the `execute` field: the program that carries out each
// decided action, and the box it runs in.
type execSpec struct {
	argv    []string // argv[0] resolved
	timeout time.Duration
	pass    []string // variables of maker's environment the program is given (execute.env NAME)
	set     []string // NAME=value pairs the program is given (execute.env NAME=value)
	dir     string   // execute.dir, absolute; "" for the run's own directory
	// approval is execute.approve and its timeout (approve.go).
	approval approval
}

// defaultExecTimeout bounds an action when the file gives no timeout.
const defaultExecTimeout = 30 * time.Second

// maxExecOutput bounds what an action may print as the next state.
const maxExecOutput = 1 << 20

// baseEnv are the variables of maker's environment every action is given:
// PATH, so that the program finds the commands it runs; HOME and TMPDIR,
// without which many tools fail; LANG, LC_ALL and TZ, so that it reads
// and prints text and times as the user does. Nothing else passes unless
// the file names it in execute.env: maker's environment holds provider
// keys and the service's token, which an action must never see.
var baseEnv = []string{"PATH", "HOME", "TMPDIR", "LANG", "LC_ALL", "TZ"}

// envName is what a variable name may be.
var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// execute reads `execute: {command: [argv...], timeout: 30s, env: [...],
// dir: ...}`. The program is looked up now, so a task whose program is
// missing or not executable fails when it is read, before any model call.
// A program named with a slash is taken from the task file's directory; a
// bare name from PATH.
func (d *decoder) execute(n *yaml.Node) (*execSpec, error) {
	m, err := d.mapping(n, "execute", "command", "timeout", "env", "dir", "approve", "approve_timeout", "approve_default")
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
	if d.opts.NoFiles {
		// A client's task file: only a program in an allowed directory.
		p, err := d.clientProgram(prog)
		if err != nil {
			return nil, d.errf(cn, "execute.command[0]", "%v", err)
		}
		spec.argv[0] = p
	} else if strings.ContainsRune(prog, filepath.Separator) || strings.ContainsRune(prog, '/') {
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
	if en, ok := m["env"]; ok {
		if err := d.execEnv(en, spec); err != nil {
			return nil, err
		}
	}
	if dn, ok := m["dir"]; ok {
		s, err := d.scalar(dn, "execute.dir")
		if err != nil {
			return nil, err
		}
		p := resolve(d.file, s)
		if d.opts.NoFiles {
			if p, err = d.confine(p); err != nil {
				return nil, d.errf(dn, "execute.dir", "%s %v", quote(s), err)
			}
		}
		if st, err := os.Stat(p); err != nil || !st.IsDir() {
			return nil, d.errf(dn, "execute.dir", "%s is not a directory", p)
		}
		if spec.dir, err = filepath.Abs(p); err != nil {
			return nil, d.errf(dn, "execute.dir", "%v", err)
		}
	}
	if err := d.approval(m, spec); err != nil {
		return nil, err
	}
	return spec, nil
}

// execEnv reads execute.env: the variables the program is given beside
// [baseEnv], each a NAME that passes maker's value (if it has one) or a
// NAME=value the file sets. A secret's name ([maker.SecretEnv]) and
// maker's own MAKER_* variables are refused, not dropped, so that a
// program that needs one fails here rather than with a missing variable.
func (d *decoder) execEnv(n *yaml.Node, spec *execSpec) error {
	if n.Kind != yaml.SequenceNode {
		return d.errf(n, "execute.env", "want a list of variable names or NAME=value pairs, such as [LANG, MODE=dry]")
	}
	seen := map[string]bool{}
	for i, en := range n.Content {
		field := fmt.Sprintf("execute.env[%d]", i)
		s, err := d.scalar(en, field)
		if err != nil {
			return err
		}
		name, _, set := strings.Cut(s, "=")
		switch {
		case !envName.MatchString(name):
			return d.errf(en, field, "%q is not a variable name (want NAME or NAME=value)", name)
		case maker.SecretEnv(name):
			return d.errf(en, field, "%s holds a credential, which an action is never given (let the program read what it needs from a file)", name)
		case strings.HasPrefix(strings.ToUpper(name), "MAKER_"):
			return d.errf(en, field, "%s is one of maker's own variables, which an action is never given", name)
		case seen[name]:
			return d.errf(en, field, "%s is named twice", name)
		}
		seen[name] = true
		if set {
			spec.set = append(spec.set, s)
		} else {
			spec.pass = append(spec.pass, name)
		}
	}
	return nil
}

// environ is the environment an action runs with: the base variables and
// those execute.env names, as maker has them now, then the pairs it sets.
func (s *execSpec) environ() []string {
	var env []string
	for _, names := range [][]string{baseEnv, s.pass} {
		for _, name := range names {
			if v, ok := os.LookupEnv(name); ok {
				env = append(env, name+"="+v)
			}
		}
	}
	return append(env, s.set...) // exec keeps the last of a repeated name
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

	mu      sync.Mutex
	step    int // the step last checked: the one whose action runs next
	log     ActionLog
	workDir string // where actions run when the file names no execute.dir
	made    bool   // workDir exists
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

// Dir is the file's execute.dir, absolute: the directory every action
// runs in. It is "" when the file names none, and each run then has a
// directory of its own (see [Acting.SetWorkDir]).
func (a *Acting) Dir() string { return a.exec.dir }

// SetWorkDir names the directory the actions run in when the file has no
// execute.dir; it is made, if missing, before the first action. A caller
// gives a journaled run the same directory each time it resumes it, so
// the run goes on in the world its steps were decided in. Without it, the
// first action makes a fresh directory under the OS's temporary
// directory: a task's world never lands in whatever directory maker was
// started in.
func (a *Acting) SetWorkDir(dir string) {
	a.mu.Lock()
	a.workDir, a.made = dir, false
	a.mu.Unlock()
}

// actionDir is the directory the next action runs in, made if need be.
func (a *Acting) actionDir() (string, error) {
	if a.exec.dir != "" {
		return a.exec.dir, nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.made {
		return a.workDir, nil
	}
	if a.workDir == "" {
		d, err := os.MkdirTemp("", "maker-actions-")
		if err != nil {
			return "", fmt.Errorf("making the actions' directory: %w", err)
		}
		a.workDir = d
	} else if err := os.MkdirAll(a.workDir, 0o700); err != nil {
		return "", fmt.Errorf("making the actions' directory: %w", err)
	}
	a.made = true
	return a.workDir, nil
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

// run runs the program once, in its own process group, and returns what
// it printed on stdout, trimmed and redacted. Its output goes through
// pipes maker reads itself, so that the step ends when the program exits:
// whatever the program left running is then killed with its group, and a
// child still holding stdout can neither hold the step nor outlive it.
func (a *Acting) run(ctx context.Context, step int, stdin []byte) (string, error) {
	dir, err := a.actionDir()
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, a.exec.timeout)
	defer cancel()
	var stderr tailBuffer
	fail := func(status string) error {
		// Redacted before it is cut, so the tail never starts inside a key.
		return &ExecError{Step: step + 1, Status: status, Stderr: tail(maker.Redact(string(stderr.b)))}
	}
	var p pipes
	defer p.close()
	if err := p.open(); err != nil {
		return "", fail("could not run: " + err.Error())
	}
	cmd := exec.CommandContext(ctx, a.exec.argv[0], a.exec.argv[1:]...)
	cmd.Dir, cmd.Env = dir, a.exec.environ()
	cmd.Stdin, cmd.Stdout, cmd.Stderr = p.inR, p.outW, p.errW
	ownGroup(cmd)
	cmd.Cancel = func() error { return killGroup(cmd.Process) }
	err = cmd.Start()
	p.closeChildEnds()
	if err != nil {
		return "", fail("could not run: " + err.Error())
	}
	stdout := &capped{max: maxExecOutput, onOver: func() { _ = killGroup(cmd.Process) }}
	var copying sync.WaitGroup
	copying.Go(func() { _, _ = io.Copy(stdout, p.outR) })
	copying.Go(func() { _, _ = io.Copy(&stderr, p.errR) })
	go func() {
		_, _ = p.inW.Write(stdin) // a program may exit without reading it all
		_ = p.inW.Close()
	}()
	err = cmd.Wait()
	_ = killGroup(cmd.Process) // what the program left running
	drained := make(chan struct{})
	go func() { copying.Wait(); close(drained) }()
	select {
	case <-drained:
	case <-time.After(drainGrace):
		// A process that left the group holds the pipes: stop reading.
		p.close()
		<-drained
	}
	switch {
	case stdout.over:
		return "", fail(fmt.Sprintf("printed more than %d MiB on stdout, the most a next state may be", maxExecOutput>>20))
	case ctx.Err() == context.DeadlineExceeded:
		return "", fail(fmt.Sprintf("timed out after %s", a.exec.timeout))
	case ctx.Err() != nil:
		return "", fmt.Errorf("step %d's action: %w", step+1, ctx.Err())
	case err != nil:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", fail("failed: " + ee.ProcessState.String())
		}
		return "", fail("could not run: " + err.Error())
	}
	next := strings.TrimSpace(string(stdout.b))
	switch {
	case next == "":
		return "", fail("printed no next state on stdout")
	case !utf8.ValidString(next):
		return "", fail("printed a next state that is not valid UTF-8")
	}
	// The next state is journaled and shown: no key may be in it.
	return maker.Redact(next), nil
}

// drainGrace is how long output is read after the program's group is
// killed: only a process that left the group can hold the pipes longer.
const drainGrace = 2 * time.Second

// pipes are an action's stdin, stdout and stderr. The program gets
// *os.File ends, so that exec.Cmd.Wait returns when it exits rather than
// when every process that inherited them has closed them.
type pipes struct {
	inR, inW, outR, outW, errR, errW *os.File
}

func (p *pipes) open() error {
	var err error
	if p.inR, p.inW, err = os.Pipe(); err != nil {
		return err
	}
	if p.outR, p.outW, err = os.Pipe(); err != nil {
		return err
	}
	p.errR, p.errW, err = os.Pipe()
	return err
}

// closeChildEnds closes maker's copies of the program's ends, so that
// reading ends when the program's processes are gone.
func (p *pipes) closeChildEnds() {
	for _, f := range []*os.File{p.inR, p.outW, p.errW} {
		if f != nil {
			_ = f.Close()
		}
	}
}

// close closes every end; closing one twice is harmless.
func (p *pipes) close() {
	p.closeChildEnds()
	for _, f := range []*os.File{p.inW, p.outR, p.errR} {
		if f != nil {
			_ = f.Close()
		}
	}
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

// capped keeps the first max bytes written to it and notes, once, that
// there were more. It has only Write, so io.Copy cannot go around the cap
// by reading into it directly.
type capped struct {
	b      []byte
	max    int
	over   bool
	onOver func() // called at the first byte over the cap
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.max - len(c.b); len(p) > room {
		c.b = append(c.b, p[:max(room, 0)]...)
		if !c.over {
			c.over = true
			if c.onOver != nil {
				c.onOver()
			}
		}
		return len(p), nil
	}
	c.b = append(c.b, p...)
	return len(p), nil
}

// tailBuffer keeps the last few kilobytes written to it.
type tailBuffer struct{ b []byte }

func (t *tailBuffer) Write(p []byte) (int, error) {
	n := len(p)
	if n > 4*stderrTail {
		p = p[n-4*stderrTail:]
	}
	t.b = append(t.b, p...)
	if over := len(t.b) - 4*stderrTail; over > 0 {
		t.b = append(t.b[:0], t.b[over:]...)
	}
	return n, nil
}
