package sim

import (
	"errors"

	"github.com/maker-go/maker"
)

// Oracles combines several tasks' oracles into one that asks each in turn
// and answers with the first that recognises the prompt, so one simulated
// server can play the model for every task. It returns [maker.ErrNotMine]
// when none does.
func Oracles(oracles ...maker.Oracle) maker.Oracle { return multi(oracles) }

type multi []maker.Oracle

func (m multi) Answer(p maker.Prompt) (maker.Answer, error) {
	for _, o := range m {
		a, err := o.Answer(p)
		if errors.Is(err, maker.ErrNotMine) {
			continue
		}
		return a, err
	}
	return maker.Answer{}, maker.ErrNotMine
}
