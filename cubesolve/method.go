package cubesolve

import (
	"errors"
	"fmt"
	"strings"

	"github.com/maker-go/maker/cube"
)

// Stage is one of the six stages of the layer-by-layer method, in the order
// they are solved.
type Stage int

// The stages. The D layer is solved first and the U layer last, so the cube
// is held with D down throughout and never turned over.
const (
	StageCross       Stage = iota // the four D edges
	StageCorners                  // the four D corners
	StageMiddle                   // the four middle-layer edges
	StageLastCross                // the U edges turned U-side up
	StageOrientation              // the U corners turned U-side up
	StagePermutation              // the U layer's pieces put in place
	numStages
)

var stageNames = [numStages]string{
	"cross", "first-layer-corners", "middle-layer-edges",
	"last-layer-cross", "last-layer-orientation", "last-layer-permutation",
}

// String returns the stage name the prompt and the answers use.
func (s Stage) String() string {
	if s >= 0 && s < numStages {
		return stageNames[s]
	}
	return fmt.Sprintf("Stage(%d)", int(s))
}

// ParseStage reads a stage name as [Stage.String] writes it.
func ParseStage(name string) (Stage, error) {
	for i, n := range stageNames {
		if n == name {
			return Stage(i), nil
		}
	}
	return 0, fmt.Errorf("cubesolve: unknown stage %q (want one of %s)", name, strings.Join(stageNames[:], ", "))
}

// Step is one step of the method: one algorithm application, with the U
// turn that sets it up, if any, at its start.
type Step struct {
	Stage Stage
	// Case names the rule of the stage that applies, as the method states
	// it (for example "lift" or "sune").
	Case string
	// Face is the side face the algorithm is applied to, the X of the
	// algorithm table (zero, which is U, for rules that name no face).
	Face  cube.Face
	Turns cube.Sequence
}

// ErrSolved is returned by [Next] for a solved cube: there is no next step.
var ErrSolved = errors.New("cubesolve: the cube is solved")

// The algorithms, written for side face x with r = right(x), l = left(x)
// and b = opposite(x); U and D are literal.
const (
	algLift      = "x2"
	algFlipIn    = "r' x r"
	algUp        = "r U r'"
	algSexy      = "r U r' U'"
	algRightIn   = "U r U' r' U' x' U x"
	algLeftIn    = "U' x' U x U r U' r'"
	algEdgeOrt   = "x r U r' U' x'"
	algSune      = "r U r' U r U2 r'"
	algAPerm     = "r' x r' b2 r x' r' b2 r2"
	algUPerm     = "r U' r U r U r U' r' U' r2"
	maxStepTurns = 3 + 11 // a U set-up turn and the longest algorithm
)

// alg instantiates an algorithm for side face x.
func alg(pattern string, x cube.Face) cube.Sequence {
	r := strings.NewReplacer("x", x.String(), "r", right(x).String(), "l", left(x).String(), "b", opposite(x).String())
	s, err := cube.ParseMoves(r.Replace(pattern))
	if err != nil {
		panic(fmt.Sprintf("cubesolve: algorithm %q: %v", pattern, err))
	}
	return s
}

// then joins a set-up turn and an algorithm.
func then(setup, a cube.Sequence) cube.Sequence {
	return append(append(cube.Sequence{}, setup...), a...)
}

// Next returns the method's next step for c: the stage of the first unsolved
// piece in the method's order and the one algorithm its rule prescribes. It
// returns [ErrSolved] for a solved cube. The rules are those of the system
// prompt; every choice has a fixed tie-break, so each state has exactly one
// next step.
func Next(c cube.Cube) (Step, error) {
	if c.IsSolved() {
		return Step{}, ErrSolved
	}
	f := c.Facelets()
	for _, rule := range []func(*cube.Facelets) (Step, bool){crossStep, cornerStep, middleStep, lastCrossStep, orientStep, permuteStep} {
		if s, ok := rule(&f); ok {
			return s, nil
		}
	}
	// Every stage solved means the cube is solved; unreachable for a valid
	// cube.
	return Step{}, fmt.Errorf("cubesolve: no rule applies to %s", f)
}

