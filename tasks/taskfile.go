package tasks

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/taskfile"
)

// TaskFile are the params of a run of a task file (maker run): the file's
// name and text.
type TaskFile struct {
	File string `json:"file,omitempty" jsonschema:"the task file's name, for messages (default task.yaml)"`
	YAML string `json:"yaml" jsonschema:"the task file's text (required)"`
	// Simulated: the simulator answers from the file's expected steps.
	Simulated bool `json:"simulated,omitempty" jsonschema:"set from the model setting: the simulator answers from the file's expected steps"`
	// Data are the SHA-256 of the data files the task reads, set when the
	// run starts.
	Data map[string]string `json:"data,omitempty" jsonschema:"set when the run starts: the SHA-256 of the data files the task reads"`
	// Files are the data files sent with the task file (maker submit
	// sends them), by the name the task file gives them: the service reads
	// them from here, never from its own disk.
	Files map[string]string `json:"files,omitempty" jsonschema:"the data files the task file names (inputs, expected_file), by the name it gives them, with their text: the service reads them from here and never looks the names up on its own disk"`
}

// taskFileRun are the params the journal keeps for a run of a task file:
// its TaskFile, and the rules a client's file was accepted under.
type taskFileRun struct {
	TaskFile
	// Client, for a task file a client sent a service, are the rules it
	// was accepted under; the journal keeps them, so that whoever resumes
	// the run (the service, a fleet's worker, maker resume) opens the file
	// under them again and never under the command line's. The runner
	// sets them (runs.OpenOptions): a client cannot send its own.
	Client *runs.ClientRules `json:"client,omitempty"`
	// paths are where the data files were read, by name (maker submit
	// sends them).
	paths map[string]string
}

// DataPaths are where the task file's data files were read, by the name
// the file gives them.
func (p taskFileRun) DataPaths() map[string]string { return p.paths }

// Sent are the params a client sends a service for the task file (maker
// submit): its path made absolute, for a program the service looks up in
// a directory it allows, and the contents of its data files, read on the
// client, by the name the file gives them.
func (p taskFileRun) Sent(files map[string]string) any {
	t := p.TaskFile
	if abs, err := filepath.Abs(t.File); err == nil {
		t.File = abs
	}
	t.Files = files
	return t
}

func init() {
	register(runs.Kind{
		Name: "taskfile", Command: "run",
		Summary: "a task declared in a YAML file (docs/taskfile.md)",
		Example: exampleTaskFile,
	}, func(p *TaskFile, s runs.Settings) error {
		if p.YAML == "" {
			return fieldErr("yaml", "missing: the task file's text, as maker run TASK.yaml reads it")
		}
		if p.File == "" {
			p.File = "task.yaml"
		}
		p.Simulated = Simulated(s)
		return nil
	}, openTaskFile)
}

// exampleTaskFile is the documented params of a task file: a three-step
// running sum with its expected answers, so it runs on the simulator.
var exampleTaskFile = func() json.RawMessage {
	b, err := json.Marshal(TaskFile{File: "sum.yaml", YAML: `name: sum
system: "Add the step number to the total. Answer with two lines, action: add N, then total: T."
user: "Step {{.Step}} of {{.Steps}}. Current total: {{.State}}"
initial: 0
answer:
  regex: '(?m)^action: (?P<action>add [0-9]+)\ntotal: (?P<state>[0-9]+)$'
  template: "action: {{.Action}}\ntotal: {{.State}}"
done:
  steps: 3
expected:
  - {action: add 1, state: "1"}
  - {action: add 2, state: "3"}
  - {action: add 3, state: "6"}
`})
	if err != nil {
		panic(err)
	}
	return b
}()

// openTaskFile is the execution of a task file. A client's task file (a
// service's run: o.Client, or the rules its journal kept) is opened under
// the client's rules, never the command line's.
func openTaskFile(p taskFileRun, o runs.OpenOptions) (runs.Opened, error) {
	if o.Client != nil {
		p.Client = o.Client
	}
	var opts taskfile.Options
	if p.Client != nil {
		opts = p.Client.Options()
	}
	opts.Files = sentFiles(p.Files)
	task, err := taskfile.ParseWith(p.File, p.YAML, opts)
	if err != nil {
		return nil, runs.UsageErr("%w", err)
	}
	data := task.DataFiles()
	p.paths = task.DataPaths()
	if p.Data == nil {
		p.Data = data
	} else if err := sameData(p.Data, data); err != nil {
		return nil, runs.UsageErr("%v", err)
	}
	var run maker.Task[string] = task
	if a := task.Acting(); a != nil {
		run = a
	}
	var oracle maker.Oracle
	if p.Simulated {
		if oracle, err = task.Oracle(); err != nil {
			if errors.Is(err, taskfile.ErrNoExpected) {
				return nil, runs.UsageErr("%v; or give --model provider/model", err)
			}
			return nil, runs.UsageErr("%v", err)
		}
	}
	return runs.Execution[string]{
		Task:   run,
		Oracle: oracle,
		Kind:   "taskfile",
		// The task's facts need no actions: a run over millions of inputs
		// keeps none in memory.
		Configure:  func(cfg *maker.Config) { cfg.DiscardActions = true },
		Params:     p,
		CacheScope: func() []string { return taskfileScope(p, run) },
		Facts: func(res *maker.Result[string]) []runs.Fact {
			return []runs.Fact{
				{Key: "task_file", Label: "task file", Value: p.File},
				{Key: "final_state", Label: "final state", Value: res.State},
			}
		},
	}, nil
}

// sameData refuses data files whose contents differ from those a run
// started with.
func sameData(was, now map[string]string) error {
	for name, sum := range was {
		if now[name] != sum {
			return fmt.Errorf("data file %s has changed since the run started (sha256 %.12s, was %.12s): restore it, or start a new run", name, now[name], sum)
		}
	}
	return nil
}

// taskfileScope is what a task file adds to its runs' cache scope. A
// later run replays an earlier run's steps with the task as it is now, so
// what the prompts are made of besides the state must be in the scope:
// the file's text (its instructions, its templates), and, for a task with
// no expected answers, the data files it reads; a task with them checks
// each reused step against them, so a run whose inputs change part way
// reuses the steps before the change (see maker.DecisionCache).
func taskfileScope[S any](p taskFileRun, task maker.Task[S]) []string {
	sum := sha256.Sum256([]byte(p.YAML))
	parts := []string{"taskfile=" + hex.EncodeToString(sum[:])}
	if o, ok := any(task).(interface{ Oracle() (maker.Oracle, error) }); ok {
		if _, err := o.Oracle(); err == nil {
			return parts
		}
	}
	for _, name := range slices.Sorted(maps.Keys(p.Data)) {
		parts = append(parts, "data "+name+"="+p.Data[name])
	}
	return parts
}

// sentFiles are the files a client sent, as [taskfile.Options.Files].
func sentFiles(files map[string]string) map[string][]byte {
	if files == nil {
		return nil
	}
	out := make(map[string][]byte, len(files))
	for name, text := range files {
		out[name] = []byte(text)
	}
	return out
}
