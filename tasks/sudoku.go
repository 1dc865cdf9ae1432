package tasks

import (
	"encoding/json"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/sudoku"
)

// Sudoku are the params of a Sudoku run: a puzzle, or one generated from
// the run's seed with so many blanks.
type Sudoku struct {
	Puzzle string `json:"puzzle,omitempty" jsonschema:"the puzzle: 81 cells, digits and '.' or '0' (default: generated from the seed setting)"`
	Blanks int    `json:"blanks,omitempty" jsonschema:"empty cells of a generated puzzle, 1 to 60 (one step each); default 50"`
}

// DefaultBlanks are the blanks of maker sudoku with no flags.
const DefaultBlanks = 50

func init() {
	register(runs.Kind{
		Name: "sudoku", Command: "sudoku",
		Summary: "a Sudoku, one voted model call per cell",
		Example: json.RawMessage(`{"blanks":40}`),
	}, func(p *Sudoku, s runs.Settings) error {
		if p.Puzzle != "" {
			if p.Blanks != 0 {
				return fieldErr("blanks", "applies to generated puzzles, not to params.puzzle")
			}
			g, err := sudoku.ParseGrid(p.Puzzle)
			if err != nil {
				return fieldErr("puzzle", "%v", err)
			}
			if _, err := sudoku.New(g); err != nil {
				return fieldErr("puzzle", "%v", err)
			}
			p.Puzzle = g.Compact()
			return nil
		}
		if p.Blanks == 0 {
			p.Blanks = DefaultBlanks
		}
		g, err := sudoku.Generate(Seed(s), p.Blanks)
		if err != nil {
			return fieldErr("blanks", "%v", err)
		}
		// The journal keeps the puzzle, as the command line's run does.
		p.Puzzle, p.Blanks = g.Compact(), 0
		return nil
	}, openSudoku)
}

// openSudoku is the execution of a Sudoku run.
func openSudoku(p Sudoku, _ runs.OpenOptions) (runs.Opened, error) {
	g, err := sudoku.ParseGrid(p.Puzzle)
	if err != nil {
		return nil, runs.UsageErr("--puzzle: %v", err)
	}
	task, err := sudoku.New(g)
	if err != nil {
		return nil, runs.UsageErr("%v", err)
	}
	return runs.Execution[sudoku.Grid]{
		Task:   task,
		Oracle: task,
		Kind:   "sudoku",
		Params: p,
		Facts: func(res *maker.Result[sudoku.Grid]) []runs.Fact {
			return []runs.Fact{
				{Key: "puzzle", Label: "puzzle", Value: g.Compact(), Text: "\n" + g.String()},
				{Key: "final_grid", Label: "final grid", Value: res.State.Compact(), Text: "\n" + res.State.String()},
				{Key: "solved", Value: res.State == task.Solution()},
			}
		},
	}, nil
}