// Solve returns the method's whole solution of c, step by step. It fails
// only if the method does not finish within a generous bound, which the
// tests show never happens.
func Solve(c cube.Cube) ([]Step, error) {
	var steps []Step
	for !c.IsSolved() {
		if len(steps) > 200 {
			return steps, fmt.Errorf("cubesolve: method did not finish in %d steps", len(steps))
		}
		s, err := Next(c)
		if err != nil {
			return steps, err
		}
		steps = append(steps, s)
		c = c.ApplySequence(s.Turns)
	}
	return steps, nil
}

// crossSolved reports whether the D edge of side x is solved.
func crossSolved(f *cube.Facelets, x cube.Face) bool {
	e := edgeAt(cube.FaceD, x)
	return f[e[0]] == cube.FaceD && f[e[1]] == x
}

// crossStep: the first unsolved D edge in the order F, R, B, L, by where its
// D-coloured sticker is.
func crossStep(f *cube.Facelets) (Step, bool) {
	for _, x := range sides {
		if crossSolved(f, x) {
			continue
		}
		e := findEdge(f, cube.FaceD, x) // e[0] shows D
		switch {
		case onFace(cube.FaceD, e[:]...):
			y := sideFaces(e[:]...)[0]
			return Step{StageCross, "lift", y, alg(algLift, y)}, true
		case onFace(cube.FaceU, e[:]...):
			side := sideFaces(e[:]...)[0]
			if faceOf(e[0]) == cube.FaceU {
				return Step{StageCross, "insert", x, then(uTurns(side, x), alg(algLift, x))}, true
			}
			return Step{StageCross, "flip-insert", x, then(uTurns(side, right(x)), alg(algFlipIn, x))}, true
		default:
			y, _ := pair(faceOf(e[0]), faceOf(e[1]))
			return Step{StageCross, "raise", y, alg(algUp, y)}, true
		}
	}
	return Step{}, false
}

// cornerSolved reports whether the D corner below side x and right(x) is
// solved.
func cornerSolved(f *cube.Facelets, x cube.Face) bool {
	k := cornerAt(cube.FaceD, x, right(x))
	return f[k[0]] == cube.FaceD && f[k[1]] == x && f[k[2]] == right(x)
}

// cornerStep: the first unsolved D corner in the order DFR, DRB, DBL, DLF
// (the corner under x and right(x) for x = F, R, B, L). Out of the D layer
// it goes above its place, and the sexy move of its place repeats until it
// is in.
func cornerStep(f *cube.Facelets) (Step, bool) {
	for _, x := range sides {
		if cornerSolved(f, x) {
			continue
		}
		k := findCorner(f, cube.FaceD, x, right(x))
		y, _ := pair(sideFaces(k[:]...)[0], sideFaces(k[:]...)[1])
		if onFace(cube.FaceD, k[:]...) {
			return Step{StageCorners, "extract", y, alg(algSexy, y)}, true
		}
		return Step{StageCorners, "sexy", x, then(uTurns(y, x), alg(algSexy, x))}, true
	}
	return Step{}, false
}

// middleSolved reports whether the middle edge between x and right(x) is
// solved.
func middleSolved(f *cube.Facelets, x cube.Face) bool {
	e := edgeAt(x, right(x))
	return f[e[0]] == x && f[e[1]] == right(x)
}

// middleStep: the first unsolved middle edge in the order FR, RB, BL, LF.
func middleStep(f *cube.Facelets) (Step, bool) {
	for _, x := range sides {
		if middleSolved(f, x) {
			continue
		}
		e := findEdge(f, x, right(x)) // e[0] shows x's colour
		if !onFace(cube.FaceU, e[:]...) {
			y, _ := pair(faceOf(e[0]), faceOf(e[1]))
			return Step{StageMiddle, "extract", y, alg(algRightIn, y)}, true
		}
		if faceOf(e[0]) == cube.FaceU {
			// The right(x) colour faces a side: insert from there.
			return Step{StageMiddle, "left-insert", x, then(uTurns(faceOf(e[1]), right(x)), alg(algLeftIn, x))}, true
		}
		return Step{StageMiddle, "right-insert", x, then(uTurns(faceOf(e[0]), x), alg(algRightIn, x))}, true
	}
	return Step{}, false
}

