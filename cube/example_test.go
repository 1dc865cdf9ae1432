package cube_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/maker-go/maker/cube"
)

// Example scrambles a cube from a seed, shows it as a net and as its
// canonical state string, and solves it.
func Example() {
	c, scramble := cube.Scramble(7)
	fmt.Println("scramble:", scramble)
	fmt.Print(c.Net())
	fmt.Println("state:", c)

	// Tables are built on first use and cached in the directory; pass "" to
	// share the per-user cache. A temporary directory keeps this example
	// self-contained.
	dir, err := os.MkdirTemp("", "cube-example-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	solver, err := cube.NewSolver(dir)
	if err != nil {
		panic(err)
	}

	// Ask for at most 21 moves, giving up on that target after 5 seconds.
	// Which solution comes back can vary between runs; its validity cannot.
	solution, err := solver.Solve(context.Background(), c, 21, 5*time.Second)
	if err != nil {
		panic(err)
	}
	fmt.Println("solved:", c.ApplySequence(solution).IsSolved())
	fmt.Println("at most 21 moves:", len(solution) <= 21)
	fmt.Println("undo the scramble instead:", c.ApplySequence(scramble.Inverse()).IsSolved())
	// Output:
	// scramble: R F U B R B2 L B' R' U2 B2 L R2 U L U2 B' D' B2 F2 D' R' U2 L' R
	//         D U B
	//         U U F
	//         R B U
	// F R B   U L B   L D R   D B R
	// F L D   B F L   D R L   U B R
	// R B L   U F D   L L B   L D U
	//         F U F
	//         R D F
	//         F R D
	// state: DUBUUFRBULDRDRLLLBULBBFLUFDFUFRDFFRDFRBFLDRBLDBRUBRLDU
	// solved: true
	// at most 21 moves: true
	// undo the scramble instead: true
}

// ExampleParseMoves shows the error a caller gets for a bad token, for
// example in a model's proposed move list.
func ExampleParseMoves() {
	_, err := cube.ParseMoves("R U R' X2")
	fmt.Println(err)
	// Output:
	// cube: bad move token "X2" (token 3, byte 7): want a face letter U R F D L B optionally followed by ' or 2
}

// ExampleParseState parses a canonical state string, the form used as a
// vote key, and rejects one with a twisted corner.
func ExampleParseState() {
	c, err := cube.ParseState("UUFUUFUUFRRRRRRRRRFFDFFDFFDDDBDDBDDBLLLLLLLLLUBBUBBUBB")
	fmt.Println(err, c == cube.Solved().Apply(cube.R))

	_, err = cube.ParseState("UUUUUUUUFURRRRRRRRFFRFFFFFFDDDDDDDDDLLLLLLLLLBBBBBBBBB")
	fmt.Println(err)
	// Output:
	// <nil> true
	// cube: state is not reachable by face turns: a corner is twisted
}
