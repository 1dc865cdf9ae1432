package cube

import "sync"

// phase2Moves are the moves that keep a cube inside G1; phase 2 searches
// only these. Phase-2 move tables are indexed by position in this list.
var phase2Moves = [...]Move{U, U2, UPrime, D, D2, DPrime, R2, F2, L2, B2}

const nMoves2 = len(phase2Moves)

// isPhase2Move[m] reports whether m keeps the cube in G1.
var isPhase2Move = func() (r [NumMoves]bool) {
	for _, m := range phase2Moves {
		r[m] = true
	}
	return
}()

// unvisited marks pruning-table entries not yet reached by the BFS.
const unvisited = 0xff

// tables holds everything the two-phase search looks up: move tables (new
// coordinate after a move) and pruning tables (exact distance to solved of a
// pair of coordinates, a lower bound on the distance of the whole phase).
type tables struct {
	twistMove []uint16 // [nTwist*NumMoves]
	flipMove  []uint16 // [nFlip*NumMoves]
	sliceMove []uint16 // [nSlice*NumMoves]

	cornMove      []uint16 // [nCornPerm*nMoves2]
	edgeMove      []uint16 // [nEdgePerm*nMoves2]
	slicePermMove []uint16 // [nSlicePerm*nMoves2]

	twistSlicePrune []uint8 // [nTwist*nSlice], index twist*nSlice+slice
	flipSlicePrune  []uint8 // [nFlip*nSlice], index flip*nSlice+slice
	cornSlicePrune  []uint8 // [nCornPerm*nSlicePerm], index corn*nSlicePerm+slicePerm
	edgeSlicePrune  []uint8 // [nEdgePerm*nSlicePerm], index edge*nSlicePerm+slicePerm
}

// buildTables computes all tables from the move definitions. The four
// pruning tables are independent breadth-first searches, so they run in
// parallel.
func buildTables() *tables {
	all := make([]Move, NumMoves)
	for i := range all {
		all[i] = Move(i)
	}
	t := &tables{}
	var wg sync.WaitGroup
	run := wg.Go
	run(func() { t.twistMove = buildMoveTable(nTwist, all, (*Cube).setTwist, (*Cube).twist) })
	run(func() { t.flipMove = buildMoveTable(nFlip, all, (*Cube).setFlip, (*Cube).flip) })
	run(func() { t.sliceMove = buildMoveTable(nSlice, all, (*Cube).setSlice, (*Cube).slice) })
	run(func() {
		t.cornMove = buildMoveTable(nCornPerm, phase2Moves[:], (*Cube).setCornerPerm, (*Cube).cornerPerm)
	})
	run(func() {
		t.edgeMove = buildMoveTable(nEdgePerm, phase2Moves[:], (*Cube).setEdgePerm, (*Cube).edgePerm)
	})
	run(func() {
		t.slicePermMove = buildMoveTable(nSlicePerm, phase2Moves[:], (*Cube).setSlicePerm, (*Cube).slicePerm)
	})
	wg.Wait()

	run(func() {
		t.twistSlicePrune = buildPruneTable(nTwist, nSlice, NumMoves, t.twistMove, t.sliceMove)
	})
	run(func() {
		t.flipSlicePrune = buildPruneTable(nFlip, nSlice, NumMoves, t.flipMove, t.sliceMove)
	})
	run(func() {
		t.cornSlicePrune = buildPruneTable(nCornPerm, nSlicePerm, nMoves2, t.cornMove, t.slicePermMove)
	})
	run(func() {
		t.edgeSlicePrune = buildPruneTable(nEdgePerm, nSlicePerm, nMoves2, t.edgeMove, t.slicePermMove)
	})
	wg.Wait()
	return t
}

// buildMoveTable returns table[x*len(moves)+k] = coordinate after applying
// moves[k] to a cube whose coordinate is x. set must produce some cube with
// coordinate x; the result must depend only on x, which holds for every
// coordinate here because a move's effect on it depends only on it.
func buildMoveTable(n int, moves []Move, set func(*Cube, int), get func(*Cube) int) []uint16 {
	t := make([]uint16, n*len(moves))
	for x := range n {
		var c Cube
		set(&c, x)
		for k, m := range moves {
			d := c.Apply(m)
			t[x*len(moves)+k] = uint16(get(&d))
		}
	}
	return t
}

// buildPruneTable does a breadth-first search over the product of two
// coordinates from (0, 0) and returns the exact distance of every pair.
// Because a pair is a projection of the cube, its distance never exceeds the
// cube's distance to the phase goal, which is what makes it admissible for
// IDA*.
func buildPruneTable(n1, n2, nm int, move1, move2 []uint16) []uint8 {
	size := n1 * n2
	p := make([]uint8, size)
	for i := range p {
		p[i] = unvisited
	}
	p[0] = 0
	for depth := uint8(0); ; depth++ {
		added := 0
		for i, d := range p {
			if d != depth {
				continue
			}
			a, b := i/n2, i%n2
			for m := range nm {
				j := int(move1[a*nm+m])*n2 + int(move2[b*nm+m])
				if p[j] == unvisited {
					p[j] = depth + 1
					added++
				}
			}
		}
		if added == 0 {
			return p
		}
	}
}
