package cubesolve_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/cube"
	"github.com/maker-go/maker/cubesolve"
)

// FuzzParseAnswer feeds the strict parser arbitrary model output: it must
// never panic, every rejection must wrap maker.ErrMalformed, and whatever
// it accepts reads back the same when written in the answer format.
func FuzzParseAnswer(f *testing.F) {
	rState := cube.Solved().Apply(cube.R).String()
	for _, s := range []string{
		"reasoning\nstage = cross\nturns = R\nnext_state = " + rState,
		"stage = cross\nturns = R U' F2 D L B\nnext_state = " + solvedState + "\n",
		"stage = edges\nturns = R\nnext_state = " + rState,
		"stage = cross\nturns = R  U\nnext_state = " + rState,
		"stage = cross\nturns = R’\nnext_state = " + rState,
		"stage = cross\nturns = R\nnext_state = " + rState[:53],
		"stage = cross\nturns = R\nnext_state = " + rState + "\nDone.",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		a, err := cubesolve.ParseAnswer(text)
		if err != nil {
			if !errors.Is(err, maker.ErrMalformed) {
				t.Fatalf("ParseAnswer(%q): %v does not wrap maker.ErrMalformed", text, err)
			}
			return
		}
		if len(a.Turns) == 0 {
			t.Fatalf("ParseAnswer(%q) accepted no turns", text)
		}
		again := "stage = " + a.Stage.String() + "\nturns = " + a.Turns.String() + "\nnext_state = " + a.State.String()
		b, err := cubesolve.ParseAnswer(again)
		if err != nil || !reflect.DeepEqual(a, b) {
			t.Fatalf("ParseAnswer(%q) = %+v, which reads back as %+v (%v)", text, a, b, err)
		}
	})
}
