package cubesolve

import "github.com/maker-go/maker/cube"

// progress is the measure every step of the method strictly increases, which
// is why the method cannot loop: the stage, then how many pieces of the
// stage are solved, then how far the piece being worked on has come.
//
// The first three stages count solved pieces (each step keeps the solved
// ones solved) and the phase of the next piece: out of place, in the U
// layer, and for corners the number of sexy moves still needed. The three
// last-layer stages are measured by the number of steps the method still
// takes; that this number is finite from every last-layer state, so that
// it strictly falls, is what TestLastLayerExhaustive checks over all 62,208
// of them.
type progress struct {
	stage  Stage
	solved int
	phase  int
}

// less orders measures lexicographically.
func (p progress) less(q progress) bool {
	if p.stage != q.stage {
		return p.stage < q.stage
	}
	if p.solved != q.solved {
		return p.solved < q.solved
	}
	return p.phase < q.phase
}

// measure returns the progress of c. For a solved cube it is past every
// stage.
func measure(c cube.Cube) progress {
	if c.IsSolved() {
		return progress{stage: numStages}
	}
	f := c.Facelets()
	count := func(solved func(*cube.Facelets, cube.Face) bool) (n int, first cube.Face) {
		first = cube.FaceU
		for _, x := range sides {
			if solved(&f, x) {
				n++
			} else if first == cube.FaceU {
				first = x
			}
		}
		return n, first
	}
	if n, x := count(crossSolved); n < 4 {
		e := findEdge(&f, cube.FaceD, x)
		return progress{StageCross, n, b2i(onFace(cube.FaceU, e[:]...))}
	}
	if n, x := count(cornerSolved); n < 4 {
		k := findCorner(&f, cube.FaceD, x, right(x))
		home := onFace(x, k[:]...) && onFace(right(x), k[:]...)
		if onFace(cube.FaceD, k[:]...) && !home {
			return progress{StageCorners, n, 0} // in another D place
		}
		// Above or in its place: count the sexy moves still needed.
		y, _ := pair(sideFaces(k[:]...)[0], sideFaces(k[:]...)[1])
		d := c
		if !onFace(cube.FaceD, k[:]...) {
			d = d.ApplySequence(uTurns(y, x))
		}
		for r := 0; r <= 6; r++ {
			g := d.Facelets()
			if cornerSolved(&g, x) {
				return progress{StageCorners, n, 6 - r}
			}
			d = d.ApplySequence(alg(algSexy, x))
		}
		panic("cubesolve: sexy moves never solve the corner")
	}
	if n, x := count(middleSolved); n < 4 {
		e := findEdge(&f, x, right(x))
		return progress{StageMiddle, n, b2i(onFace(cube.FaceU, e[:]...))}
	}
	// Last layer: minus the steps left, per stage.
	s, err := Next(c)
	if err != nil {
		panic(err)
	}
	left := 0
	for d := c; ; left++ {
		t, err := Next(d)
		if err != nil || t.Stage != s.Stage {
			break
		}
		if left > 20 {
			panic("cubesolve: last-layer stage does not end")
		}
		d = d.ApplySequence(t.Turns)
	}
	return progress{s.Stage, 0, -left}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
