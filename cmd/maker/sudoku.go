package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/sudoku"
	"github.com/maker-go/maker/tasks"
)

func newSudokuCmd() *cobra.Command {
	var (
		f      runs.Flags
		puzzle string
		blanks int
	)
	cmd := &cobra.Command{
		Use:   "sudoku",
		Short: "Solve a Sudoku one voted model call per cell",
		Long: `Solve a Sudoku one model call per cell. Each step fills the first empty cell, in
reading order, that has exactly one candidate; the model answers with the cell, the
digit and the next grid, and votes decide the three together. A backtracking solver
checks every decided step after the run.

The puzzle comes from --puzzle (81 cells: digits and '.' or '0', line breaks
ignored) or is generated from --seed with --blanks empty cells; --seed also seeds
the simulated model. Only puzzles that the single-candidate rule solves are accepted.

Exit status: 0 solved, 1 a wrong or undecided step, 2 bad usage, 3 budget reached.`,
		Example: `  maker sudoku
  maker sudoku --seed 7 --blanks 55 --k 3
  maker sudoku --puzzle "53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79"
  maker sudoku --model openai/gpt-4.1-mini --k 3`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var (
				g   sudoku.Grid
				err error
			)
			if puzzle != "" {
				if cmd.Flags().Changed("blanks") {
					return usageErr("--blanks applies to generated puzzles, not to --puzzle")
				}
				if g, err = sudoku.ParseGrid(puzzle); err != nil {
					return usageErr("--puzzle: %v", err)
				}
			} else if g, err = sudoku.Generate(f.Seed(), blanks); err != nil {
				return usageErr("%v", err)
			}
			return runTask(cmd, &f, "sudoku", tasks.Sudoku{Puzzle: g.Compact()})
		},
	}
	cmd.Flags().StringVar(&puzzle, "puzzle", "", "the puzzle: 81 cells, digits and '.' or '0' (default: generated from --seed)")
	cmd.Flags().IntVar(&blanks, "blanks", 50, fmt.Sprintf("empty cells of a generated puzzle, 1 to %d (one step each)", sudoku.MaxBlanks))
	f.Register(cmd.Flags())
	return cmd
}
