package tasks

import (
	"encoding/json"

	"github.com/maker-go/maker/runs"
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
	// them from here, never from its own disk (cmd/maker/submit_files.go).
	Files map[string]string `json:"files,omitempty" jsonschema:"the data files the task file names (inputs, expected_file), by the name it gives them, with their text: the service reads them from here and never looks the names up on its own disk"`
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
	})
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
