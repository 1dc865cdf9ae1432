// Package sudoku solves a Sudoku one voted model call per cell, as a
// [maker.Task] behind maker sudoku: a task whose every step a model can
// decide from the current grid alone and a solver can verify.
//
// The rule that picks the step is deterministic and stated in the prompt:
// fill the first empty cell, in row-major order, that has exactly one
// candidate (a digit not yet in its row, its column or its 3×3 box), with
// that digit. The agent answers with the cell, the digit and the whole next
// grid, and the vote key is the three together. Puzzles are accepted only
// when this rule alone solves them, which also makes their solution unique;
// [Generate] makes such puzzles from a seed.
//
// A backtracking [Solve] gives the oracle its answers' ground truth and the
// [maker.Checker] its final check; neither ever touches the votes.
package sudoku

import (
	"errors"
	"fmt"
	"strings"
)

// Grid is a 9×9 grid in row-major order; 0 is an empty cell.
type Grid [81]uint8

// ErrGrid is wrapped by every grid that cannot be read.
var ErrGrid = errors.New("sudoku: bad grid")

// ParseGrid reads 81 cells, digits 1-9 and '.' or '0' for an empty cell,
// ignoring blank space and line breaks, so both one 81-character line and
// nine lines of nine are accepted.
func ParseGrid(s string) (Grid, error) {
	var g Grid
	n := 0
	for _, r := range s {
		switch {
		case r == ' ' || r == '\n' || r == '\t' || r == '\r':
			continue
		case n == 81:
			return g, fmt.Errorf("%w: more than 81 cells", ErrGrid)
		case r >= '1' && r <= '9':
			g[n] = uint8(r - '0')
		case r == '.' || r == '0':
		default:
			return g, fmt.Errorf("%w: %q is not a digit or '.'", ErrGrid, r)
		}
		n++
	}
	if n != 81 {
		return g, fmt.Errorf("%w: %d cells, want 81", ErrGrid, n)
	}
	return g, nil
}

// String renders nine lines of nine, '.' for empty cells, as prompts and
// answers write the grid.
func (g Grid) String() string {
	var b strings.Builder
	for r := 0; r < 9; r++ {
		if r > 0 {
			b.WriteByte('\n')
		}
		for c := 0; c < 9; c++ {
			b.WriteByte(cellChar(g[r*9+c]))
		}
	}
	return b.String()
}

// Compact renders the 81 cells on one line, for vote keys and flags.
func (g Grid) Compact() string {
	b := make([]byte, 81)
	for i, v := range g {
		b[i] = cellChar(v)
	}
	return string(b)
}

func cellChar(v uint8) byte {
	if v == 0 {
		return '.'
	}
	return '0' + v
}

// Empty is the number of empty cells.
func (g Grid) Empty() int {
	n := 0
	for _, v := range g {
		if v == 0 {
			n++
		}
	}
	return n
}

// Candidates returns the digits (as a bit set, bit d for digit d) that cell
// i could hold: those not yet in its row, column or box.
func (g Grid) Candidates(i int) uint16 {
	used := uint16(0)
	r, c := i/9, i%9
	br, bc := r/3*3, c/3*3
	for k := 0; k < 9; k++ {
		used |= 1 << g[r*9+k]
		used |= 1 << g[k*9+c]
		used |= 1 << g[(br+k/3)*9+bc+k%3]
	}
	return 0x3fe &^ used
}

// Conflict reports the first row, column or box that holds a digit twice.
func (g Grid) Conflict() error {
	for i, v := range g {
		if v == 0 {
			continue
		}
		h := g
		h[i] = 0
		if h.Candidates(i)&(1<<v) == 0 {
			return fmt.Errorf("%w: %s holds %d, which its row, column or box already has", ErrGrid, CellName(i), v)
		}
	}
	return nil
}

// Next is the rule every step follows: the first empty cell in row-major
// order with exactly one candidate, and that digit. ok is false when no
// empty cell has a single candidate (or none is empty).
func (g Grid) Next() (cell int, digit uint8, ok bool) {
	for i, v := range g {
		if v != 0 {
			continue
		}
		c := g.Candidates(i)
		if c != 0 && c&(c-1) == 0 {
			for d := uint8(1); d <= 9; d++ {
				if c == 1<<d {
					return i, d, true
				}
			}
		}
	}
	return 0, 0, false
}

// CellName names cell i as the prompts do: R<row>C<column>, both 1-based.
func CellName(i int) string { return fmt.Sprintf("R%dC%d", i/9+1, i%9+1) }
