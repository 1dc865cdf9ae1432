package scenario

import (
	"errors"
	"slices"

	"github.com/maker-go/maker"
)

// Hint is what a scenario task attaches to its prompts for its oracle: the
// state the prompt shows and the previous action. Each scenario names its
// own (type Hint = scenario.Hint[State]), so an oracle never takes another
// task's prompt for its own.
type Hint[S any] struct {
	State S
	Prev  string
}

// StateOf is the state an oracle answers for: the one in the prompt's hint
// when the task rendered the prompt in this process, or the one read back
// from the prompt's text when the hint was lost (the simulator behind
// HTTP). read gives [maker.ErrNotMine] for text its task did not render.
func StateOf[S any](p maker.Prompt, read func(string) (S, error)) (S, error) {
	if h, ok := p.Hint.(Hint[S]); ok {
		return h.State, nil
	}
	return read(p.User)
}

// AddWrong appends text to the answer's wrong ones unless it is the right
// answer or already listed: a simulated model must never be made to vote
// for the right answer while it means to be wrong, and a repeated wrong
// answer would only shift the indices the simulator picks from.
func AddWrong(ans *maker.Answer, text string) {
	if text != ans.Right && !slices.Contains(ans.Wrong, text) {
		ans.Wrong = append(ans.Wrong, text)
	}
}

// Trace applies a task's rule from s until it stops and returns the actions
// it took: the reference sequence a checker compares a run with.
func Trace[A, S any](s S, next func(S) (A, S, bool)) []A {
	var out []A
	for {
		a, n, ok := next(s)
		if !ok {
			return out
		}
		out = append(out, a)
		s = n
	}
}

// HintedStep is the step an oracle answers for: the state in the prompt's
// hint and the action the procedure prescribes there. A prompt without the
// task's hint gives [maker.ErrNotMine]; a state where the procedure has
// nothing left to do gives an error that says so (settled).
func HintedStep[S, A any](p maker.Prompt, next func(S) (A, bool), settled string) (S, A, error) {
	var zero A
	h, ok := p.Hint.(Hint[S])
	if !ok {
		return h.State, zero, maker.ErrNotMine
	}
	right, ok := next(h.State)
	if !ok {
		return h.State, zero, errors.New(settled)
	}
	return h.State, right, nil
}

// Lead is the line before the simulator's answers to a policy step.
const Lead = "Following the procedure."

// Answers is an oracle's answer to one policy step under construction: the
// procedure's action with the state it is meant to lead to, then wrong
// answers that look right. K identifies an action, so a wrong answer that
// turns out to be the right action with the right expectation is dropped
// rather than handed to the simulator as a mistake.
type Answers[K comparable] struct {
	maker.Answer
	right    K
	expected string
}

// NewAnswers starts an answer whose right one is the action identified by
// right, written as action, expecting expected.
func NewAnswers[K comparable](right K, action, expected string) *Answers[K] {
	return &Answers[K]{Answer: maker.Answer{Right: Render(Lead, action, expected)}, right: right, expected: expected}
}

// Add appends a wrong answer: the action identified by key, written as
// action, expecting expected; unless that is the right answer.
func (a *Answers[K]) Add(key K, action, expected string) {
	if key == a.right && expected == a.expected {
		return
	}
	a.Wrong = append(a.Wrong, Render(Lead, action, expected))
}
