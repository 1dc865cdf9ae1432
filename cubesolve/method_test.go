package cubesolve

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/maker-go/maker/cube"
)

// TestMethodSolves1000Scrambles runs the reference method, with no model, on
// 1000 seeded random scrambles: every one is solved, every step strictly
// raises the progress measure (so the method cannot loop), every step is
// one short algorithm, and stages come in order. Run with -v for the
// distribution of step and move counts.
func TestMethodSolves1000Scrambles(t *testing.T) {
	const n = 1000
	var steps, moves []int
	perStage := make([]int, numStages)
	for seed := range uint64(n) {
		c, _ := cube.Scramble(seed)
		sol, err := Solve(c)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		m := 0
		d := c
		prev := measure(d)
		for i, s := range sol {
			if len(s.Turns) == 0 || len(s.Turns) > maxStepTurns {
				t.Fatalf("seed %d step %d: %d turns", seed, i, len(s.Turns))
			}
			if i > 0 && s.Stage < sol[i-1].Stage {
				t.Fatalf("seed %d step %d: stage %s after %s", seed, i, s.Stage, sol[i-1].Stage)
			}
			d = d.ApplySequence(s.Turns)
			next := measure(d)
			if !prev.less(next) {
				t.Fatalf("seed %d step %d (%s %s %v): progress %+v -> %+v does not increase", seed, i, s.Stage, s.Case, s.Turns, prev, next)
			}
			prev = next
			m += len(s.Turns)
			perStage[s.Stage]++
		}
		if !d.IsSolved() {
			t.Fatalf("seed %d: not solved", seed)
		}
		steps = append(steps, len(sol))
		moves = append(moves, m)
	}
	t.Logf("steps per solve: %s", dist(steps))
	t.Logf("moves per solve: %s", dist(moves))
	for s := range numStages {
		t.Logf("  %-24s %5.1f steps per solve", s, float64(perStage[s])/n)
	}
}

// dist summarises a sample: min, quartiles, max and mean.
func dist(v []int) string {
	v = slices.Clone(v)
	sort.Ints(v)
	sum := 0
	for _, x := range v {
		sum += x
	}
	q := func(p float64) int { return v[int(p*float64(len(v)-1))] }
	return fmt.Sprintf("min %d, p25 %d, median %d, p75 %d, max %d, mean %.1f", v[0], q(0.25), q(0.5), q(0.75), v[len(v)-1], float64(sum)/float64(len(v)))
}

// TestLastLayerExhaustive enumerates every state with the first two layers
// solved (62,208 of them: 8 edge flips, 27 corner twists, 288 even
// permutations) and follows the method from each: it must solve every one
// without leaving the last-layer stages, which shows that the measure those
// stages use (steps still to go) is finite and strictly falls.
func TestLastLayerExhaustive(t *testing.T) {
	gens := []cube.Sequence{{cube.U}}
	for _, x := range sides {
		for _, a := range []string{algEdgeOrt, algSune, algAPerm, algUPerm} {
			gens = append(gens, alg(a, x))
		}
	}
	seen := map[cube.Cube]bool{cube.Solved(): true}
	queue := []cube.Cube{cube.Solved()}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		for _, g := range gens {
			d := c.ApplySequence(g)
			if !seen[d] {
				seen[d] = true
				queue = append(queue, d)
			}
		}
	}
	if len(seen) != 8*27*288 {
		t.Fatalf("%d last-layer states, want %d", len(seen), 8*27*288)
	}
	most := make([]int, numStages)
	for c := range seen {
		sol, err := Solve(c)
		if err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		count := make([]int, numStages)
		for _, s := range sol {
			if s.Stage < StageLastCross {
				t.Fatalf("%s: step %+v leaves the last layer", c, s)
			}
			count[s.Stage]++
		}
		for s := range numStages {
			most[s] = max(most[s], count[s])
		}
	}
	t.Logf("most steps per last-layer stage: cross %d, orientation %d, permutation %d", most[StageLastCross], most[StageOrientation], most[StagePermutation])
}

func TestNextOnSolved(t *testing.T) {
	if _, err := Next(cube.Solved()); !errors.Is(err, ErrSolved) {
		t.Fatalf("Next(solved) = %v", err)
	}
}

// TestAlgorithmsAreWhatTheTableSays pins the instantiated algorithms for
// two faces, so a change to the placeholders or the face order is caught.
func TestAlgorithmsAreWhatTheTableSays(t *testing.T) {
	tests := []struct {
		pattern string
		x       cube.Face
		want    string
	}{
		{algSexy, cube.FaceF, "R U R' U'"},
		{algSexy, cube.FaceL, "F U F' U'"},
		{algRightIn, cube.FaceR, "U B U' B' U' R' U R"},
		{algLeftIn, cube.FaceF, "U' F' U F U R U' R'"},
		{algEdgeOrt, cube.FaceB, "B L U L' U' B'"},
		{algSune, cube.FaceF, "R U R' U R U2 R'"},
		{algAPerm, cube.FaceF, "R' F R' B2 R F' R' B2 R2"},
		{algAPerm, cube.FaceR, "B' R B' L2 B R' B' L2 B2"},
		{algUPerm, cube.FaceB, "L U' L U L U L U' L' U' L2"},
	}
	for _, tc := range tests {
		if got := alg(tc.pattern, tc.x).String(); got != tc.want {
			t.Errorf("%q for %s = %q, want %q", tc.pattern, tc.x, got, tc.want)
		}
	}
	if got := strings.Join([]string{left(cube.FaceF).String(), opposite(cube.FaceR).String(), right(cube.FaceL).String()}, ""); got != "LLF" {
		t.Errorf("left(F) opposite(R) right(L) = %s", got)
	}
}

// TestPromptStatesTheAlgorithms: the algorithm table the model reads is the
// one the reference implementation applies, and every stage is named.
func TestPromptStatesTheAlgorithms(t *testing.T) {
	table := map[string]string{
		"lift(x)  = ": algLift, "flip(x)  = ": algFlipIn, "raise(x) = ": algUp,
		"sexy(x)  = ": algSexy, "right(x) = ": algRightIn, "left(x)  = ": algLeftIn,
		"fru(x)   = ": algEdgeOrt, "sune(x)  = ": algSune, "aperm(x) = ": algAPerm,
		"uperm(x) = ": algUPerm,
	}
	for name, pattern := range table {
		if !strings.Contains(systemPrompt, "\n"+name+pattern+"\n") {
			t.Errorf("system prompt lacks %q", name+pattern)
		}
	}
	for s := range numStages {
		if !strings.Contains(systemPrompt, fmt.Sprintf("%d. %s:", int(s)+1, s)) {
			t.Errorf("system prompt lacks stage %d %s", int(s)+1, s)
		}
	}
}
