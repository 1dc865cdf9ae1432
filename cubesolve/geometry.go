package cubesolve

import "github.com/maker-go/maker/cube"

// The method never turns the whole cube: an algorithm written for "the front
// face" is applied to a named side face X instead, with the faces around it
// renamed. These are the names it uses.

// sides are the four side faces in the method's fixed tie-break order.
var sides = [4]cube.Face{cube.FaceF, cube.FaceR, cube.FaceB, cube.FaceL}

// right returns the side face to the right of side face x when looking at x
// with U up: F→R→B→L→F.
func right(x cube.Face) cube.Face {
	switch x {
	case cube.FaceF:
		return cube.FaceR
	case cube.FaceR:
		return cube.FaceB
	case cube.FaceB:
		return cube.FaceL
	default:
		return cube.FaceF
	}
}

// left is the inverse of right: F→L→B→R→F.
func left(x cube.Face) cube.Face { return right(right(right(x))) }

// opposite returns the side face across from x.
func opposite(x cube.Face) cube.Face { return right(right(x)) }

// Facelet indices of the twelve edge positions and eight corner positions, in
// the layout of [cube.Facelets] (face f holds indices 9f..9f+8).
var edgeStickers = [12][2]int{
	{5, 10}, {7, 19}, {3, 37}, {1, 46}, // UR UF UL UB
	{32, 16}, {28, 25}, {30, 43}, {34, 52}, // DR DF DL DB
	{23, 12}, {21, 41}, {50, 39}, {48, 14}, // FR FL BL BR
}

var cornerStickers = [8][3]int{
	{8, 9, 20}, {6, 18, 38}, {0, 36, 47}, {2, 45, 11}, // URF UFL ULB UBR
	{29, 26, 15}, {27, 44, 24}, {33, 53, 42}, {35, 17, 51}, // DFR DLF DBL DRB
}

// faceOf returns the face a facelet lies on.
func faceOf(i int) cube.Face { return cube.Face(i / 9) }

// edgeAt returns the facelets of the edge position between faces a and b,
// the one on face a first.
func edgeAt(a, b cube.Face) [2]int {
	for _, e := range edgeStickers {
		switch {
		case faceOf(e[0]) == a && faceOf(e[1]) == b:
			return e
		case faceOf(e[0]) == b && faceOf(e[1]) == a:
			return [2]int{e[1], e[0]}
		}
	}
	panic("cubesolve: no edge between " + a.String() + " and " + b.String())
}

// cornerAt returns the facelets of the corner position on faces a, b and c,
// in that order.
func cornerAt(a, b, c cube.Face) [3]int {
	for _, k := range cornerStickers {
		var out [3]int
		n := 0
		for i, want := range [3]cube.Face{a, b, c} {
			for _, s := range k {
				if faceOf(s) == want {
					out[i] = s
					n++
				}
			}
		}
		if n == 3 {
			return out
		}
	}
	panic("cubesolve: no corner on " + a.String() + b.String() + c.String())
}

// findEdge returns the facelets of the edge piece coloured a and b: the
// facelet showing colour a first.
func findEdge(f *cube.Facelets, a, b cube.Face) [2]int {
	for _, e := range edgeStickers {
		switch {
		case f[e[0]] == a && f[e[1]] == b:
			return e
		case f[e[0]] == b && f[e[1]] == a:
			return [2]int{e[1], e[0]}
		}
	}
	panic("cubesolve: no edge piece coloured " + a.String() + b.String())
}

// findCorner returns the facelets of the corner piece coloured a, b and c, in
// that order of colours.
func findCorner(f *cube.Facelets, a, b, c cube.Face) [3]int {
	for _, k := range cornerStickers {
		var out [3]int
		n := 0
		for i, want := range [3]cube.Face{a, b, c} {
			for _, s := range k {
				if f[s] == want {
					out[i] = s
					n++
				}
			}
		}
		if n == 3 {
			return out
		}
	}
	panic("cubesolve: no corner piece coloured " + a.String() + b.String() + c.String())
}

// sideFaces returns the side faces (not U or D) among the faces of stickers,
// in the order given.
func sideFaces(stickers ...int) []cube.Face {
	var out []cube.Face
	for _, s := range stickers {
		if f := faceOf(s); f != cube.FaceU && f != cube.FaceD {
			out = append(out, f)
		}
	}
	return out
}

// onFace reports whether one of the stickers lies on face x.
func onFace(x cube.Face, stickers ...int) bool {
	for _, s := range stickers {
		if faceOf(s) == x {
			return true
		}
	}
	return false
}

// pair orders two adjacent side faces as (y, right(y)).
func pair(a, b cube.Face) (y, z cube.Face) {
	if right(a) == b {
		return a, b
	}
	return b, a
}

// uTurns returns the U turn that takes a piece on side face from (in the U
// layer) to side face to: a U quarter turn carries the front pieces to the
// left, so it is the number of steps left from from to to.
func uTurns(from, to cube.Face) cube.Sequence {
	for n, y := 0, from; n < 4; n, y = n+1, left(y) {
		if y == to {
			switch n {
			case 1:
				return cube.Sequence{cube.U}
			case 2:
				return cube.Sequence{cube.U2}
			case 3:
				return cube.Sequence{cube.UPrime}
			}
			return nil
		}
	}
	panic("cubesolve: not side faces")
}
