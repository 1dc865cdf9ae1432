package taskfile

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/sim"
)

// actTask counts with a program: step n's action is "do n" and the program
// prints the state the world is in. %s is the program's body.
const actTask = `name: act
system: Do the step.
user: "State {{.State}}, item {{.Input.n}}"
initial: "0"
inputs: [{n: 1}, {n: 2}, {n: 3}, {n: 4}, {n: 5}, {n: 6}]
answer:
  regex: '^do (?P<action>[0-9]+) -> (?P<state>[0-9]+)$'
  template: "do {{.Action}} -> {{.State}}"
done:
  inputs: true
execute:
  command: [./act.sh, extra-arg]
  timeout: %s
expected:
  - {action: "1", state: "1"}
  - {action: "2", state: "2"}
  - {action: "3", state: "3"}
  - {action: "4", state: "4"}
  - {action: "5", state: "5"}
  - {action: "6", state: "6"}
`

// actingTask writes the program and loads the task.
func actingTask(t *testing.T, script, timeout string) (*Acting, string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "act.sh"), []byte("#!/bin/sh\n"+script), 0o755); err != nil {
		t.Fatal(err)
	}
	task, err := Parse(filepath.Join(dir, "task.yaml"), fmt.Sprintf(actTask, timeout))
	if err != nil {
		t.Fatal(err)
	}
	if !task.Executes() {
		t.Fatal("Executes() is false for a task with execute")
	}
	a := task.Acting()
	a.SetWorkDir(dir)
	return a, dir
}

type actionLog struct {
	mu     sync.Mutex
	events []string
}

func (l *actionLog) ActionStarted(_ context.Context, step int) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, fmt.Sprintf("start %d", step))
	return nil
}

func (l *actionLog) ActionFinished(_ context.Context, step int) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, fmt.Sprintf("end %d", step))
	return nil
}

// TestActingRunsEachActionOnceInOrder runs the task on the simulator with
// speculation asked for: the engine must not speculate over a task that
// acts, so the program sees steps 1..6 once each, in order, each with its
// own input, and its output is the state carried on.
func TestActingRunsEachActionOnceInOrder(t *testing.T) {
	a, dir := actingTask(t, `in=$(cat); printf '%s\n' "$in" >> "$(dirname "$0")/stdin.log"; printf '%s\n' "$in" | sed -n 's/.*"step":\([0-9]*\).*/\1/p'
`, "10s")
	log := &actionLog{}
	a.SetActionLog(log)
	oracle, err := a.Oracle()
	if err != nil {
		t.Fatal(err)
	}
	cfg := sim.DefaultConfig()
	cfg.Seed = 7
	model, err := sim.New(oracle, cfg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := maker.Run(context.Background(), maker.Task[string](a), model, maker.Config{K: 2, Speculate: 4})
	if err != nil {
		t.Fatal(err)
	}
	if res.Summary.Speculation.Depth != 0 || res.State != "6" || res.Summary.WrongSteps != 0 {
		t.Fatalf("speculation depth %d, final state %q, wrong %d", res.Summary.Speculation.Depth, res.State, res.Summary.WrongSteps)
	}
	b, err := os.ReadFile(filepath.Join(dir, "stdin.log"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 6 {
		t.Fatalf("the program ran %d times, want 6:\n%s", len(lines), b)
	}
	for i, l := range lines {
		var in struct {
			Step   int
			State  string
			Action string
			Input  map[string]any
		}
		if err := json.Unmarshal([]byte(l), &in); err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprint(i + 1)
		if in.Step != i+1 || in.State != fmt.Sprint(i) || in.Action != want || fmt.Sprint(in.Input["n"]) != want {
			t.Errorf("run %d got %+v", i+1, in)
		}
	}
	var wantLog []string
	for i := range 6 {
		wantLog = append(wantLog, fmt.Sprintf("start %d", i), fmt.Sprintf("end %d", i))
	}
	if strings.Join(log.events, ",") != strings.Join(wantLog, ",") {
		t.Errorf("action log %v, want %v", log.events, wantLog)
	}
}

func TestActingFailures(t *testing.T) {
	tests := []struct {
		name, script, timeout string
		want                  []string
	}{
		{"non-zero exit", "echo 'disk full' >&2; echo 'really full' >&2; exit 3\n", "10s", []string{"the program failed: exit status 3", "stderr: disk full really full"}},
		{"timeout", "exec sleep 5\n", "200ms", []string{"the program timed out after 200ms"}},
		{"no output", "cat >/dev/null\n", "10s", []string{"printed no next state"}},
		{"long stderr keeps its tail", "i=0; while [ $i -lt 400 ]; do echo \"noise $i\" >&2; i=$((i+1)); done; echo 'the real cause' >&2; exit 1\n", "10s", []string{"exit status 1", "the real cause"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, _ := actingTask(t, tc.script, tc.timeout)
			log := &actionLog{}
			a.SetActionLog(log)
			_ = a.Check(1, "1", maker.Candidate[string]{Action: "2", State: "2"})
			_, err := a.Execute(context.Background(), "1", maker.Candidate[string]{Action: "2", State: "2"})
			var ee *ExecError
			if !errors.As(err, &ee) || ee.Step != 2 {
				t.Fatalf("error %v (%T), want an ExecError at step 2", err, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if len(err.Error()) > 700 {
				t.Errorf("error is %d bytes long", len(err.Error()))
			}
			// Started and never finished: the journal's record of a failed action.
			if strings.Join(log.events, ",") != "start 1" {
				t.Errorf("action log %v, want [start 1]", log.events)
			}
		})
	}
}
