package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/maker-go/maker"
)

// journaledPrompt rebuilds the prompt step (0-based) of a journaled run
// was sampled with, through the run's task kind (see taskKinds): the task
// renders it from the state the step before left (before; nil for the
// first step, which starts from the task's initial state) and that step's
// action, which is all a prompt may depend on. It is the service's
// [server.PromptFunc].
func journaledPrompt(_ context.Context, run *maker.RunRecord, step int, before json.RawMessage, prev string) (maker.Prompt, error) {
	kind, ok := lookupKind(run.Kind)
	if !ok || kind.open == nil {
		return maker.Prompt{}, fmt.Errorf("task kind %q cannot be rebuilt by this maker", run.Kind)
	}
	e, err := kind.open(run.Params)
	if err != nil {
		return maker.Prompt{}, err
	}
	p, ok := e.(interface {
		promptAt(step int, before json.RawMessage, prev string) (maker.Prompt, error)
	})
	if !ok {
		return maker.Prompt{}, fmt.Errorf("task kind %q renders no prompt", run.Kind)
	}
	return p.promptAt(step, before, prev)
}

// promptAt renders the task's prompt of step from the journaled state
// before it.
func (e execution[S]) promptAt(step int, before json.RawMessage, prev string) (maker.Prompt, error) {
	state := e.task.Initial()
	if len(before) > 0 {
		var s S
		if err := json.Unmarshal(before, &s); err != nil {
			return maker.Prompt{}, fmt.Errorf("the state before step %d: %w", step+1, err)
		}
		state = s
	}
	p := e.task.Prompt(state, prev, step)
	p.Hint = nil
	return p, nil
}

func (w worldExecution[S]) promptAt(step int, before json.RawMessage, prev string) (maker.Prompt, error) {
	return w.e.promptAt(step, before, prev)
}
