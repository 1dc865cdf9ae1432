package cube

// Face names one of the six faces. It doubles as a sticker colour: the colour
// of a face is named after the face whose centre carries it, which avoids
// committing to any particular colour scheme.
type Face uint8

// The six faces in Kociemba's order. The order matters: it fixes the move
// numbering and the canonical facelet string.
const (
	FaceU Face = iota // up
	FaceR             // right
	FaceF             // front
	FaceD             // down
	FaceL             // left
	FaceB             // back
)

const numFaces Face = 6

const faceLetters = "URFDLB"

// String returns the single letter used for the face in move notation and in
// facelet strings.
func (f Face) String() string {
	if f < numFaces {
		return faceLetters[f : f+1]
	}
	return "?"
}

// Move is one of the 18 face turns of the half-turn metric. Every move is a
// single step for the solver and for MAKER tasks, so half turns count as one.
type Move uint8

// The 18 moves, numbered face*3 + (quarter turns - 1). Prime means
// counter-clockwise; 2 means a half turn.
const (
	U Move = iota
	U2
	UPrime
	R
	R2
	RPrime
	F
	F2
	FPrime
	D
	D2
	DPrime
	L
	L2
	LPrime
	B
	B2
	BPrime
	NumMoves = 18 // number of distinct moves, for iterating over all of them
)

// Face returns the face the move turns.
func (m Move) Face() Face { return Face(m / 3) }

// Turns returns the number of clockwise quarter turns (1, 2 or 3) the move
// makes; a prime move is three clockwise quarter turns.
func (m Move) Turns() int { return int(m%3) + 1 }

// Inverse returns the move that undoes m.
func (m Move) Inverse() Move { return m/3*3 + 2 - m%3 }

// Valid reports whether m is one of the 18 moves, so that code taking moves
// from untrusted input can reject the rest before indexing tables.
func (m Move) Valid() bool { return m < NumMoves }

// moveCubes[m] is the permutation performed by move m on the solved cube.
var moveCubes [NumMoves]Cube

func init() {
	// Quarter turns, in Kociemba's "replaced by" form: position i receives the
	// cubie that was at cp[i], with orientation change co[i].
	type def struct {
		cp [numCorners]int
		co [numCorners]uint8
		ep [numEdges]int
		eo [numEdges]uint8
	}
	basic := [numFaces]def{
		FaceU: {
			cp: [8]int{cUBR, cURF, cUFL, cULB, cDFR, cDLF, cDBL, cDRB},
			ep: [12]int{eUB, eUR, eUF, eUL, eDR, eDF, eDL, eDB, eFR, eFL, eBL, eBR},
		},
		FaceR: {
			cp: [8]int{cDFR, cUFL, cULB, cURF, cDRB, cDLF, cDBL, cUBR},
			co: [8]uint8{2, 0, 0, 1, 1, 0, 0, 2},
			ep: [12]int{eFR, eUF, eUL, eUB, eBR, eDF, eDL, eDB, eDR, eFL, eBL, eUR},
		},
		FaceF: {
			cp: [8]int{cUFL, cDLF, cULB, cUBR, cURF, cDFR, cDBL, cDRB},
			co: [8]uint8{1, 2, 0, 0, 2, 1, 0, 0},
			ep: [12]int{eUR, eFL, eUL, eUB, eDR, eFR, eDL, eDB, eUF, eDF, eBL, eBR},
			eo: [12]uint8{0, 1, 0, 0, 0, 1, 0, 0, 1, 1, 0, 0},
		},
		FaceD: {
			cp: [8]int{cURF, cUFL, cULB, cUBR, cDLF, cDBL, cDRB, cDFR},
			ep: [12]int{eUR, eUF, eUL, eUB, eDF, eDL, eDB, eDR, eFR, eFL, eBL, eBR},
		},
		FaceL: {
			cp: [8]int{cURF, cULB, cDBL, cUBR, cDFR, cUFL, cDLF, cDRB},
			co: [8]uint8{0, 1, 2, 0, 0, 2, 1, 0},
			ep: [12]int{eUR, eUF, eBL, eUB, eDR, eDF, eFL, eDB, eFR, eUL, eDL, eBR},
		},
		FaceB: {
			cp: [8]int{cURF, cUFL, cUBR, cDRB, cDFR, cDLF, cULB, cDBL},
			co: [8]uint8{0, 0, 1, 2, 0, 0, 2, 1},
			ep: [12]int{eUR, eUF, eUL, eBR, eDR, eDF, eDL, eBL, eFR, eFL, eUB, eDB},
			eo: [12]uint8{0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 1},
		},
	}
	for f, d := range basic {
		var q Cube
		for i := range numCorners {
			q.setCorner(i, d.cp[i])
			q.co[i] = d.co[i]
		}
		for i := range numEdges {
			q.setEdge(i, d.ep[i])
			q.eo[i] = d.eo[i]
		}
		m := Move(f * 3)
		moveCubes[m] = q
		moveCubes[m+1] = q.Then(q)
		moveCubes[m+2] = moveCubes[m+1].Then(q)
	}
}

// Apply returns the state after performing move m on c. Cube is a value, so
// the receiver is left unchanged; this keeps earlier states usable as
// history or vote keys. m must be valid (see [Move.Valid]); moves from
// [ParseMoves] always are.
func (c Cube) Apply(m Move) Cube { return c.Then(moveCubes[m]) }

// Sequence is a list of moves, applied left to right.
type Sequence []Move

// ApplySequence returns the state after performing every move of s on c in order.
func (c Cube) ApplySequence(s Sequence) Cube {
	for _, m := range s {
		c = c.Apply(m)
	}
	return c
}

// Inverse returns the sequence that undoes s: the inverse moves in reverse
// order. Applying s and then s.Inverse() leaves any cube unchanged, which is
// how a scramble is turned into a (non-optimal) solution.
func (s Sequence) Inverse() Sequence {
	r := make(Sequence, len(s))
	for i, m := range s {
		r[len(s)-1-i] = m.Inverse()
	}
	return r
}

// Cube returns the state reached by applying s to the solved cube, i.e. the
// permutation s performs.
func (s Sequence) Cube() Cube { return Solved().ApplySequence(s) }
