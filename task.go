package maker

import (
	"context"
	"errors"
)

// Candidate is what one valid sample proposes for a step: the action and the
// state the model says it leads to. Votes are cast on the pair, through the
// task's [Task.Key], so a right action with a wrong next state does not
// count for the right answer.
type Candidate[S any] struct {
	Action string
	State  S
}

// Task is a long sequential job cut into steps small enough for one model
// call each. S is the state the model carries from step to step.
//
// The model is the transition function: the winning candidate's state
// becomes the state of the next step. Tasks whose next state comes from the
// world instead implement [Executor] as well.
type Task[S any] interface {
	// Name identifies the task in summaries and journals.
	Name() string
	// Initial is the state before the first step.
	Initial() S
	// Prompt renders the prompt for a step from the current state, the
	// previous action ("" before the first step) and the 0-based step
	// number. It must not depend on anything else, so the model sees the
	// same thing on every sample. Set [Prompt.Hint] to what the task's
	// [Oracle] needs (usually the state and prev) so the simulator can play
	// the model without reading the prompt text back.
	Prompt(state S, prev string, step int) Prompt
	// Parse reads a response strictly. Any deviation from the exact format
	// is an error, which red-flags the sample: never repair an answer. It
	// checks form only (every field present and well-typed); whether the
	// action is legal is the [Checker]'s business, after the vote.
	Parse(text string) (Candidate[S], error)
	// Key is the canonical vote key of a candidate, covering both the action
	// and the state. Two candidates that mean the same thing must have the
	// same key (normalise spacing, case, order), and two that differ must
	// not, or a wrong answer could borrow a right one's votes.
	Key(c Candidate[S]) string
	// Done reports whether the task is finished before step number step
	// (0-based: the number of steps decided so far).
	Done(state S, step int) bool
	// Steps is the total number of steps when it is known in advance (it
	// sets k_min), or 0. When it is known, a run that reaches it without
	// Done reporting true stops with [ErrStepLimit] (unless
	// [Config.MaxSteps] is set, which stops it quietly).
	Steps() int
}

// Executor is implemented by tasks where the model is the policy and the
// world is the transition: the winning action is carried out against a real
// system, and the next state is what the system reports. A failed execution
// is data for the next step (put it in the returned state); an error stops
// the run.
type Executor[S any] interface {
	// Execute carries out the winning candidate's action from state and
	// returns the state the world reports, which replaces the state the
	// model proposed.
	Execute(ctx context.Context, state S, winner Candidate[S]) (S, error)
}

// Checker is implemented by tasks that can tell, after a step is decided,
// whether it was right. The engine calls it only after the vote, never to
// filter votes, and reports the wrong steps in the summary.
type Checker[S any] interface {
	// Check returns a non-nil error describing what is wrong with the
	// decided step (number step, taken from state before).
	Check(step int, before S, decided Candidate[S]) error
}

// Oracle gives the simulator the right answer to a prompt, and plausible
// wrong ones, in the task's own response format. It is used only to play the
// model; the engine never sees it. A task that implements Oracle can be run
// and tested offline with sim.New(task, sim.DefaultConfig()).
type Oracle interface {
	// Answer returns the answers to p, reading p.Hint when the task set one
	// and the prompt text otherwise. It returns [ErrNotMine] when the prompt
	// belongs to another task.
	Answer(p Prompt) (Answer, error)
}

// RightOracle is an [Oracle] that can also write its right answer alone.
// A simulated model draws a right sample far more often than a wrong one,
// and asks such an oracle for the wrong answers only when it draws one.
type RightOracle interface {
	Oracle
	// RightAnswer returns Answer's right answer to p, or the error Answer
	// returns.
	RightAnswer(p Prompt) (string, error)
}

// Answer is an oracle's reply: the right response and wrong ones that look
// right (a legal-looking wrong action with its consistent state, the right
// action with a wrong state). Wrong[0] is the one a simulated model repeats
// on its hard steps, to play correlated errors.
type Answer struct {
	Right string
	Wrong []string
}

// ErrNotMine is returned by an [Oracle] for a prompt that another task wrote.
var ErrNotMine = errors.New("prompt not recognised by this oracle")
