package hanoi

import (
	"errors"
	"testing"

	"github.com/maker-go/maker"
)

func TestParseAnswer(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		n     int
		move  Move
		state string
		bad   bool
	}{
		{name: "plain", text: "move = [1, 0, 1]\nnext_state = [[3, 2], [1], []]", n: 3, move: Move{1, 0, 1}, state: "[[3, 2], [1], []]"},
		{name: "reasoning first, last match wins", text: "Format: move = [9, 9, 9]\nnext_state = [[1], [2], [3]]\nSo:\nmove = [1, 0, 2]\nnext_state = [[3, 2], [], [1]]", n: 3, move: Move{1, 0, 2}, state: "[[3, 2], [], [1]]"},
		{name: "case and spacing", text: "MOVE=[1,0,1] NEXT_STATE =[ [2] , [1] , [ ] ]", n: 2, move: Move{1, 0, 1}, state: "[[2], [1], []]"},
		{name: "in code fences", text: "```move = [2, 0, 1]```\n```next_state = [[3], [2], [1]]```", n: 3, move: Move{2, 0, 1}, state: "[[3], [2], [1]]"},
		{name: "trailing comma", text: "move = [1, 0, 1,]\nnext_state = [[2,], [1], []]", n: 2, move: Move{1, 0, 1}, state: "[[2], [1], []]"},
		{name: "illegal but well-formed move is not the parser's business", text: "move = [3, 2, 2]\nnext_state = [[3, 2, 1], [], []]", n: 3, move: Move{3, 2, 2}, state: "[[3, 2, 1], [], []]"},
		{name: "no move", text: "next_state = [[2], [1], []]", n: 2, bad: true},
		{name: "no state", text: "move = [1, 0, 1]", n: 2, bad: true},
		{name: "two numbers", text: "move = [1, 0]\nnext_state = [[2], [1], []]", n: 2, bad: true},
		{name: "four numbers", text: "move = [1, 0, 1, 2]\nnext_state = [[2], [1], []]", n: 2, bad: true},
		{name: "word in move", text: "move = [one, 0, 1]\nnext_state = [[2], [1], []]", n: 2, bad: true},
		{name: "float", text: "move = [1.0, 0, 1]\nnext_state = [[2], [1], []]", n: 2, bad: true},
		{name: "missing disk", text: "move = [1, 0, 1]\nnext_state = [[3], [1], []]", n: 3, bad: true},
		{name: "duplicate disk", text: "move = [1, 0, 1]\nnext_state = [[2, 1], [1], []]", n: 2, bad: true},
		{name: "disk out of range", text: "move = [1, 0, 1]\nnext_state = [[3], [1], []]", n: 2, bad: true},
		{name: "two pegs", text: "move = [1, 0, 1]\nnext_state = [[2], [1]]", n: 2, bad: true},
		{name: "parentheses", text: "move = (1, 0, 1)\nnext_state = ((2,), (1,), ())", n: 2, bad: true},
		{name: "empty", text: "", n: 2, bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, s, err := ParseAnswer(tt.text, tt.n)
			if tt.bad {
				if err == nil || !errors.Is(err, maker.ErrMalformed) {
					t.Fatalf("got %v %v, err %v; want a format error", m, s, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if m != tt.move || s.String() != tt.state {
				t.Fatalf("got %v %v, want %v %v", m, s, tt.move, tt.state)
			}
		})
	}
}

// FuzzParseAnswer feeds the strict parser arbitrary model output: it must
// never panic, every rejection must wrap maker.ErrMalformed, and whatever
// it accepts is a full tower that reads back the same when written in the
// canonical format.
func FuzzParseAnswer(f *testing.F) {
	for _, seed := range []struct {
		text string
		n    int
	}{
		{"move = [1, 0, 2]\nnext_state = [[3, 2], [], [1]]", 3},
		{"I think.\nmove = [1, 0, 1]\nnext_state = [[2], [1], []]\nMOVE=[1,0,2] NEXT_STATE = [[2],[],[1]]", 2},
		{"move = [1, 0, 1]\nnext_state = [[2, 1], [1], []]", 2},
		{"move = [99999999999999999999, 0, 1]\nnext_state = [[], [], [1]]", 1},
		{"move = [-1, 0, 1]\nnext_state = [[-1], [], []]", 1},
		{"move = []\nnext_state = [[],[],[]]", 0},
		{"", 3},
	} {
		f.Add(seed.text, seed.n)
	}
	f.Fuzz(func(t *testing.T, text string, n int) {
		if n < 0 || n > MaxDisks {
			n = ((n % (MaxDisks + 1)) + MaxDisks + 1) % (MaxDisks + 1)
		}
		m, s, err := ParseAnswer(text, n)
		if err != nil {
			if !errors.Is(err, maker.ErrMalformed) {
				t.Fatalf("ParseAnswer(%q, %d): %v does not wrap maker.ErrMalformed", text, n, err)
			}
			return
		}
		if s.Disks() != n {
			t.Fatalf("ParseAnswer(%q, %d) accepted %d disks", text, n, s.Disks())
		}
		seen := make([]bool, n+1)
		for _, peg := range s {
			for _, d := range peg {
				if d < 1 || d > n || seen[d] {
					t.Fatalf("ParseAnswer(%q, %d) accepted disk %d in %v", text, n, d, s)
				}
				seen[d] = true
			}
		}
		m2, s2, err := ParseAnswer("move = "+m.String()+"\nnext_state = "+s.String(), n)
		if err != nil || m2 != m || !s2.Equal(s) {
			t.Fatalf("ParseAnswer(%q, %d) = %v %v, which reads back as %v %v (%v)", text, n, m, s, m2, s2, err)
		}
	})
}
