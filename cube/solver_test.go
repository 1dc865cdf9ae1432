package cube

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

// checkSolution fails unless sol solves c and never turns the same face
// twice in a row (which would mean a wasted move).
func checkSolution(t testing.TB, c Cube, sol Sequence) {
	t.Helper()
	if !c.ApplySequence(sol).IsSolved() {
		t.Fatalf("solution %v does not solve %s", sol, c)
	}
	for i := 1; i < len(sol); i++ {
		if sol[i].Face() == sol[i-1].Face() {
			t.Fatalf("solution %v turns %v twice in a row", sol, sol[i].Face())
		}
	}
	if len(sol) > maxSolution {
		t.Fatalf("solution has %d moves", len(sol))
	}
}

// TestSolveRandomScrambles solves 100 seeded scrambles (20 with -short),
// asking for 20 moves with 200 ms to find them, and logs the median and
// maximum length; run with -v to see them. The time limit bounds the test's
// duration even on a busy machine, where lengths may come out a little
// longer.
func TestSolveRandomScrambles(t *testing.T) {
	n := 100
	if testing.Short() {
		n = 20
	}
	const target, timeout = 20, 200 * time.Millisecond
	lengths := make([]int, 0, n)
	times := make([]time.Duration, 0, n)
	for seed := range uint64(n) {
		c, _ := Scramble(seed)
		start := time.Now()
		sol, err := testSolver.Solve(t.Context(), c, target, timeout)
		elapsed := time.Since(start)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		checkSolution(t, c, sol)
		lengths = append(lengths, len(sol))
		times = append(times, elapsed)
	}
	slices.Sort(lengths)
	slices.Sort(times)
	var total time.Duration
	for _, d := range times {
		total += d
	}
	median := lengths[n/2]
	t.Logf("%d scrambles, target %d, timeout %v: median length %d, max %d; solve time median %v, max %v, total %v",
		n, target, timeout, median, lengths[n-1], times[n/2], times[n-1], total)
	// 20 is typical; the slack keeps a heavily loaded machine from failing.
	if median > 22 {
		t.Errorf("median solution length %d, want at most 22", median)
	}
}

func TestSolveSolved(t *testing.T) {
	sol, err := testSolver.Solve(t.Context(), Solved(), 20, time.Second)
	if err != nil || len(sol) != 0 {
		t.Fatalf("Solve(solved) = %v, %v", sol, err)
	}
}

// TestSolveShortIsOptimal checks that with no length target the search runs
// to completion on easy cubes, which proves optimality, and returns early.
func TestSolveShortIsOptimal(t *testing.T) {
	tests := []struct {
		moves string
		want  int
	}{
		{"F2", 1},
		{"R U", 2},
		{"R U R' U'", 4},
		{"R U R' U R U2 R'", 7},
	}
	for _, tc := range tests {
		t.Run(tc.moves, func(t *testing.T) {
			c, err := FromMoves(tc.moves)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			sol, err := testSolver.Solve(t.Context(), c, 0, 20*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			checkSolution(t, c, sol)
			if len(sol) != tc.want {
				t.Fatalf("solution %v has %d moves, want %d", sol, len(sol), tc.want)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Fatalf("took %v: search did not stop after proving optimality", d)
			}
		})
	}
}

func TestSolveSuperflip(t *testing.T) {
	// Every edge flipped in place: a famous distance-20 position.
	c, err := ParseState("UBULURUFURURFRBRDRFUFLFRFDFDFDLDRDBDLULBLFLDLBUBRBLBDB")
	if err != nil {
		t.Fatal(err)
	}
	sol, err := testSolver.Solve(t.Context(), c, 22, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	checkSolution(t, c, sol)
	t.Logf("superflip: %d moves: %v", len(sol), sol)
}

func TestSolveRejectsInvalidCube(t *testing.T) {
	c := Solved()
	c.co[cURF] = 1
	_, err := testSolver.Solve(t.Context(), c, 20, time.Second)
	if !errors.Is(err, ErrUnsolvable) {
		t.Fatalf("Solve(twisted) error = %v, want ErrUnsolvable", err)
	}
}

func TestSolveContextDone(t *testing.T) {
	canceled, cancel := context.WithCancel(t.Context())
	cancel()
	expired, cancel2 := context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
	defer cancel2()
	tests := []struct {
		name string
		ctx  context.Context
		want error
	}{
		{"canceled", canceled, context.Canceled},
		{"deadline", expired, context.DeadlineExceeded},
	}
	c, _ := Scramble(1)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := testSolver.Solve(tc.ctx, c, 20, time.Second)
			if !errors.Is(err, ErrNoSolution) || !errors.Is(err, tc.want) {
				t.Fatalf("Solve error = %v, want ErrNoSolution and %v", err, tc.want)
			}
		})
	}
}

// TestSolveTimeLimit asks for an unreachable length and checks that the time
// limit ends the search with the best solution found.
func TestSolveTimeLimit(t *testing.T) {
	c, _ := Scramble(5)
	start := time.Now()
	sol, err := testSolver.Solve(t.Context(), c, 10, 200*time.Millisecond)
	elapsed := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	checkSolution(t, c, sol)
	if elapsed > 2*time.Second {
		t.Fatalf("time limit 200ms, took %v", elapsed)
	}
}

func TestSolveConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for seed := range uint64(4) {
		wg.Go(func() {
			c, _ := Scramble(1000 + seed)
			sol, err := testSolver.Solve(context.Background(), c, 21, 5*time.Second)
			if err != nil {
				t.Error(err)
				return
			}
			if !c.ApplySequence(sol).IsSolved() {
				t.Errorf("seed %d: wrong solution", seed)
			}
		})
	}
	wg.Wait()
}

// BenchmarkSolve measures one solve of a seeded random scramble (seeds cycle
// through 0..99) for several length targets, with a 10 s limit that is
// rarely reached. moves/op is the mean and median-moves the median solution
// length.
func BenchmarkSolve(b *testing.B) {
	for _, target := range []int{22, 21, 20} {
		b.Run(fmt.Sprintf("target=%d", target), func(b *testing.B) {
			var lengths []int
			total := 0
			for b.Loop() {
				c, _ := Scramble(uint64(len(lengths) % 100))
				sol, err := testSolver.Solve(context.Background(), c, target, 10*time.Second)
				if err != nil {
					b.Fatal(err)
				}
				total += len(sol)
				lengths = append(lengths, len(sol))
			}
			b.ReportMetric(float64(total)/float64(len(lengths)), "moves/op")
			slices.Sort(lengths)
			b.ReportMetric(float64(lengths[len(lengths)/2]), "median-moves")
		})
	}
}

// BenchmarkBuildTables measures building every table from scratch, the cost
// of a cold cache.
func BenchmarkBuildTables(b *testing.B) {
	for b.Loop() {
		buildTables()
	}
}
