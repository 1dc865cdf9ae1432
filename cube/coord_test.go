package cube

import (
	"testing"

	"pgregory.net/rapid"
)

type coordDef struct {
	name string
	n    int
	set  func(*Cube, int)
	get  func(*Cube) int
}

var coordDefs = []coordDef{
	{"twist", nTwist, (*Cube).setTwist, (*Cube).twist},
	{"flip", nFlip, (*Cube).setFlip, (*Cube).flip},
	{"slice", nSlice, (*Cube).setSlice, (*Cube).slice},
	{"cornerPerm", nCornPerm, (*Cube).setCornerPerm, (*Cube).cornerPerm},
	{"edgePerm", nEdgePerm, (*Cube).setEdgePerm, (*Cube).edgePerm},
	{"slicePerm", nSlicePerm, (*Cube).setSlicePerm, (*Cube).slicePerm},
}

func TestCoordinatesRoundTrip(t *testing.T) {
	for _, d := range coordDefs {
		t.Run(d.name, func(t *testing.T) {
			var solved Cube
			if got := d.get(&solved); got != 0 {
				t.Fatalf("solved cube has %s %d, want 0", d.name, got)
			}
			for x := range d.n {
				var c Cube
				d.set(&c, x)
				if got := d.get(&c); got != x {
					t.Fatalf("set %s %d, got back %d", d.name, x, got)
				}
			}
		})
	}
}

// genG1Cube draws a cube in G1 by applying phase-2 moves only.
var genG1Cube = rapid.Custom(func(t *rapid.T) Cube {
	ks := rapid.SliceOfN(rapid.IntRange(0, nMoves2-1), 0, 30).Draw(t, "phase2 moves")
	var c Cube
	for _, k := range ks {
		c = c.Apply(phase2Moves[k])
	}
	return c
})

func TestPhase1MoveTables(t *testing.T) {
	tb := testSolver.t
	rapid.Check(t, func(t *rapid.T) {
		c := genCube.Draw(t, "c")
		m := int(genMove.Draw(t, "m"))
		d := c.Apply(Move(m))
		if got, want := int(tb.twistMove[c.twist()*NumMoves+m]), d.twist(); got != want {
			t.Fatalf("twist table %d, want %d", got, want)
		}
		if got, want := int(tb.flipMove[c.flip()*NumMoves+m]), d.flip(); got != want {
			t.Fatalf("flip table %d, want %d", got, want)
		}
		if got, want := int(tb.sliceMove[c.slice()*NumMoves+m]), d.slice(); got != want {
			t.Fatalf("slice table %d, want %d", got, want)
		}
	})
}

func TestPhase2MoveTables(t *testing.T) {
	tb := testSolver.t
	rapid.Check(t, func(t *rapid.T) {
		c := genG1Cube.Draw(t, "c")
		if c.twist() != 0 || c.flip() != 0 || c.slice() != 0 {
			t.Fatal("phase-2 moves left G1")
		}
		k := rapid.IntRange(0, nMoves2-1).Draw(t, "k")
		d := c.Apply(phase2Moves[k])
		if got, want := int(tb.cornMove[c.cornerPerm()*nMoves2+k]), d.cornerPerm(); got != want {
			t.Fatalf("corner table %d, want %d", got, want)
		}
		if got, want := int(tb.edgeMove[c.edgePerm()*nMoves2+k]), d.edgePerm(); got != want {
			t.Fatalf("edge table %d, want %d", got, want)
		}
		if got, want := int(tb.slicePermMove[c.slicePerm()*nMoves2+k]), d.slicePerm(); got != want {
			t.Fatalf("slice perm table %d, want %d", got, want)
		}
	})
}

// TestPruneTablesAreDistances checks the BFS invariant on a sample of entries:
// every entry was reached, an entry at distance d > 0 has a neighbour at
// d-1, and no neighbour is closer than d-1.
func TestPruneTablesAreDistances(t *testing.T) {
	tb := testSolver.t
	tests := []struct {
		name         string
		p            []uint8
		n2, nm       int
		move1, move2 []uint16
		maxDepth     uint8
	}{
		{"twist-slice", tb.twistSlicePrune, nSlice, NumMoves, tb.twistMove, tb.sliceMove, 12},
		{"flip-slice", tb.flipSlicePrune, nSlice, NumMoves, tb.flipMove, tb.sliceMove, 12},
		{"corner-slice", tb.cornSlicePrune, nSlicePerm, nMoves2, tb.cornMove, tb.slicePermMove, maxPhase2},
		{"edge-slice", tb.edgeSlicePrune, nSlicePerm, nMoves2, tb.edgeMove, tb.slicePermMove, maxPhase2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.p[0] != 0 {
				t.Fatal("solved entry is not 0")
			}
			rng := splitMix64{state: 7}
			for range 5000 {
				i := rng.intn(len(tc.p))
				d := tc.p[i]
				if d == unvisited || d > tc.maxDepth {
					t.Fatalf("entry %d has distance %d", i, d)
				}
				a, b := i/tc.n2, i%tc.n2
				closer := false
				for m := range tc.nm {
					j := int(tc.move1[a*tc.nm+m])*tc.n2 + int(tc.move2[b*tc.nm+m])
					if int(tc.p[j]) < int(d)-1 {
						t.Fatalf("entry %d at %d has neighbour %d at %d", i, d, j, tc.p[j])
					}
					if int(tc.p[j]) == int(d)-1 {
						closer = true
					}
				}
				if d > 0 && !closer {
					t.Fatalf("entry %d at %d has no neighbour at %d", i, d, d-1)
				}
			}
		})
	}
}
