package scenutil

import (
	"slices"

	"github.com/maker-go/maker"
)

// Hint is what a scenario task attaches to its prompts for its oracle: the
// state the prompt shows and the previous action. Each scenario names its
// own (type Hint = scenutil.Hint[State]), so an oracle never takes another
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
