package taskfile

import (
	"errors"
	"fmt"

	"github.com/maker-go/maker"
)

// ErrNoExpected is returned by [Task.Oracle] for a file without expected
// answers: the simulator has nothing to play the model from.
var ErrNoExpected = errors.New("the task file lists no expected answers")

// Oracle returns the simulator's oracle, built from the expected answers.
func (t *Task) Oracle() (maker.Oracle, error) {
	if t.expectedLen() == 0 {
		return nil, fmt.Errorf("%s: %w (add an expected list to run it on the simulator)", t.file, ErrNoExpected)
	}
	return oracle{t}, nil
}

type oracle struct{ t *Task }

// Answer gives the expected answer of the hinted step, and wrong ones that
// look right: the file's own, or else the action with the state left as it
// was (a model that forgot to apply its own action). A state that is not the
// expected one has no right answer here, and the simulated model is
// confused by it as a real one would be.
func (o oracle) Answer(p maker.Prompt) (maker.Answer, error) {
	h, ok := p.Hint.(Hint)
	if !ok {
		return maker.Answer{}, maker.ErrNotMine
	}
	t := o.t
	if h.Step < 0 || h.Step >= t.expectedLen() {
		return maker.Answer{}, fmt.Errorf("step %d: no expected answer", h.Step+1)
	}
	want, err := t.expectedAt(h.Step)
	if err != nil {
		return maker.Answer{}, err
	}
	if t.key.Normalize(h.State) != t.key.Normalize(want.before) {
		return maker.Answer{}, fmt.Errorf("step %d: state %q is not the expected %q", h.Step+1, h.State, want.before)
	}
	right, err := t.format.render(want.Answer)
	if err != nil {
		return maker.Answer{}, err
	}
	ans := maker.Answer{Right: right}
	wrongs := want.Wrong
	if len(wrongs) == 0 {
		wrongs = []Answer{{Action: want.Action, State: want.before}}
	}
	for _, w := range wrongs {
		if t.keyOf(w) == t.keyOf(want.Answer) {
			continue
		}
		text, err := t.format.render(w)
		if err != nil {
			return maker.Answer{}, err
		}
		ans.Wrong = append(ans.Wrong, text)
	}
	return ans, nil
}
