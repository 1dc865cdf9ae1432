package hanoi

import (
	"errors"
	"testing"
)

// recursive is the textbook solution, to check the closed form against.
func recursive(n, from, to, via int, out *[]Move) {
	if n == 0 {
		return
	}
	recursive(n-1, from, via, to, out)
	*out = append(*out, Move{Disk: n, From: from, To: to})
	recursive(n-1, via, to, from, out)
}

func TestSolutionIsOptimal(t *testing.T) {
	for n := 1; n <= 12; n++ {
		var want []Move
		recursive(n, 0, 2, 1, &want)
		i := 0
		s := Start(n)
		var prev *Move
		for m := range Solution(n) {
			if m != want[i] {
				t.Fatalf("n=%d move %d = %v, want %v", n, i+1, m, want[i])
			}
			// The prompt's strategy prescribes the same move.
			if sm, ok := StrategyMove(s, prev); !ok || sm != m {
				t.Fatalf("n=%d move %d: strategy says %v (%v), optimal is %v", n, i+1, sm, ok, m)
			}
			var err error
			if s, err = s.Apply(m); err != nil {
				t.Fatalf("n=%d move %d: %v", n, i+1, err)
			}
			mm := m
			prev = &mm
			i++
		}
		if i != Steps(n) || !s.Solved() {
			t.Fatalf("n=%d: %d moves, solved %v", n, i, s.Solved())
		}
	}
}

func TestApplyRules(t *testing.T) {
	s := State{{3, 2}, {1}, {}}
	tests := []struct {
		m  Move
		ok bool
	}{
		{Move{1, 1, 0}, true},
		{Move{1, 1, 2}, true},
		{Move{2, 0, 2}, true},
		{Move{2, 0, 1}, false}, // larger on smaller
		{Move{3, 0, 2}, false}, // not on top
		{Move{1, 2, 0}, false}, // empty source
		{Move{1, 1, 1}, false}, // same peg
		{Move{1, 1, 3}, false}, // no such peg
	}
	for _, tt := range tests {
		_, err := s.Apply(tt.m)
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrIllegal)) {
			t.Errorf("Apply(%v) err = %v, want ok=%v", tt.m, err, tt.ok)
		}
	}
}

func TestOracleAnswersParse(t *testing.T) {
	task, _ := New(5)
	s := task.Initial()
	prev := ""
	for step := 0; step < task.Steps(); step++ {
		p := task.Prompt(s, prev, step)
		// The prompt text alone (as over HTTP) gives the same answer as the hint.
		fromText, err := Oracle().Answer(prompt(p.System, p.User))
		if err != nil {
			t.Fatal(err)
		}
		ans, err := task.Answer(p)
		if err != nil || ans.Right != fromText.Right {
			t.Fatalf("step %d: hint and text answers differ (%v)", step, err)
		}
		right, err := task.Parse(ans.Right)
		if err != nil {
			t.Fatal(err)
		}
		if err := task.Check(step, s, right); err != nil {
			t.Fatalf("step %d: oracle's right answer fails the check: %v", step, err)
		}
		for _, w := range ans.Wrong {
			c, err := task.Parse(w)
			if err != nil {
				continue // a wrong answer may also be malformed
			}
			if task.Key(c) == task.Key(right) {
				t.Fatalf("step %d: wrong answer has the right key: %s", step, w)
			}
			if task.Check(step, s, c) == nil {
				t.Fatalf("step %d: the checker accepts a wrong answer: %s", step, w)
			}
		}
		s, prev = right.State, right.Action
	}
	if !s.Solved() {
		t.Fatal("following the oracle does not solve the puzzle")
	}
}
