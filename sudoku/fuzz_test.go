package sudoku

import (
	"errors"
	"strings"
	"testing"

	"github.com/maker-go/maker"
)

// FuzzParseAnswer feeds the strict answer parser arbitrary model output: it
// must never panic, every rejection must wrap maker.ErrMalformed, and what
// it accepts is an action ParseAction reads and a grid that reads back the
// same when written in the answer format.
func FuzzParseAnswer(f *testing.F) {
	g, err := Generate(4, 50)
	if err != nil {
		f.Fatal(err)
	}
	task, err := New(g)
	if err != nil {
		f.Fatal(err)
	}
	ans, err := task.Answer(task.Prompt(g, "", 0))
	if err != nil {
		f.Fatal(err)
	}
	right := ans.Right
	for _, s := range append([]string{
		right,
		right + "\n",
		"Scanning row 1...\n" + right,
		right + "\nDone.",
		right[:strings.LastIndex(right, "\n")],
		strings.Replace(right, "cell = R", "cell = r", 1),
		strings.Replace(right, "digit = ", "digit = 0", 1),
		strings.Replace(right, "grid =\n", "grid =\n ", 1),
		"cell = R9C9\ndigit = 9\ngrid =\n" + strings.Repeat("999999999\n", 8) + "999999999",
		"cell = R1C1\ndigit = 1\ngrid =\n" + strings.Repeat(".........\n", 8) + "........",
		"",
	}, ans.Wrong...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		c, err := task.Parse(text)
		if err != nil {
			if !errors.Is(err, maker.ErrMalformed) {
				t.Fatalf("Parse(%q): %v does not wrap maker.ErrMalformed", text, err)
			}
			return
		}
		cell, digit, err := ParseAction(c.Action)
		if err != nil {
			t.Fatalf("Parse(%q) gave action %q, which ParseAction rejects: %v", text, c.Action, err)
		}
		again, err := task.Parse(render(cell, digit, c.State))
		if err != nil || task.Key(again) != task.Key(c) {
			t.Fatalf("Parse(%q) = %q, which reads back as %q (%v)", text, task.Key(c), task.Key(again), err)
		}
	})
}

// FuzzLoadPuzzle feeds what --puzzle (and a journal's stored puzzle) passes
// through, ParseGrid then New, arbitrary text. Neither may panic or take
// long; a grid ParseGrid accepts holds only 0-9 and reads back the same in
// both its forms, and a puzzle New accepts has a full, valid solution that
// keeps every clue and one step per empty cell.
func FuzzLoadPuzzle(f *testing.F) {
	for _, seed := range []uint64{1, 3, 7} {
		g, err := Generate(seed, 40)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(g.Compact())
		f.Add(g.String())
		f.Add(strings.ReplaceAll(g.Compact(), ".", "0"))
		f.Add(g.Compact()[:80])
		f.Add(g.Compact() + "1")
		f.Add("x" + g.Compact()[1:])
	}
	for _, s := range []string{
		"53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79",
		strings.Repeat(".", 81),
		strings.Repeat("1", 81),
		"5" + strings.Repeat(".", 80),
		" \t\r\n",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		g, err := ParseGrid(s)
		if err != nil {
			if !errors.Is(err, ErrGrid) {
				t.Fatalf("ParseGrid(%q): %v does not wrap ErrGrid", s, err)
			}
			return
		}
		for i, v := range g {
			if v > 9 {
				t.Fatalf("ParseGrid(%q): cell %d holds %d", s, i, v)
			}
		}
		for _, form := range []string{g.Compact(), g.String()} {
			if back, err := ParseGrid(form); err != nil || back != g {
				t.Fatalf("ParseGrid(%q) = %s, which reads back as %s (%v)", s, g.Compact(), back.Compact(), err)
			}
		}
		task, err := New(g)
		if err != nil {
			return
		}
		sol := task.Solution()
		if sol.Empty() != 0 || sol.Conflict() != nil {
			t.Fatalf("puzzle %s: solution %s is not a full valid grid", g.Compact(), sol.Compact())
		}
		for i, v := range g {
			if v != 0 && sol[i] != v {
				t.Fatalf("puzzle %s: solution %s changes clue %s", g.Compact(), sol.Compact(), CellName(i))
			}
		}
		if task.Steps() != g.Empty() {
			t.Fatalf("puzzle %s: %d steps for %d empty cells", g.Compact(), task.Steps(), g.Empty())
		}
	})
}
