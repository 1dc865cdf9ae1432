package cubesolve

import (
	"fmt"
	"strings"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/cube"
)

// Answer implements [maker.Oracle] for the simulator: the method's step with
// its state, and three wrong answers that look right: a slip in the turns
// (the set-up U turned the other way, or the last quarter turn of the
// algorithm reversed) with the state those turns really give, which a hard
// step repeats; the right turns with the two stickers of one moved edge
// swapped in the state; and the right turns with the state one turn short
// (for a one-turn step, the state not updated). It reads the prompt's hint, or the state line of the prompt text when the
// hint was lost.
func (t *Task) Answer(p maker.Prompt) (maker.Answer, error) {
	var f cube.Facelets
	if h, ok := p.Hint.(Hint); ok {
		f = h.State
	} else {
		i := strings.Index(p.User, statePrefix)
		if i < 0 {
			return maker.Answer{}, maker.ErrNotMine
		}
		line, _, _ := strings.Cut(p.User[i+len(statePrefix):], "\n")
		var err error
		if f, err = cube.ParseFacelets(line); err != nil {
			return maker.Answer{}, fmt.Errorf("%w: %v", maker.ErrNotMine, err)
		}
	}
	return answers(f)
}

func answers(f cube.Facelets) (maker.Answer, error) {
	c, err := f.Cube()
	if err != nil {
		return maker.Answer{}, err
	}
	s, err := Next(c)
	if err != nil {
		return maker.Answer{}, err
	}
	after := c.ApplySequence(s.Turns)
	lead := fmt.Sprintf("Stage %s, case %s.", s.Stage, s.Case)
	ans := maker.Answer{Right: render(lead, s.Stage, s.Turns, after.Facelets())}

	slip := slipped(s.Turns)
	ans.Wrong = append(ans.Wrong, render(lead, s.Stage, slip, c.ApplySequence(slip).Facelets()))

	swapped := after.Facelets()
	e := movedEdge(f, swapped)
	swapped[e[0]], swapped[e[1]] = swapped[e[1]], swapped[e[0]]
	ans.Wrong = append(ans.Wrong, render(lead, s.Stage, s.Turns, swapped))

	// One turn short; for a one-turn step, the state not updated at all.
	short := c.ApplySequence(s.Turns[:len(s.Turns)-1])
	ans.Wrong = append(ans.Wrong, render(lead, s.Stage, s.Turns, short.Facelets()))
	return ans, nil
}

// slipped returns turns with one plausible slip: a set-up U turned the other
// way (U2 becomes U), or else the last quarter turn reversed (a half turn
// becomes a quarter turn when there is no quarter turn).
func slipped(turns cube.Sequence) cube.Sequence {
	out := append(cube.Sequence{}, turns...)
	if len(out) > 1 && out[0].Face() == cube.FaceU && out[1].Face() != cube.FaceU {
		if out[0] == cube.U2 {
			out[0] = cube.U
		} else {
			out[0] = out[0].Inverse()
		}
		return out
	}
	for i := len(out) - 1; i >= 0; i-- {
		if out[i].Turns() != 2 {
			out[i] = out[i].Inverse()
			return out
		}
	}
	out[len(out)-1]-- // X2 -> X
	return out
}

// movedEdge returns the facelets of the first edge position whose stickers
// the step changed, or of the first edge if none changed.
func movedEdge(before, after cube.Facelets) [2]int {
	for _, e := range edgeStickers {
		if before[e[0]] != after[e[0]] || before[e[1]] != after[e[1]] {
			return e
		}
	}
	return edgeStickers[0]
}
