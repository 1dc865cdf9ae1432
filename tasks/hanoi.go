package tasks

import (
	"encoding/json"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/runs"
)

// Hanoi are the params of a Towers of Hanoi run.
type Hanoi struct {
	// Disks is the number of disks: 2^disks-1 steps (default 10).
	Disks int `json:"disks,omitempty" jsonschema:"number of disks, 1 to 30 (steps: 2^disks-1); default 10"`
	// Prompt is the user-prompt template's text (--prompt-file).
	Prompt string `json:"prompt,omitempty" jsonschema:"user-prompt template (Go text/template with {{.Prev}} and {{.State}}); default: the built-in one"`
	// Rules red-flags answers that break the game's rules (--rules): see
	// [hanoi.Task.WithRules].
	Rules bool `json:"rules,omitempty" jsonschema:"red-flag answers that break the game's rules (an illegal move, or a next state the move does not lead to) before they vote; default false, as in the paper"`
}

// DefaultDisks are the disks of maker hanoi with no flags.
const DefaultDisks = 10

func init() {
	register(runs.Kind{
		Name: "hanoi", Command: "hanoi",
		Summary: "Towers of Hanoi, one voted model call per move",
		Example: json.RawMessage(`{"disks":11}`),
	}, func(p *Hanoi, _ runs.Settings) error {
		if p.Disks == 0 {
			p.Disks = DefaultDisks
		}
		if p.Disks < 1 || p.Disks > hanoi.MaxDisks {
			return fieldErr("disks", "want 1 to %d, got %d", hanoi.MaxDisks, p.Disks)
		}
		if p.Prompt != "" {
			if _, err := hanoi.ParseTemplate("params.prompt", p.Prompt); err != nil {
				return err
			}
		}
		return nil
	}, openHanoi)
}

// openHanoi is the execution of a Hanoi run.
func openHanoi(p Hanoi, _ runs.OpenOptions) (runs.Opened, error) {
	task, err := hanoi.New(p.Disks)
	if err != nil {
		return nil, runs.UsageErr("%v", err)
	}
	if p.Prompt != "" {
		tmpl, err := hanoi.ParseTemplate("prompt file", p.Prompt)
		if err != nil {
			return nil, runs.UsageErr("%v", err)
		}
		task = task.WithTemplate(tmpl)
	}
	var run maker.Task[hanoi.State] = task
	if p.Rules {
		run = task.WithRules()
	}
	return runs.Execution[hanoi.State]{
		Task:   run,
		Oracle: task,
		Kind:   "hanoi",
		Params: p,
		Facts: func(res *maker.Result[hanoi.State]) []runs.Fact {
			return []runs.Fact{
				{Key: "disks", Label: "disks", Value: p.Disks},
				{Key: "final_state", Label: "final state", Value: res.State.String()},
			}
		},
	}, nil
}
