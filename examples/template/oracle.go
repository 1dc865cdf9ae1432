package template

import (
	"fmt"

	"github.com/maker-go/maker"
)

// Answer implements [maker.Oracle] for the simulator: the right answer and
// wrong ones that look right, in the task's own format. Wrong[0] is the
// mistake the simulator repeats on its hard steps, so make it the likeliest
// one. CHANGE: compute your right answer from the hint, and think about how
// a model would get the step wrong.
func (t *Task) Answer(p maker.Prompt) (maker.Answer, error) {
	h, ok := p.Hint.(Hint)
	if !ok {
		return maker.Answer{}, maker.ErrNotMine
	}
	s := h.List
	if len(s) < 2 {
		return maker.Answer{}, fmt.Errorf("template: list %s is too short", s)
	}
	a, b := s[len(s)-2], s[len(s)-1]
	slip := 2 * b // doubled the last number instead of adding the two
	if slip == a+b {
		slip = a + b + 1 // at [1, 1] doubling is right: be off by one instead
	}
	return maker.Answer{
		Right: render(a+b, append(s[:len(s):len(s)], a+b)),
		Wrong: []string{
			render(slip, append(s[:len(s):len(s)], slip)),
			render(a+b, append(s[:len(s):len(s)], a+b+1)), // right number, list mistyped
			render(a+b, s), // forgot to append it
		},
	}, nil
}

func render(n int, list State) string {
	return fmt.Sprintf("The next number is the sum of the last two.\nappend = %d\nlist = %s", n, list)
}