// edgeUp reports whether the U edge on side y shows U on top.
func edgeUp(f *cube.Facelets, y cube.Face) bool { return f[edgeAt(cube.FaceU, y)[0]] == cube.FaceU }

// lastCrossStep turns the U edges U-side up with x r U r' U' x', choosing x
// by the shape the U-up edges make.
func lastCrossStep(f *cube.Facelets) (Step, bool) {
	n := 0
	for _, y := range sides {
		if edgeUp(f, y) {
			n++
		}
	}
	if n == 4 {
		return Step{}, false
	}
	if n == 0 {
		return Step{StageLastCross, "dot", cube.FaceF, alg(algEdgeOrt, cube.FaceF)}, true
	}
	for _, x := range sides {
		if edgeUp(f, left(x)) && edgeUp(f, right(x)) {
			return Step{StageLastCross, "line", x, alg(algEdgeOrt, x)}, true
		}
	}
	for _, x := range sides {
		if edgeUp(f, left(x)) && edgeUp(f, opposite(x)) {
			return Step{StageLastCross, "L", x, alg(algEdgeOrt, x)}, true
		}
	}
	panic("cubesolve: U edges in no shape")
}

// frontLeft returns the facelets of the U corner on x and left(x): the U,
// x and left(x) facelets, in that order.
func frontLeft(x cube.Face) [3]int { return cornerAt(cube.FaceU, x, left(x)) }

// orientStep turns the U corners U-side up with the Sune, choosing x by how
// many are up and where the others show their U sticker.
func orientStep(f *cube.Facelets) (Step, bool) {
	n := 0
	for _, x := range sides {
		if f[frontLeft(x)[0]] == cube.FaceU {
			n++
		}
	}
	if n == 4 {
		return Step{}, false
	}
	for _, x := range sides {
		k := frontLeft(x)
		switch {
		case n == 1 && f[k[0]] == cube.FaceU:
			return Step{StageOrientation, "one-up", x, alg(algSune, x)}, true
		case n == 0 && f[k[2]] == cube.FaceU:
			return Step{StageOrientation, "none-up", x, alg(algSune, x)}, true
		case n == 2 && f[k[1]] == cube.FaceU:
			return Step{StageOrientation, "two-up", x, alg(algSune, x)}, true
		}
	}
	panic("cubesolve: U corners in no case")
}

// headlights reports whether the two U corners on side y show the same
// colour on y.
func headlights(f *cube.Facelets, y cube.Face) bool {
	return f[cornerAt(cube.FaceU, y, left(y))[1]] == f[cornerAt(cube.FaceU, y, right(y))[1]]
}

// permuteStep puts the U layer's pieces in place: the corners relative to
// each other (A-perm with headlights at the back), then the U layer turned
// so they are home, then the edges (U-perm with the solved edge at the back).
func permuteStep(f *cube.Facelets) (Step, bool) {
	all := 0
	for _, y := range sides {
		if headlights(f, y) {
			all++
		}
	}
	if all < 4 {
		for _, y := range sides {
			if headlights(f, y) {
				x := opposite(y)
				return Step{StagePermutation, "a-perm", x, alg(algAPerm, x)}, true
			}
		}
		return Step{StagePermutation, "a-perm", cube.FaceF, alg(algAPerm, cube.FaceF)}, true
	}
	if k := cornerAt(cube.FaceU, cube.FaceF, cube.FaceR); f[k[1]] != cube.FaceF {
		// The F colour is on the U corner of some side y: turn it to F.
		for _, y := range sides {
			if f[cornerAt(cube.FaceU, y, right(y))[1]] == cube.FaceF {
				return Step{StagePermutation, "align", cube.FaceU, uTurns(y, cube.FaceF)}, true
			}
		}
	}
	solved := 0
	for _, y := range sides {
		if f[edgeAt(cube.FaceU, y)[1]] == y {
			solved++
		}
	}
	if solved == 4 {
		return Step{}, false
	}
	for _, y := range sides {
		if f[edgeAt(cube.FaceU, y)[1]] == y {
			x := opposite(y)
			return Step{StagePermutation, "u-perm", x, alg(algUPerm, x)}, true
		}
	}
	return Step{StagePermutation, "u-perm", cube.FaceF, alg(algUPerm, cube.FaceF)}, true
}
