package cube

// Whole-cube rotations about the URF-DBL diagonal let the solver attack a
// cube along three different axes: phase 1 always aims for the U/D-axis
// subgroup G1, and how long it takes depends strongly on which axis that is.
// Rotations are derived from 3-D sticker coordinates rather than written out
// as permutation tables, so there is no hand-made table to get wrong.

// vec is an integer 3-D vector: x points to R, y to U, z to F.
type vec [3]int

// faceNormal[f] is the outward normal of face f, scaled by 2 so that sticker
// positions (coordinates -1..1 within the face) stay integer.
var faceNormal = [numFaces]vec{
	FaceU: {0, 2, 0}, FaceR: {2, 0, 0}, FaceF: {0, 0, 2},
	FaceD: {0, -2, 0}, FaceL: {-2, 0, 0}, FaceB: {0, 0, -2},
}

// faceletPos[i] is the 3-D position of sticker i, following the layout
// documented on [Facelets]: row r and column k of each face as seen in the
// net.
var faceletPos = func() (p [NumFacelets]vec) {
	for f := range numFaces {
		for r := range 3 {
			for k := range 3 {
				var v vec
				switch f {
				case FaceU:
					v = vec{k - 1, 2, r - 1}
				case FaceD:
					v = vec{k - 1, -2, 1 - r}
				case FaceF:
					v = vec{k - 1, 1 - r, 2}
				case FaceB:
					v = vec{1 - k, 1 - r, -2}
				case FaceR:
					v = vec{2, 1 - r, 1 - k}
				case FaceL:
					v = vec{-2, 1 - r, k - 1}
				}
				p[9*int(f)+3*r+k] = v
			}
		}
	}
	return
}()

// rotation is a whole-cube rotation as a map on vectors.
type rotation func(vec) vec

// diagonal turns the cube 120 degrees about the URF-DBL diagonal, carrying
// the U face to where R was, R to F and F to U.
func diagonal(v vec) vec { return vec{v[1], v[2], v[0]} }

// orient is one of the three axis orientations the solver searches: the
// rotation applied to the cube, and what it does to face names.
type orient struct {
	stickers [NumFacelets]uint8 // sticker i moves to stickers[i]
	face     [numFaces]Face     // face f moves to face[f]
}

func newOrient(rot rotation) orient {
	var o orient
	index := map[vec]int{}
	for i, p := range faceletPos {
		index[p] = i
	}
	for i, p := range faceletPos {
		o.stickers[i] = uint8(index[rot(p)])
	}
	normal := map[vec]Face{}
	for f, n := range faceNormal {
		normal[n] = Face(f)
	}
	for f, n := range faceNormal {
		o.face[f] = normal[rot(n)]
	}
	return o
}

// orients are the identity and the two diagonal rotations.
var orients = [3]orient{
	newOrient(func(v vec) vec { return v }),
	newOrient(diagonal),
	newOrient(func(v vec) vec { return diagonal(diagonal(v)) }),
}

// apply returns the cube as seen after the rotation, with colours renamed
// after the centres' new places so that it is again a standard cube.
func (o *orient) apply(c Cube) Cube {
	f := c.Facelets()
	var g Facelets
	for i, x := range f {
		g[o.stickers[i]] = o.face[x]
	}
	r, err := g.Cube()
	if err != nil {
		panic("cube: rotation produced an invalid cube: " + err.Error())
	}
	return r
}

// unmap converts a move made on the rotated cube back to the move on the
// original cube that has the same effect: same turn, on the face that the
// rotation carried to m's face.
func (o *orient) unmap(m Move) Move {
	for f, g := range o.face {
		if g == m.Face() {
			return Move(f*3) + m%3
		}
	}
	panic("cube: rotation is not a bijection on faces")
}
