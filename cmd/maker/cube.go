package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/cube"
	"github.com/maker-go/maker/cubesolve"
	"github.com/maker-go/maker/tasks"
)

func init() { openKind("cube", opener(cubeExecution)) }

// twoPhaseTarget and twoPhaseTime bound the comparison solve: a 20-move
// solution is usually found in well under a second.
const (
	twoPhaseTarget = 20
	twoPhaseTime   = time.Second
)

func newCubeCmd() *cobra.Command {
	var (
		f            runFlags
		scramble     string
		scrambleSeed uint64
		noOptimal    bool
		method       bool
	)
	cmd := &cobra.Command{
		Use:   "cube",
		Short: "Solve a Rubik's cube with a layer-by-layer method, one voted model call per algorithm",
		Long: `Solve a scrambled Rubik's cube by the layer-by-layer method the prompt states (cross,
first-layer corners, middle-layer edges, last-layer cross, orientation, permutation),
one model call per algorithm. The model answers with the stage, the turns and the
54-letter state after them; votes decide the turns and the state together. After
the run every decided step is checked against the method's reference implementation.

The scramble comes from --scramble (moves in standard notation) or is a 25-move
random scramble from --scramble-seed; --seed seeds the simulated model. The summary
sets the method's move count beside a two-phase (near-optimal) solution of the same
scramble; --no-optimal skips that solve.

Exit status: 0 solved, 1 a wrong or undecided step, 2 bad usage, 3 budget reached.`,
		Example: `  maker cube
  maker cube --scramble-seed 7 --k 3 --sim-error 0.1
  maker cube --scramble "R U R' U' F2 D L2 B" --json
  maker cube --method --scramble-seed 7
  maker cube --model openai/gpt-4.1-mini --k 3`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var (
				start cube.Cube
				moves cube.Sequence
				err   error
			)
			if scramble != "" {
				if cmd.Flags().Changed("scramble-seed") {
					return usageErr("give --scramble or --scramble-seed, not both")
				}
				if moves, err = cube.ParseMoves(scramble); err != nil {
					return usageErr("--scramble: %v", err)
				}
				start = moves.Cube()
			} else {
				start, moves = cube.Scramble(scrambleSeed)
			}
			if method {
				if start.IsSolved() {
					return usageErr("the scramble leaves the cube solved: nothing to do")
				}
				task, err := cubesolve.New(start)
				if err != nil {
					return usageErr("%v", err)
				}
				return printMethod(cmd, task)
			}
			e, err := cubeExecution(cubeParams{Scramble: moves.String(), NoOptimal: noOptimal})
			if err != nil {
				return err
			}
			e.flags = &f
			return e.execute(cmd)
		},
	}
	cmd.Flags().StringVar(&scramble, "scramble", "", "scramble in standard notation, e.g. \"R U R' U'\" (default: random from --scramble-seed)")
	cmd.Flags().Uint64Var(&scrambleSeed, "scramble-seed", 1, "seed of the random 25-move scramble")
	cmd.Flags().BoolVar(&noOptimal, "no-optimal", false, "skip the two-phase comparison solve")
	cmd.Flags().BoolVar(&method, "method", false, "print the method's steps for the scramble with no model at all")
	f.register(cmd.Flags())
	return cmd
}

// cubeParams are what the journal keeps to rebuild a cube run.
type cubeParams = tasks.Cube

// cubeExecution is the execution of a cube run.
func cubeExecution(p cubeParams) (execution[cube.Facelets], error) {
	moves, err := cube.ParseMoves(p.Scramble)
	if err != nil {
		return execution[cube.Facelets]{}, usageErr("--scramble: %v", err)
	}
	start := moves.Cube()
	if start.IsSolved() {
		return execution[cube.Facelets]{}, usageErr("the scramble leaves the cube solved: nothing to do")
	}
	task, err := cubesolve.New(start)
	if err != nil {
		return execution[cube.Facelets]{}, usageErr("%v", err)
	}
	return execution[cube.Facelets]{
		task:   task,
		oracle: task,
		kind:   "cube",
		params: p,
		facts: func(res *maker.Result[cube.Facelets]) []fact {
			solved, turns := task.Done(res.State, 0), turnCount(res.Actions)
			facts := []fact{
				{key: "scramble", label: "scramble", value: moves.String()},
				{key: "start_state", value: start.String()},
				{key: "final_state", label: "final state", value: res.State.String(), text: fmt.Sprintf("%s (solved: %v)", res.State, solved)},
				{key: "solved", value: solved},
				{key: "moves", label: "moves", value: turns, text: fmt.Sprintf("%d in %d steps (the method: %d in %d)", turns, len(res.Actions), referenceMoves(task), len(task.Reference()))},
				{key: "method_steps", value: len(task.Reference())},
				{key: "method_moves", value: referenceMoves(task)},
			}
			if !p.NoOptimal {
				cmp := solveTwoPhase(context.Background(), start)
				text := fmt.Sprintf("%d moves: %s", cmp.Moves, cmp.Solution)
				if cmp.Error != "" {
					text = cmp.Error
				}
				facts = append(facts, fact{key: "two_phase", label: "two-phase", value: cmp, text: text})
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

// referenceMoves is the method's own move count for the task's scramble.
func referenceMoves(task *cubesolve.Task) int {
	n := 0
	for _, s := range task.Reference() {
		n += len(s.Turns)
	}
	return n
}

// printMethod prints the reference method's steps: the answers a model is
// held to, one line per step.
func printMethod(cmd *cobra.Command, task *cubesolve.Task) error {
	var b strings.Builder
	for i, s := range task.Reference() {
		face := s.Face.String()
		if s.Case == "align" {
			face = "-"
		}
		fmt.Fprintf(&b, "%2d  %-22s  %-12s  %-4s  %s\n", i+1, s.Stage, s.Case, face, s.Turns)
	}
	fmt.Fprintf(&b, "%d steps, %d moves\n", len(task.Reference()), referenceMoves(task))
	_, err := fmt.Fprint(cmd.OutOrStdout(), b.String())
	return err
}
