package taskfile

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/maker-go/maker"
)

// keyCommand is key.command: a program that maps an answer to its vote key.
// It is started once and kept running, and maps the answers of the whole
// run one line each, so an answer costs a line written and read, not a
// process started. It runs in the same box as execute: no shell, only the
// allowed environment, its own directory and process group, and capped
// output.
type keyCommand struct {
	spec *execSpec

	mu   sync.Mutex
	proc *keyProc
	dir  string // the directory made for it when the file names none
}

// maxKeyLine bounds the key the program prints for one answer.
const maxKeyLine = 64 << 10

// keyCommand reads key.command: the program as a list, or the mapping
// execute takes ({command, timeout, env, dir}).
func (d *decoder) keyCommand(n *yaml.Node) (*keyCommand, error) {
	field := "key.command"
	if n.Kind == yaml.SequenceNode {
		n = &yaml.Node{Kind: yaml.MappingNode, Line: n.Line, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: "command", Line: n.Line}, n}}
		field = "key"
	}
	spec, err := d.program(n, field)
	if err != nil {
		return nil, err
	}
	return &keyCommand{spec: spec}, nil
}

// program reads a program and its box in the shape of execute
// ({command, timeout, env, dir}) at another field, such as validate.
func (d *decoder) program(n *yaml.Node, field string) (*execSpec, error) {
	spec, err := d.execute(n)
	if e, ok := errors.AsType[*Error](err); ok {
		e.Field = field + strings.TrimPrefix(e.Field, "execute")
		e.Msg = strings.ReplaceAll(e.Msg, "an action is", "a program here is")
	}
	return spec, err
}

// commandKey is the key the program gives answer a (after the other key
// rules). A program that fails gives no key: the answer keeps the key the
// other rules give, and the error is the task's [Task.Err], which fails
// the step's check, so a broken key program cannot pass unnoticed.
func (t *Task) commandKey(a Answer, fallback string) string {
	k := t.key.more.command
	key, err := k.key(Answer{Action: t.key.Normalize(a.Action), State: t.key.Normalize(a.State)})
	if err != nil {
		t.setErr(fmt.Errorf("key.command: %w", err))
		return "\x00" + fallback
	}
	return key
}

// Close stops the task's key program, if it has one and it runs, and
// removes the directories made for its programs. A task can be used again
// after Close: a program starts again when it is needed.
func (t *Task) Close() error {
	var err error
	if t.validator != nil {
		t.validator.mu.Lock()
		if t.validator.dir != "" {
			err = os.RemoveAll(t.validator.dir)
			t.validator.dir = ""
		}
		t.validator.mu.Unlock()
	}
	if t.key.more == nil || t.key.more.command == nil {
		return err
	}
	return errors.Join(err, t.key.more.command.close())
}

func (k *keyCommand) key(a Answer) (string, error) {
	line, err := json.Marshal(struct {
		Action string `json:"action"`
		State  string `json:"state"`
	}{a.Action, a.State})
	if err != nil {
		return "", err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.proc == nil {
		if k.proc, err = k.start(); err != nil {
			return "", err
		}
	}
	key, err := k.proc.ask(append(line, '\n'), k.spec.timeout)
	if err != nil {
		msg := err.Error()
		if tail := k.proc.stderr.tail(); tail != "" {
			msg += "; stderr: " + tail
		}
		k.proc.stop()
		k.proc = nil
		return "", errors.New(msg)
	}
	return key, nil
}

func (k *keyCommand) start() (*keyProc, error) {
	dir := k.spec.dir
	if dir == "" {
		if k.dir == "" {
			d, err := os.MkdirTemp("", "maker-key-")
			if err != nil {
				return nil, fmt.Errorf("making the program's directory: %w", err)
			}
			k.dir = d
		}
		dir = k.dir
	}
	return startProc(k.spec, dir)
}

func (k *keyCommand) close() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.proc != nil {
		k.proc.stop()
		k.proc = nil
	}
	if k.dir != "" {
		err := os.RemoveAll(k.dir)
		k.dir = ""
		return err
	}
	return nil
}

