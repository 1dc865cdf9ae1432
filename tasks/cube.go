package tasks

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/cube"
	"github.com/maker-go/maker/cubesolve"
	"github.com/maker-go/maker/runs"
)

// Cube are the params of a Rubik's cube run: a scramble, or a random one
// from a seed.
type Cube struct {
	Scramble     string  `json:"scramble,omitempty" jsonschema:"scramble in standard notation, e.g. R U R' U' (default: random from scramble_seed)"`
	ScrambleSeed *uint64 `json:"scramble_seed,omitempty" jsonschema:"seed of the random 25-move scramble; default 1"`
	NoOptimal    bool    `json:"no_optimal,omitempty" jsonschema:"skip the two-phase comparison solve"`
}

// DefaultScrambleSeed is the scramble seed of maker cube with no flags.
const DefaultScrambleSeed = 1

func init() {
	register(runs.Kind{
		Name: "cube", Command: "cube",
		Summary: "a Rubik's cube by a layer-by-layer method, one voted model call per algorithm",
		Example: json.RawMessage(`{"scramble_seed":7}`),
	}, func(p *Cube, _ runs.Settings) error {
		var start cube.Cube
		switch {
		case p.Scramble != "" && p.ScrambleSeed != nil:
			return fieldErr("scramble_seed", "give params.scramble or params.scramble_seed, not both")
		case p.Scramble != "":
			moves, err := cube.ParseMoves(p.Scramble)
			if err != nil {
				return fieldErr("scramble", "%v", err)
			}
			start, p.Scramble = moves.Cube(), moves.String()
		default:
			seed := uint64(DefaultScrambleSeed)
			if p.ScrambleSeed != nil {
				seed = *p.ScrambleSeed
			}
			var moves cube.Sequence
			start, moves = cube.Scramble(seed)
			// The journal keeps the scramble, as the command line's run does.
			p.Scramble, p.ScrambleSeed = moves.String(), nil
		}
		if start.IsSolved() {
			return fieldErr("scramble", "the scramble leaves the cube solved: nothing to do")
		}
		return nil
	}, openCube)
}

// openCube is the execution of a cube run.
func openCube(p Cube, _ runs.OpenOptions) (runs.Opened, error) {
	moves, err := cube.ParseMoves(p.Scramble)
	if err != nil {
		return nil, runs.UsageErr("--scramble: %v", err)
	}
	start := moves.Cube()
	if start.IsSolved() {
		return nil, runs.UsageErr("the scramble leaves the cube solved: nothing to do")
	}
	task, err := cubesolve.New(start)
	if err != nil {
		return nil, runs.UsageErr("%v", err)
	}
	return runs.Execution[cube.Facelets]{
		Task:   task,
		Oracle: task,
		Kind:   "cube",
		Params: p,
		Facts: func(res *maker.Result[cube.Facelets]) []runs.Fact {
			solved, turns := task.Done(res.State, 0), turnCount(res.Actions)
			facts := []runs.Fact{
				{Key: "scramble", Label: "scramble", Value: moves.String()},
				{Key: "start_state", Value: start.String()},
				{Key: "final_state", Label: "final state", Value: res.State.String(), Text: fmt.Sprintf("%s (solved: %v)", res.State, solved)},
				{Key: "solved", Value: solved},
				{Key: "moves", Label: "moves", Value: turns, Text: fmt.Sprintf("%d in %d steps (the method: %d in %d)", turns, len(res.Actions), ReferenceMoves(task), len(task.Reference()))},
				{Key: "method_steps", Value: len(task.Reference())},
				{Key: "method_moves", Value: ReferenceMoves(task)},
			}
			if !p.NoOptimal {
				cmp := solveTwoPhase(context.Background(), start)
				text := fmt.Sprintf("%d moves: %s", cmp.Moves, cmp.Solution)
				if cmp.Error != "" {
					text = cmp.Error
				}
				facts = append(facts, runs.Fact{Key: "two_phase", Label: "two-phase", Value: cmp, Text: text})
			}
			return facts
		},
	}, nil
}

// twoPhase is the comparison solve for the summary.
type twoPhase struct {
	Moves    int    `json:"moves,omitempty"`
	Solution string `json:"solution,omitempty"`
	Error    string `json:"error,omitempty"`
}

// solveTwoPhase solves start with Kociemba's two-phase solver (tables from
// the default cache), for comparison with the method's move count; the
// solve is bounded by twoPhaseTime, so it runs on its own context. A
// failure is reported in the summary, not as the command's error, since
// the run itself is what the command is about.
func solveTwoPhase(ctx context.Context, start cube.Cube) *twoPhase {
	solver, err := cube.NewSolver("")
	if err != nil {
		return &twoPhase{Error: err.Error()}
	}
	sol, err := solver.Solve(ctx, start, twoPhaseTarget, twoPhaseTime)
	if err != nil {
		return &twoPhase{Error: err.Error()}
	}
	return &twoPhase{Moves: len(sol), Solution: sol.String()}
}

// turnCount adds up the turns of decided actions; an action that is not a
// turn sequence counts none.
func turnCount(actions []string) int {
	n := 0
	for _, a := range actions {
		if s, err := cube.ParseMoves(a); err == nil {
			n += len(s)
		}
	}
	return n
}

// twoPhaseTarget and twoPhaseTime bound the comparison solve: a 20-move
// solution is usually found in well under a second.
const (
	twoPhaseTarget = 20
	twoPhaseTime   = time.Second
)

// ReferenceMoves is the method's own move count for the task's scramble.
func ReferenceMoves(task *cubesolve.Task) int {
	n := 0
	for _, s := range task.Reference() {
		n += len(s.Turns)
	}
	return n
}
