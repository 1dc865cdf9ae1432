package hanoi

import (
	"errors"
	"testing"

	"github.com/maker-go/maker"
)

// TestRightAnswer: the right answer alone is Answer's right answer at
// every step, from the hint, from the prompt's text (over HTTP) and from
// the oracle of any number of disks, and a prompt of another task is no
// more its own than Answer's.
func TestRightAnswer(t *testing.T) {
	task, _ := New(6)
	s, prev := task.Initial(), ""
	for step := 0; step < task.Steps(); step++ {
		p := task.Prompt(s, prev, step)
		text := p
		text.Hint = nil
		for _, c := range []struct {
			name string
			o    maker.RightOracle
			p    maker.Prompt
		}{{"hint", task, p}, {"text", task, text}, {"any disks", Oracle().(maker.RightOracle), text}} {
			ans, err := c.o.Answer(c.p)
			if err != nil {
				t.Fatalf("step %d %s: %v", step, c.name, err)
			}
			right, err := c.o.RightAnswer(c.p)
			if err != nil || right != ans.Right {
				t.Fatalf("step %d %s: right answer %q (%v), want %q", step, c.name, right, err, ans.Right)
			}
		}
		m := OptimalMove(6, step+1)
		next, err := s.Apply(m)
		if err != nil {
			t.Fatal(err)
		}
		s, prev = next, m.String()
	}
	other := maker.Prompt{System: "x", User: "What is 2+2?"}
	if _, err := task.RightAnswer(other); !errors.Is(err, maker.ErrNotMine) {
		t.Errorf("another task's prompt: %v, want ErrNotMine", err)
	}
}
