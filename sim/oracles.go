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

// RightAnswer implements [maker.RightOracle]: the first recognising
// oracle's right answer, written alone where that oracle can.
func (m multi) RightAnswer(p maker.Prompt) (string, error) {
	for _, o := range m {
		var right string
		var err error
		if ro, ok := o.(maker.RightOracle); ok {
			right, err = ro.RightAnswer(p)
		} else {
			var a maker.Answer
			a, err = o.Answer(p)
			right = a.Right
		}
		if errors.Is(err, maker.ErrNotMine) {
			continue
		}
		return right, err
	}
	return "", maker.ErrNotMine
}
