package sudoku

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/maker-go/maker"
)

// systemPrompt states the rules, the step rule and the answer format; it is
// the same for every step, so providers can cache it.
const systemPrompt = `You are solving a Sudoku one cell at a time.

The grid has 9 rows and 9 columns, written as nine lines of nine characters:
a digit 1-9, or '.' for an empty cell. Rows are numbered 1-9 from the top,
columns 1-9 from the left, and R3C5 is the cell in row 3, column 5. The grid is
divided into nine 3×3 boxes. Every row, column and box must end up holding
each digit 1-9 exactly once.

The candidates of an empty cell are the digits not yet in its row, its column
or its box.

The rule for each step: go through the empty cells in reading order (row 1
from left to right, then row 2, and so on) and take the FIRST one that has
exactly one candidate. Write that candidate in it. Fill only that one cell.

Answer with the cell, the digit and the whole grid after filling it, ending
your answer exactly like this (nothing after the grid):
cell = R<row>C<column>
digit = <digit>
grid =
<nine lines of nine characters>`

const userTemplate = `Previous step: %s

Current grid (%d empty cells):
%s

Find the first empty cell in reading order with exactly one candidate, fill
it, and answer with the cell, the digit and the new grid.`

// answerRe is the end of a valid answer: reasoning may come before it,
// nothing may come after it.
var answerRe = regexp.MustCompile(`(?:^|\n)cell = R([1-9])C([1-9])\ndigit = ([1-9])\ngrid =\n((?:[1-9.]{9}\n){8}[1-9.]{9})$`)

// Task solves one puzzle, one cell per step. It implements
// [maker.Task], [maker.Checker] and [maker.Oracle].
type Task struct {
	puzzle   Grid
	solution Grid
	steps    int
}

var (
	_ maker.Task[Grid]    = (*Task)(nil)
	_ maker.Checker[Grid] = (*Task)(nil)
	_ maker.Oracle        = (*Task)(nil)
)

// New returns the task for a puzzle the step rule solves (see [Check]).
func New(puzzle Grid) (*Task, error) {
	if err := Check(puzzle); err != nil {
		return nil, err
	}
	sol, n := Solve(puzzle)
	if n != 1 {
		// The rule solving it implies a unique solution; this is a bug.
		return nil, fmt.Errorf("sudoku: puzzle has %d solutions", n)
	}
	return &Task{puzzle: puzzle, solution: sol, steps: puzzle.Empty()}, nil
}

// Puzzle is the starting grid.
func (t *Task) Puzzle() Grid { return t.puzzle }

// Solution is the solver's solution, which the checker holds steps to.
func (t *Task) Solution() Grid { return t.solution }

// Name implements [maker.Task].
func (t *Task) Name() string { return fmt.Sprintf("sudoku-%d", t.steps) }

// Initial implements [maker.Task].
func (t *Task) Initial() Grid { return t.puzzle }

// Steps implements [maker.Task]: one per empty cell.
func (t *Task) Steps() int { return t.steps }

// Done implements [maker.Task]: no empty cell is left.
func (t *Task) Done(g Grid, _ int) bool { return g.Empty() == 0 }

// Hint is what the task attaches to prompts for its oracle.
type Hint struct{ Grid Grid }

// Prompt implements [maker.Task]: the previous step and the current grid.
func (t *Task) Prompt(g Grid, prev string, _ int) maker.Prompt {
	if prev == "" {
		prev = "none (this is the first step)"
	}
	return maker.Prompt{
		System: systemPrompt,
		User:   fmt.Sprintf(userTemplate, prev, g.Empty(), g),
		Hint:   Hint{Grid: g},
	}
}

// Parse implements [maker.Task] strictly: the answer must end with the
// cell, digit and grid lines exactly as the format shows. Whether the digit
// is right is not its business.
func (t *Task) Parse(text string) (maker.Candidate[Grid], error) {
	m := answerRe.FindStringSubmatch(strings.TrimRight(text, " \t\n"))
	if m == nil {
		return maker.Candidate[Grid]{}, fmt.Errorf("sudoku: %w: want cell, digit and grid lines at the end", maker.ErrMalformed)
	}
	g, err := ParseGrid(m[4])
	if err != nil {
		return maker.Candidate[Grid]{}, fmt.Errorf("sudoku: %w: %v", maker.ErrMalformed, err)
	}
	return maker.Candidate[Grid]{Action: fmt.Sprintf("R%sC%s=%s", m[1], m[2], m[3]), State: g}, nil
}

