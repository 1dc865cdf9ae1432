package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker/cube"
	"github.com/maker-go/maker/cubesolve"
	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/tasks"
)

func newCubeCmd() *cobra.Command {
	var (
		f            runs.Flags
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
			return runTask(cmd, &f, "cube", tasks.Cube{Scramble: moves.String(), NoOptimal: noOptimal})
		},
	}
	cmd.Flags().StringVar(&scramble, "scramble", "", "scramble in standard notation, e.g. \"R U R' U'\" (default: random from --scramble-seed)")
	cmd.Flags().Uint64Var(&scrambleSeed, "scramble-seed", 1, "seed of the random 25-move scramble")
	cmd.Flags().BoolVar(&noOptimal, "no-optimal", false, "skip the two-phase comparison solve")
	cmd.Flags().BoolVar(&method, "method", false, "print the method's steps for the scramble with no model at all")
	f.Register(cmd.Flags())
	return cmd
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
	fmt.Fprintf(&b, "%d steps, %d moves\n", len(task.Reference()), tasks.ReferenceMoves(task))
	_, err := fmt.Fprint(cmd.OutOrStdout(), b.String())
	return err
}
