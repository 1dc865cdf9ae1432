package cube

import (
	"fmt"
	"strings"
)

// NumFacelets is the number of stickers on the cube, and the length of the
// canonical state string.
const NumFacelets = 54

// Facelets is the sticker-level view of a cube: the colour of each of the 54
// facelets, in the canonical order. Face f occupies indices 9*f .. 9*f+8
// (faces in the order U, R, F, D, L, B) and within a face the stickers are
// numbered 1..9 row by row, as seen in the net drawn by [Facelets.Net]:
//
//	U and D: rows from the back (U) or front (D) edge, left to right;
//	R, F, L, B: rows from the U edge, left to right as seen facing that face.
//
// This is the layout of Kociemba's widely used facelet string, so states can
// be exchanged with other tools unchanged.
type Facelets [NumFacelets]Face

// Facelet positions of each corner position's three stickers, starting with
// the U or D sticker and going clockwise.
var cornerFacelet = [numCorners][3]uint8{
	{8, 9, 20},   // URF: U9 R1 F3
	{6, 18, 38},  // UFL: U7 F1 L3
	{0, 36, 47},  // ULB: U1 L1 B3
	{2, 45, 11},  // UBR: U3 B1 R3
	{29, 26, 15}, // DFR: D3 F9 R7
	{27, 44, 24}, // DLF: D1 L9 F7
	{33, 53, 42}, // DBL: D7 B9 L7
	{35, 17, 51}, // DRB: D9 R9 B7
}

// Facelet positions of each edge position's two stickers, reference sticker
// (the one that decides flip) first.
var edgeFacelet = [numEdges][2]uint8{
	{5, 10},  // UR: U6 R2
	{7, 19},  // UF: U8 F2
	{3, 37},  // UL: U4 L2
	{1, 46},  // UB: U2 B2
	{32, 16}, // DR: D6 R8
	{28, 25}, // DF: D2 F8
	{30, 43}, // DL: D4 L8
	{34, 52}, // DB: D8 B8
	{23, 12}, // FR: F6 R4
	{21, 41}, // FL: F4 L6
	{50, 39}, // BL: B6 L4
	{48, 14}, // BR: B4 R6
}

// Position names for error messages.
var (
	cornerNames = [numCorners]string{"URF", "UFL", "ULB", "UBR", "DFR", "DLF", "DBL", "DRB"}
	edgeNames   = [numEdges]string{"UR", "UF", "UL", "UB", "DR", "DF", "DL", "DB", "FR", "FL", "BL", "BR"}
)

// Colours of each corner cubie, in the same order as cornerFacelet.
var cornerColor = [numCorners][3]Face{
	{FaceU, FaceR, FaceF}, {FaceU, FaceF, FaceL}, {FaceU, FaceL, FaceB}, {FaceU, FaceB, FaceR},
	{FaceD, FaceF, FaceR}, {FaceD, FaceL, FaceF}, {FaceD, FaceB, FaceL}, {FaceD, FaceR, FaceB},
}

// Colours of each edge cubie, in the same order as edgeFacelet.
var edgeColor = [numEdges][2]Face{
	{FaceU, FaceR}, {FaceU, FaceF}, {FaceU, FaceL}, {FaceU, FaceB},
	{FaceD, FaceR}, {FaceD, FaceF}, {FaceD, FaceL}, {FaceD, FaceB},
	{FaceF, FaceR}, {FaceF, FaceL}, {FaceB, FaceL}, {FaceB, FaceR},
}

// Facelets returns the sticker colours of c.
func (c Cube) Facelets() Facelets {
	var f Facelets
	for face := range numFaces {
		f[9*int(face)+4] = face
	}
	for i := range numCorners {
		j, o := c.corner(i), int(c.co[i])
		for n := range 3 {
			f[cornerFacelet[i][(n+o)%3]] = cornerColor[j][n]
		}
	}
	for i := range numEdges {
		j, o := c.edge(i), int(c.eo[i])
		for n := range 2 {
			f[edgeFacelet[i][(n+o)%2]] = edgeColor[j][n]
		}
	}
	return f
}