// Key implements [maker.Task]: cell, digit and the grid, as one line.
func (t *Task) Key(c maker.Candidate[Grid]) string { return c.Action + "|" + c.State.Compact() }

// ParseAction reads an action "R3C5=7" into a cell index and a digit.
func ParseAction(a string) (cell int, digit uint8, err error) {
	if len(a) != 6 || a[0] != 'R' || a[2] != 'C' || a[4] != '=' {
		return 0, 0, fmt.Errorf("sudoku: action %q is not R<row>C<col>=<digit>", a)
	}
	r, err1 := strconv.Atoi(a[1:2])
	c, err2 := strconv.Atoi(a[3:4])
	d, err3 := strconv.Atoi(a[5:6])
	if err1 != nil || err2 != nil || err3 != nil || r < 1 || c < 1 || d < 1 {
		return 0, 0, fmt.Errorf("sudoku: action %q is not R<row>C<col>=<digit>", a)
	}
	return (r-1)*9 + c - 1, uint8(d), nil
}

// Check implements [maker.Checker]: the decided cell must be the one the
// rule picks, its digit the solver's, and the decided grid the grid before
// with exactly that cell filled.
func (t *Task) Check(_ int, before Grid, c maker.Candidate[Grid]) error {
	cell, digit, err := ParseAction(c.Action)
	if err != nil {
		return err
	}
	want, _, ok := before.Next()
	if !ok {
		return errors.New("no cell has a single candidate in the grid before this step")
	}
	if cell != want {
		return fmt.Errorf("filled %s, but the rule picks %s", CellName(cell), CellName(want))
	}
	if digit != t.solution[cell] {
		return fmt.Errorf("%s is %d in the solution, not %d", CellName(cell), t.solution[cell], digit)
	}
	after := before
	after[cell] = digit
	if after != c.State {
		return fmt.Errorf("the decided grid is not the grid before with %s=%d filled", CellName(cell), digit)
	}
	return nil
}

// Answer implements [maker.Oracle]: the rule's cell and digit with the next
// grid, and wrong answers that look right: a cell out of the rule's order
// with a digit it could hold (which a hard step repeats), the right cell and
// digit with the grid not updated, and the right cell with another digit.
func (t *Task) Answer(p maker.Prompt) (maker.Answer, error) {
	h, ok := p.Hint.(Hint)
	if !ok {
		return maker.Answer{}, maker.ErrNotMine
	}
	g := h.Grid
	cell, digit, ok := g.Next()
	if !ok {
		return maker.Answer{}, fmt.Errorf("sudoku: no cell has a single candidate in\n%s", g)
	}
	next := g
	next[cell] = digit
	ans := maker.Answer{Right: render(cell, digit, next)}

	// Wrong 0: the first empty cell in reading order, if the rule skips it,
	// with its smallest candidate; else another empty cell.
	for i, v := range g {
		if v != 0 || i == cell {
			continue
		}
		c := g.Candidates(i)
		d := uint8(1)
		for d <= 9 && c&(1<<d) == 0 {
			d++
		}
		if d > 9 {
			d = t.solution[i]
		}
		w := g
		w[i] = d
		ans.Wrong = append(ans.Wrong, render(i, d, w))
		break
	}
	// Wrong 1: the grid not updated.
	ans.Wrong = append(ans.Wrong, render(cell, digit, g))
	// Wrong 2: the right cell, the next digit round.
	other := digit%9 + 1
	w := g
	w[cell] = other
	ans.Wrong = append(ans.Wrong, render(cell, other, w))
	return ans, nil
}

func render(cell int, digit uint8, g Grid) string {
	return fmt.Sprintf("The first empty cell with a single candidate is %s.\ncell = %s\ndigit = %d\ngrid =\n%s", CellName(cell), CellName(cell), digit, g)
}