// keyProc is a running program that answers one line for each line it
// reads.
type keyProc struct {
	cmd    *exec.Cmd
	in     *os.File // its stdin, our end
	out    *os.File // its stdout, our end
	r      *bufio.Reader
	stderr *lockedTail
	done   chan struct{} // closed when the program has exited
	errEOF chan struct{} // closed when its stderr is read to the end
}

// startProc starts spec's program in dir, in its own process group, with
// the allowed environment only.
func startProc(spec *execSpec, dir string) (*keyProc, error) {
	var p pipes
	if err := p.open(); err != nil {
		p.close()
		return nil, fmt.Errorf("could not run: %w", err)
	}
	cmd := exec.Command(spec.argv[0], spec.argv[1:]...)
	cmd.Dir, cmd.Env = dir, spec.environ()
	cmd.Stdin, cmd.Stdout, cmd.Stderr = p.inR, p.outW, p.errW
	ownGroup(cmd)
	err := cmd.Start()
	p.closeChildEnds()
	if err != nil {
		p.close()
		return nil, fmt.Errorf("could not run: %w", err)
	}
	kp := &keyProc{cmd: cmd, in: p.inW, out: p.outR, r: bufio.NewReaderSize(p.outR, 4096), stderr: &lockedTail{}, done: make(chan struct{}), errEOF: make(chan struct{})}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := p.errR.Read(buf)
			_, _ = kp.stderr.Write(buf[:n])
			if err != nil {
				_ = p.errR.Close()
				close(kp.errEOF)
				return
			}
		}
	}()
	go func() {
		_ = cmd.Wait()
		close(kp.done)
	}()
	return kp, nil
}

// ask writes one line and reads one back within timeout.
func (p *keyProc) ask(line []byte, timeout time.Duration) (string, error) {
	deadline := time.Now().Add(timeout)
	_ = p.in.SetWriteDeadline(deadline)
	_ = p.out.SetReadDeadline(deadline)
	if _, err := p.in.Write(line); err != nil {
		return "", p.failure(err, timeout)
	}
	var b []byte
	for {
		chunk, isPrefix, err := p.r.ReadLine()
		if err != nil {
			return "", p.failure(err, timeout)
		}
		b = append(b, chunk...)
		if len(b) > maxKeyLine {
			return "", fmt.Errorf("the program printed a key over %d KiB", maxKeyLine>>10)
		}
		if !isPrefix {
			break
		}
	}
	key := strings.TrimSpace(string(b))
	switch {
	case key == "":
		return "", errors.New("the program printed an empty key")
	case !utf8.ValidString(key):
		return "", errors.New("the program printed a key that is not valid UTF-8")
	}
	return maker.Redact(key), nil
}

// failure says why a line could not be written or read.
func (p *keyProc) failure(err error, timeout time.Duration) error {
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return fmt.Errorf("the program gave no key within %s", timeout)
	}
	select {
	case <-p.done:
		return fmt.Errorf("the program exited: %s", p.cmd.ProcessState)
	case <-time.After(100 * time.Millisecond):
	}
	return fmt.Errorf("the program stopped answering: %v", err)
}

// stop kills the program's process group and closes our ends.
func (p *keyProc) stop() {
	_ = killGroup(p.cmd.Process)
	_ = p.in.Close()
	_ = p.out.Close()
	<-p.done
}

// lockedTail is a tailBuffer written by one goroutine and read by another.
type lockedTail struct {
	mu sync.Mutex
	b  tailBuffer
}

func (l *lockedTail) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedTail) tail() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return tail(maker.Redact(string(l.b.b)))
}

func timeNowPlus(d time.Duration) time.Time { return time.Now().Add(d) }
