package cubesolve

import (
	"errors"
	"fmt"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/cube"
)

// Task solves one scrambled cube with the layer-by-layer method, one voted
// model call per algorithm. The state is the sticker layout, not a verified
// cube, so that a decided state with swapped stickers is carried as it is
// and the checker reports it. It implements [maker.Task],
// [maker.Checker] and [maker.Oracle].
type Task struct {
	start cube.Cube
	steps []Step
}

var (
	_ maker.Task[cube.Facelets]    = (*Task)(nil)
	_ maker.Checker[cube.Facelets] = (*Task)(nil)
	_ maker.Oracle                 = (*Task)(nil)
)

// New returns the task of solving start. It runs the method once, which
// fixes the number of steps (so k can be planned before the run) and gives
// the reference solution the checker holds each step to.
func New(start cube.Cube) (*Task, error) {
	if err := start.Verify(); err != nil {
		return nil, err
	}
	if start.IsSolved() {
		return nil, errors.New("cubesolve: the cube is already solved")
	}
	steps, err := Solve(start)
	if err != nil {
		return nil, err
	}
	return &Task{start: start, steps: steps}, nil
}

// Start is the scrambled cube.
func (t *Task) Start() cube.Cube { return t.start }

// Reference is the method's own solution, step by step.
func (t *Task) Reference() []Step { return t.steps }

// Name implements [maker.Task].
func (t *Task) Name() string { return "cube" }

// Initial implements [maker.Task].
func (t *Task) Initial() cube.Facelets { return t.start.Facelets() }

// Steps implements [maker.Task]: the number of steps the method takes from
// the start. A run whose decided steps leave the method's path stops there
// instead of wandering.
func (t *Task) Steps() int { return len(t.steps) }

// Done implements [maker.Task]: every face shows one colour.
func (t *Task) Done(f cube.Facelets, _ int) bool { return f == cube.Solved().Facelets() }

// Hint is what the task attaches to its prompts for the oracle.
type Hint struct{ State cube.Facelets }

// Prompt implements [maker.Task]: the method, the previous step's turns and
// the current state.
func (t *Task) Prompt(f cube.Facelets, prev string, _ int) maker.Prompt {
	return maker.Prompt{System: systemPrompt, User: userPrompt(f, prev), Hint: Hint{State: f}}
}

// Parse implements [maker.Task] with [ParseAnswer]. The action is the turns
// in canonical notation; the stage line must be present and well-formed but
// is not voted on, since it follows from the state.
func (t *Task) Parse(text string) (maker.Candidate[cube.Facelets], error) {
	a, err := ParseAnswer(text)
	if err != nil {
		return maker.Candidate[cube.Facelets]{}, err
	}
	return maker.Candidate[cube.Facelets]{Action: a.Turns.String(), State: a.State}, nil
}

// Key implements [maker.Task]: the turns and the next state.
func (t *Task) Key(c maker.Candidate[cube.Facelets]) string {
	return c.Action + "|" + c.State.String()
}

// Check implements [maker.Checker]: the decided turns must be the method's
// step from the state before, and the decided state what they lead to. It
// runs after the vote and never filters votes.
func (t *Task) Check(_ int, before cube.Facelets, c maker.Candidate[cube.Facelets]) error {
	from, err := before.Cube()
	if err != nil {
		return fmt.Errorf("the state before this step is not a real cube: %w", err)
	}
	turns, err := cube.ParseMoves(c.Action)
	if err != nil {
		return err
	}
	want, err := Next(from)
	if err != nil {
		return err
	}
	if turns.String() != want.Turns.String() {
		return fmt.Errorf("turns %q are not the method's %s step %q", turns, want.Stage, want.Turns)
	}
	if after := from.ApplySequence(turns).Facelets(); after != c.State {
		return fmt.Errorf("turns %q lead to %s, but the decided state is %s (%d stickers differ)", turns, after, c.State, differ(after, c.State))
	}
	return nil
}

// differ counts the stickers in which two layouts differ.
func differ(a, b cube.Facelets) int {
	n := 0
	for i := range a {
		if a[i] != b[i] {
			n++
		}
	}
	return n
}
