package cubesolve

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/cube"
)

// answerRe is the end of a valid answer: reasoning may come before the three
// lines, nothing after them. Turns are single-spaced, with ASCII ' only.
var answerRe = regexp.MustCompile(`(?:^|\n)stage = ([a-z-]+)\nturns = ([URFDLB]['2]?(?: [URFDLB]['2]?)*)\nnext_state = ([URFDLB]{54})$`)

// Answer is one parsed answer.
type Answer struct {
	Stage Stage
	Turns cube.Sequence
	State cube.Facelets
}

// ParseAnswer reads the three answer lines strictly. It checks form only:
// a known stage name, one or more turns in standard notation, and 54
// letters that form a sticker layout ([cube.ParseFacelets]: nine of each
// colour, centres in place). Whether the stickers make a real cube, and
// whether the step is the method's, is the checker's business after the
// vote. Every rejection wraps [maker.ErrMalformed]: the sample is
// red-flagged, never repaired.
func ParseAnswer(text string) (Answer, error) {
	m := answerRe.FindStringSubmatch(strings.TrimRight(text, " \t\n"))
	if m == nil {
		return Answer{}, fmt.Errorf("cubesolve: %w: want stage, turns and next_state lines at the end", maker.ErrMalformed)
	}
	st, err := ParseStage(m[1])
	if err != nil {
		return Answer{}, fmt.Errorf("cubesolve: %w: %v", maker.ErrMalformed, err)
	}
	turns, err := cube.ParseMoves(m[2])
	if err != nil {
		return Answer{}, fmt.Errorf("cubesolve: %w: %v", maker.ErrMalformed, err)
	}
	f, err := cube.ParseFacelets(m[3])
	if err != nil {
		return Answer{}, fmt.Errorf("cubesolve: %w: %v", maker.ErrMalformed, err)
	}
	return Answer{Stage: st, Turns: turns, State: f}, nil
}

// render writes an answer in the format the parser reads, after a line of
// reasoning, as the oracle's answers and the worked examples do.
func render(lead string, st Stage, turns cube.Sequence, f cube.Facelets) string {
	return fmt.Sprintf("%s\nstage = %s\nturns = %s\nnext_state = %s", lead, st, turns, f)
}
