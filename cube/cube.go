package cube

import (
	"errors"
	"fmt"
)

// Corner positions (and the names of the corner cubies that belong there).
const (
	cURF = iota
	cUFL
	cULB
	cUBR
	cDFR
	cDLF
	cDBL
	cDRB
	numCorners
)

// Edge positions (and the names of the edge cubies that belong there). The
// last four form the UD slice, the layer between U and D.
const (
	eUR = iota
	eUF
	eUL
	eUB
	eDR
	eDF
	eDL
	eDB
	eFR
	eFL
	eBL
	eBR
	numEdges
)

// Cube is a cube state at the cubie level: which corner and edge cubie sits
// in each position and how it is twisted or flipped there.
//
// Cube is a small comparable value, so states can be copied freely, compared
// with == and used as map keys. The zero value is the solved cube, so a
// declared but unset Cube is already meaningful. Cubes produced by moves are
// always valid; cubes built from facelets are checked by [Facelets.Cube].
type Cube struct {
	// Permutations are stored XOR the position index so that the zero value
	// is the identity; use the accessor methods rather than the fields.
	cp [numCorners]uint8 // cp[i]^i: corner cubie at position i
	co [numCorners]uint8 // twist of that cubie, 0..2
	ep [numEdges]uint8   // ep[i]^i: edge cubie at position i
	eo [numEdges]uint8   // flip of that cubie, 0..1
}

// Solved returns the solved cube. It equals the zero Cube; the function exists
// so that call sites read as intent rather than as an empty literal.
func Solved() Cube { return Cube{} }

// IsSolved reports whether every cubie is in its home position and
// orientation. Because the cube's centres never move, this is the same as
// every face showing one colour.
func (c Cube) IsSolved() bool { return c == Cube{} }

func (c *Cube) corner(i int) int       { return int(c.cp[i]) ^ i }
func (c *Cube) edge(i int) int         { return int(c.ep[i]) ^ i }
func (c *Cube) setCorner(i, piece int) { c.cp[i] = uint8(piece ^ i) }
func (c *Cube) setEdge(i, piece int)   { c.ep[i] = uint8(piece ^ i) }

// Then returns the state reached by performing c and then d, where d is seen
// as a permutation of positions (for example a move or a whole algorithm
// applied to the solved cube). It is the group product c·d.
func (c Cube) Then(d Cube) Cube {
	var r Cube
	for i := 0; i < numCorners; i++ {
		j := d.corner(i)
		r.setCorner(i, c.corner(j))
		r.co[i] = (c.co[j] + d.co[i]) % 3
	}
	for i := 0; i < numEdges; i++ {
		j := d.edge(i)
		r.setEdge(i, c.edge(j))
		r.eo[i] = (c.eo[j] + d.eo[i]) % 2
	}
	return r
}

// Inverse returns the state x with c.Then(x) solved. It lets a solver work
// on the inverse problem and lets tests check that a sequence undoes a state.
func (c Cube) Inverse() Cube {
	var r Cube
	for i := 0; i < numCorners; i++ {
		j := c.corner(i)
		r.setCorner(j, i)
		r.co[j] = (3 - c.co[i]) % 3
	}
	for i := 0; i < numEdges; i++ {
		j := c.edge(i)
		r.setEdge(j, i)
		r.eo[j] = (2 - c.eo[i]) % 2
	}
	return r
}

// ErrUnsolvable is wrapped by [Cube.Verify] errors for states that are
// well-formed but cannot be reached by turning faces (a twisted corner, a
// flipped edge or two swapped pieces). Callers can test for it to tell a
// physically tampered cube from a malformed input.
var ErrUnsolvable = errors.New("cube: state is not reachable by face turns")

// Verify checks that c is a legal cube: pieces form permutations, twists and
// flips are in range, and the three reachability invariants hold (total twist
// divisible by 3, total flip even, equal corner and edge permutation parity).
// The solver relies on these invariants, so it verifies its input first.
func (c Cube) Verify() error {
	var seenC [numCorners]bool
	twist := 0
	for i := 0; i < numCorners; i++ {
		p := c.corner(i)
		if p >= numCorners || seenC[p] {
			return fmt.Errorf("cube: corner permutation is not a permutation")
		}
		seenC[p] = true
		if c.co[i] > 2 {
			return fmt.Errorf("cube: corner twist %d out of range", c.co[i])
		}
		twist += int(c.co[i])
	}
	var seenE [numEdges]bool
	flip := 0
	for i := 0; i < numEdges; i++ {
		p := c.edge(i)
		if p >= numEdges || seenE[p] {
			return fmt.Errorf("cube: edge permutation is not a permutation")
		}
		seenE[p] = true
		if c.eo[i] > 1 {
			return fmt.Errorf("cube: edge flip %d out of range", c.eo[i])
		}
		flip += int(c.eo[i])
	}
	if twist%3 != 0 {
		return fmt.Errorf("%w: a corner is twisted", ErrUnsolvable)
	}
	if flip%2 != 0 {
		return fmt.Errorf("%w: an edge is flipped", ErrUnsolvable)
	}
	if c.cornerParity() != c.edgeParity() {
		return fmt.Errorf("%w: two pieces are swapped", ErrUnsolvable)
	}
	return nil
}

// cornerParity returns 1 if the corner permutation is odd.
func (c *Cube) cornerParity() int {
	s := 0
	for i := numCorners - 1; i > 0; i-- {
		for j := i - 1; j >= 0; j-- {
			if c.corner(j) > c.corner(i) {
				s++
			}
		}
	}
	return s % 2
}

// edgeParity returns 1 if the edge permutation is odd.
func (c *Cube) edgeParity() int {
	s := 0
	for i := numEdges - 1; i > 0; i-- {
		for j := i - 1; j >= 0; j-- {
			if c.edge(j) > c.edge(i) {
				s++
			}
		}
	}
	return s % 2
}
