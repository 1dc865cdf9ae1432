package realutil

import (
	"errors"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/scenario/scenutil"
)

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

// HintedStep is the step an oracle answers for: the state in the prompt's
// hint and the action the procedure prescribes there. A prompt without the
// task's hint gives [maker.ErrNotMine]; a state where the procedure has
// nothing left to do gives an error that says so (settled).
func HintedStep[S, A any](p maker.Prompt, next func(S) (A, bool), settled string) (S, A, error) {
	var zero A
	h, ok := p.Hint.(scenutil.Hint[S])
	if !ok {
		return h.State, zero, maker.ErrNotMine
	}
	right, ok := next(h.State)
	if !ok {
		return h.State, zero, errors.New(settled)
	}
	return h.State, right, nil
}