// String returns the canonical state string: 54 letters from "URFDLB", one
// per facelet in [Facelets] order, with no separators. Two cubes are equal
// exactly when their strings are equal, which is what makes the string usable
// as a vote key.
func (c Cube) String() string { return c.Facelets().String() }

// String returns the 54 facelet letters in canonical order.
func (f Facelets) String() string {
	var b [NumFacelets]byte
	for i, x := range f {
		b[i] = x.String()[0]
	}
	return string(b[:])
}

// ParseFacelets parses a canonical state string. It checks the length, the
// alphabet, that each colour appears exactly nine times and that every centre
// shows its own face's letter; it does not check that the stickers form real
// pieces (use [Facelets.Cube] or [ParseState] for that). Input is not
// normalised (no trimming, no case folding) so that a successful parse always
// formats back to the identical string, as a vote key must.
func ParseFacelets(s string) (Facelets, error) {
	var f Facelets
	if len(s) != NumFacelets {
		return f, fmt.Errorf("cube: facelet string has %d bytes, want %d", len(s), NumFacelets)
	}
	var count [numFaces]int
	for i := 0; i < len(s); i++ {
		k := strings.IndexByte(faceLetters, s[i])
		if k < 0 {
			return f, fmt.Errorf("cube: facelet string has %q at index %d, want one of %s", s[i], i, faceLetters)
		}
		f[i] = Face(k)
		count[k]++
	}
	for face, n := range count {
		if n != 9 {
			return f, fmt.Errorf("cube: facelet string has %d %s stickers, want 9", n, Face(face))
		}
	}
	for face := range numFaces {
		if got := f[9*int(face)+4]; got != face {
			return f, fmt.Errorf("cube: centre of face %s is %s, want %s", face, got, face)
		}
	}
	return f, nil
}

// ParseState parses a canonical state string into a verified cube: it is
// [ParseFacelets] followed by [Facelets.Cube]. Use it to accept a proposed
// state only if it is a real, solvable cube.
func ParseState(s string) (Cube, error) {
	f, err := ParseFacelets(s)
	if err != nil {
		return Cube{}, err
	}
	return f.Cube()
}

// Cube converts stickers to cubies. It fails if some sticker triple or pair is
// not an actual piece, if a piece appears twice, or if the state cannot be
// reached by turning faces (see [Cube.Verify]); the error says which.
func (f Facelets) Cube() (Cube, error) {
	var c Cube
	for i := range numCorners {
		o := 0
		for o < 3 {
			if x := f[cornerFacelet[i][o]]; x == FaceU || x == FaceD {
				break
			}
			o++
		}
		if o == 3 {
			return Cube{}, fmt.Errorf("cube: corner at %s has no U or D sticker", cornerNames[i])
		}
		c1, c2 := f[cornerFacelet[i][(o+1)%3]], f[cornerFacelet[i][(o+2)%3]]
		found := false
		for j := range numCorners {
			if cornerColor[j][0] == f[cornerFacelet[i][o]] && cornerColor[j][1] == c1 && cornerColor[j][2] == c2 {
				c.setCorner(i, j)
				c.co[i] = uint8(o)
				found = true
				break
			}
		}
		if !found {
			return Cube{}, fmt.Errorf("cube: corner at %s has impossible colours", cornerNames[i])
		}
	}
	for i := range numEdges {
		a, b := f[edgeFacelet[i][0]], f[edgeFacelet[i][1]]
		found := false
		for j := range numEdges {
			if edgeColor[j][0] == a && edgeColor[j][1] == b {
				c.setEdge(i, j)
				found = true
				break
			}
			if edgeColor[j][0] == b && edgeColor[j][1] == a {
				c.setEdge(i, j)
				c.eo[i] = 1
				found = true
				break
			}
		}
		if !found {
			return Cube{}, fmt.Errorf("cube: edge at %s has impossible colours", edgeNames[i])
		}
	}
	if err := c.Verify(); err != nil {
		return Cube{}, err
	}
	return c, nil
}
