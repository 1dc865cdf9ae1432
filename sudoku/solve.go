package sudoku

import (
	"errors"
	"fmt"
	"math/bits"
	"math/rand/v2"
)

// Solve finds the solution of g by backtracking, independently of the
// step rule, and reports how many solutions there are (counting stops at
// two).
func Solve(g Grid) (solution Grid, count int) {
	var search func(g *Grid)
	search = func(g *Grid) {
		if count > 1 {
			return
		}
		best, bestN := -1, 10
		for i, v := range g {
			if v == 0 {
				if n := bits.OnesCount16(g.Candidates(i)); n < bestN {
					best, bestN = i, n
				}
			}
		}
		if best < 0 {
			if count == 0 {
				solution = *g
			}
			count++
			return
		}
		c := g.Candidates(best)
		for d := uint8(1); d <= 9; d++ {
			if c&(1<<d) != 0 {
				g[best] = d
				search(g)
				g[best] = 0
			}
		}
	}
	search(&g)
	return solution, count
}

// SolveByRule applies the step rule until the grid is full and returns the
// filled grid and the number of steps; ok is false when the rule gets stuck
// first, which is when a puzzle is too hard for this task.
func SolveByRule(g Grid) (filled Grid, steps int, ok bool) {
	for g.Empty() > 0 {
		i, d, found := g.Next()
		if !found {
			return g, steps, false
		}
		g[i] = d
		steps++
	}
	return g, steps, true
}

// Check accepts a puzzle for the task: well formed, no digit repeated, and
// solved by the step rule alone (which makes its solution unique).
func Check(g Grid) error {
	if err := g.Conflict(); err != nil {
		return err
	}
	if g.Empty() == 0 {
		return errors.New("sudoku: the puzzle has no empty cell")
	}
	if _, steps, ok := SolveByRule(g); !ok {
		return fmt.Errorf("sudoku: after %d steps no empty cell has a single candidate; this task takes puzzles that the rule alone solves", steps)
	}
	return nil
}

// MaxBlanks bounds Generate: beyond about 55 blanks single-candidate
// puzzles become rare.
const MaxBlanks = 60

// Generate makes a puzzle with the given number of empty cells from a seed:
// a shuffled full grid from which cells are removed in random order as long
// as the step rule still solves it. The same seed gives the same puzzle.
func Generate(seed uint64, blanks int) (Grid, error) {
	if blanks < 1 || blanks > MaxBlanks {
		return Grid{}, fmt.Errorf("sudoku: blanks must be between 1 and %d, got %d", MaxBlanks, blanks)
	}
	rng := rand.New(rand.NewPCG(seed, 0x5ad0c0))
	g := fullGrid(rng)
	order := rng.Perm(81)
	removed := 0
	for _, i := range order {
		if removed == blanks {
			break
		}
		d := g[i]
		g[i] = 0
		if _, _, ok := SolveByRule(g); !ok {
			g[i] = d
			continue
		}
		removed++
	}
	if removed < blanks {
		return Grid{}, fmt.Errorf("sudoku: seed %d gives only %d blanks that the rule can fill; ask for fewer", seed, removed)
	}
	return g, nil
}

// fullGrid shuffles a valid solved grid: digits relabelled, rows within
// bands, bands, columns within stacks and stacks permuted.
func fullGrid(rng *rand.Rand) Grid {
	digits := rng.Perm(9)
	rows := shuffledLines(rng)
	cols := shuffledLines(rng)
	var g Grid
	for r := 0; r < 9; r++ {
		for c := 0; c < 9; c++ {
			br, bc := rows[r], cols[c]
			base := (br*3 + br/3 + bc) % 9
			g[r*9+c] = uint8(digits[base] + 1)
		}
	}
	return g
}

func shuffledLines(rng *rand.Rand) [9]int {
	var out [9]int
	bands := rng.Perm(3)
	for b := 0; b < 3; b++ {
		within := rng.Perm(3)
		for k := 0; k < 3; k++ {
			out[b*3+k] = bands[b]*3 + within[k]
		}
	}
	return out
}
