package cube

import (
	"fmt"
	"os"
	"testing"

	"pgregory.net/rapid"
)

// testCacheDir is a private table cache for this test binary, so tests never
// touch the user's cache and always exercise a fresh build once.
var testCacheDir string

// testSolver is shared by every solver test and benchmark; building it once
// keeps table generation out of each test's time.
var testSolver *Solver

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "cube-tables-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	testCacheDir = dir
	testSolver, err = NewSolver(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// genMove draws any of the 18 moves.
var genMove = rapid.Custom(func(t *rapid.T) Move {
	return Move(rapid.IntRange(0, NumMoves-1).Draw(t, "move"))
})

// genSequence draws a move sequence of up to 40 moves.
var genSequence = rapid.Custom(func(t *rapid.T) Sequence {
	return Sequence(rapid.SliceOfN(genMove, 0, 40).Draw(t, "moves"))
})

// genCube draws a reachable cube state.
var genCube = rapid.Custom(func(t *rapid.T) Cube {
	return genSequence.Draw(t, "scramble").Cube()
})
