// Package template is a complete small MAKER task to copy when you write
// your own: it builds the Fibonacci list one voted model call per number.
// Each step appends the sum of the last two numbers; the model answers with
// the number it appends and the whole new list.
//
// Every piece a task needs is here, each in its own file and marked with
// what to change: the prompt (prompt.go), the strict parser and the vote key
// (parse.go), the oracle that lets the simulator play the model (oracle.go)
// and the after-the-fact checker (task.go). The test (task_test.go) runs the
// task end to end on the simulator. See README.md.
package template

import (
	"fmt"

	"github.com/maker-go/maker"
)

// State is what the model carries from step to step: here the list so far.
// CHANGE: keep the state to what the next step needs and what the result is.
type State []int

// MaxSteps keeps the numbers inside an int and the prompt short.
const MaxSteps = 80

// Task builds a Fibonacci list of n+2 numbers in n steps, starting from
// [1, 1]. It implements [maker.Task], [maker.Checker] and [maker.Oracle].
type Task struct{ n int }

// The compile-time checks: keep them, so a changed signature fails to build.
var (
	_ maker.Task[State]    = (*Task)(nil)
	_ maker.Checker[State] = (*Task)(nil)
	_ maker.Oracle         = (*Task)(nil)
)

// New returns the task with n steps (1 to [MaxSteps]).
func New(n int) (*Task, error) {
	if n < 1 || n > MaxSteps {
		return nil, fmt.Errorf("template: steps must be between 1 and %d, got %d", MaxSteps, n)
	}
	return &Task{n: n}, nil
}

// Name implements [maker.Task]. CHANGE: name your task.
func (t *Task) Name() string { return fmt.Sprintf("fib-list-%d", t.n) }

// Initial implements [maker.Task]: the two seeds of the list.
func (t *Task) Initial() State { return State{1, 1} }

// Steps implements [maker.Task]. Knowing it lets `--k auto` plan k.
func (t *Task) Steps() int { return t.n }

// Done implements [maker.Task]: the list has all its numbers.
func (t *Task) Done(s State, _ int) bool { return len(s) >= t.n+2 }

// Check implements [maker.Checker]. It runs after each vote and only
// reports: the appended number must be the sum of the last two, and the new
// list the old one with it appended. CHANGE: check what "right" means for
// your task, from the state before the step.
func (t *Task) Check(_ int, before State, c maker.Candidate[State]) error {
	if len(before) < 2 {
		return fmt.Errorf("the list before the step has %d numbers", len(before))
	}
	want := before[len(before)-2] + before[len(before)-1]
	if c.Action != fmt.Sprintf("append %d", want) {
		return fmt.Errorf("action %q, want append %d", c.Action, want)
	}
	if len(c.State) != len(before)+1 || c.State[len(before)] != want {
		return fmt.Errorf("the new list %v is not %v with %d appended", c.State, before, want)
	}
	for i, v := range before {
		if c.State[i] != v {
			return fmt.Errorf("the new list changed number %d from %d to %d", i+1, v, c.State[i])
		}
	}
	return nil
}
