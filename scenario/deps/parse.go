package deps

import (
	"fmt"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/scenario"
)

// keys are the answer lines; promptKeys the state lines of a prompt, which
// the oracle reads when the hint is lost.
var (
	keys       = []string{"build", "next_ready", "next_waiting"}
	promptKeys = []string{"ready", "waiting"}
)

// ParseAnswer strictly reads the three answer lines. Every name must be a
// module of the instance and appear at most once across both lists; counts
// are positive integers. Nothing is repaired, and no rule of the procedure
// is checked here: that is the checker's business, after the vote.
func (t *Task) ParseAnswer(text string) (string, State, error) {
	vals, err := scenario.Fields(text, keys...)
	if err != nil {
		return "", State{}, err
	}
	mod := vals[0]
	if _, ok := t.g.Deps[mod]; !ok {
		return "", State{}, fmt.Errorf("deps: %w: build = %q is not a module", maker.ErrMalformed, mod)
	}
	ready, err := scenario.ParseList(vals[1])
	if err != nil {
		return "", State{}, err
	}
	waiting, err := scenario.ParseCounts(vals[2])
	if err != nil {
		return "", State{}, err
	}
	for _, r := range ready {
		if _, ok := t.g.Deps[r]; !ok {
			return "", State{}, fmt.Errorf("deps: %w: next_ready names %q, which is not a module", maker.ErrMalformed, r)
		}
		if _, both := waiting[r]; both {
			return "", State{}, fmt.Errorf("deps: %w: %s is both ready and waiting", maker.ErrMalformed, r)
		}
	}
	for w := range waiting {
		if _, ok := t.g.Deps[w]; !ok {
			return "", State{}, fmt.Errorf("deps: %w: next_waiting names %q, which is not a module", maker.ErrMalformed, w)
		}
	}
	return mod, State{Ready: scenario.Sorted(ready), Waiting: waiting}, nil
}
