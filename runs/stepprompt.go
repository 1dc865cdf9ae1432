package runs

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/maker-go/maker"
)

// JournaledPrompt rebuilds the prompt step (0-based) of a journaled run
// was sampled with, through the run's task kind (see [Kind.Open]): the task
// renders it from the state the step before left (before; nil for the
// first step, which starts from the task's initial state) and that step's
// action, which is all a prompt may depend on. It is the service's
// [server.PromptFunc].
func JournaledPrompt(_ context.Context, run *maker.RunRecord, step int, before json.RawMessage, prev string) (maker.Prompt, error) {
	kind, ok := LookupKind(run.Kind)
	if !ok || kind.Open == nil {
		return maker.Prompt{}, fmt.Errorf("task kind %q cannot be rebuilt by this maker", run.Kind)
	}
	e, err := kind.Open(run.Params, OpenOptions{})
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
func (e Execution[S]) promptAt(step int, before json.RawMessage, prev string) (maker.Prompt, error) {
	state := e.Task.Initial()
	if len(before) > 0 {
		var s S
		if err := json.Unmarshal(before, &s); err != nil {
			return maker.Prompt{}, fmt.Errorf("the state before step %d: %w", step+1, err)
		}
		state = s
	}
	p := e.Task.Prompt(state, prev, step)
	p.Hint = nil
	return p, nil
}

func (w WorldExecution[S]) promptAt(step int, before json.RawMessage, prev string) (maker.Prompt, error) {
	return w.E.promptAt(step, before, prev)
}

// DecodeState decodes a journaled state as the state type of the run's
// task.
func DecodeState(run *maker.RunRecord, raw json.RawMessage) (any, error) {
	kind, ok := LookupKind(run.Kind)
	if !ok || kind.Open == nil {
		return nil, fmt.Errorf("task kind %q cannot be rebuilt", run.Kind)
	}
	e, err := kind.Open(run.Params, OpenOptions{})
	if err != nil {
		return nil, err
	}
	d, ok := e.(interface {
		decodeState(json.RawMessage) (any, error)
	})
	if !ok {
		return nil, fmt.Errorf("task kind %q has no state type", run.Kind)
	}
	return d.decodeState(raw)
}

// decodeState decodes a journaled state of the execution's task.
func (e Execution[S]) decodeState(raw json.RawMessage) (any, error) {
	var s S
	err := json.Unmarshal(raw, &s)
	return s, err
}
