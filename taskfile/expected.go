package taskfile

import (
	"errors"
	"math"
	"strings"
)

// expectedSteps holds a file's expected answers compactly. A long file lists
// hundreds of thousands of them, so instead of a [Step] with its own strings
// each is kept as offsets into one shared text: 24 bytes a step plus the
// text of its action and state.
type expectedSteps struct {
	b       strings.Builder // the text, while the file is read
	text    string          // every action and state, once read
	steps   []packedStep
	wrong   []packedAnswer
	initial string // the state the first step starts from
}

// span is a string in the shared text.
type span struct{ off, n uint32 }

type packedAnswer struct{ action, state span }

type packedStep struct {
	packedAnswer
	line  uint32
	wrong uint32 // the step's wrong answers start here and end where the next step's start
}

var errTooMany = errors.New("the expected answers are too large to hold (over 4 GiB of text)")

// add appends a step read from the file.
func (e *expectedSteps) add(s Step) error {
	p := packedStep{line: uint32(min(max(s.Line, 0), math.MaxUint32))}
	var err error
	if p.packedAnswer, err = e.pack(s.Answer); err != nil {
		return err
	}
	p.wrong = uint32(len(e.wrong))
	for _, w := range s.Wrong {
		pw, err := e.pack(w)
		if err != nil {
			return err
		}
		e.wrong = append(e.wrong, pw)
	}
	if len(e.wrong) > math.MaxUint32 {
		return errTooMany
	}
	e.steps = append(e.steps, p)
	return nil
}

func (e *expectedSteps) pack(a Answer) (packedAnswer, error) {
	var p packedAnswer
	var err error
	if p.action, err = e.put(a.Action); err != nil {
		return p, err
	}
	p.state, err = e.put(a.State)
	return p, err
}

func (e *expectedSteps) put(s string) (span, error) {
	off := e.b.Len()
	if uint64(off)+uint64(len(s)) > math.MaxUint32 {
		return span{}, errTooMany
	}
	e.b.WriteString(s)
	return span{uint32(off), uint32(len(s))}, nil
}

// reserve makes room for the text of n more steps like the ones so far, so
// that a long list's text is not copied as it grows.
func (e *expectedSteps) reserve(n int) {
	if k := len(e.steps); k > 0 {
		e.b.Grow(e.b.Len() / k * n * 9 / 8)
	}
}

// seal ends reading: the text is fixed and the wrong answers' spare
// capacity let go (the steps were allocated at their count).
func (e *expectedSteps) seal() {
	e.text = e.b.String()
	e.b = strings.Builder{}
	e.wrong = append([]packedAnswer(nil), e.wrong...)
}

func (e *expectedSteps) len() int { return len(e.steps) }

func (e *expectedSteps) str(s span) string { return e.text[s.off : s.off+s.n] }

func (e *expectedSteps) answer(p packedAnswer) Answer {
	return Answer{Action: e.str(p.action), State: e.str(p.state)}
}

// at returns step i as a [Step]; its strings share the text.
func (e *expectedSteps) at(i int) Step {
	p := e.steps[i]
	s := Step{Answer: e.answer(p.packedAnswer), Line: int(p.line), before: e.initial}
	if i > 0 {
		s.before = e.str(e.steps[i-1].state)
	}
	end := len(e.wrong)
	if i+1 < len(e.steps) {
		end = int(e.steps[i+1].wrong)
	}
	for _, w := range e.wrong[p.wrong:end] {
		s.Wrong = append(s.Wrong, e.answer(w))
	}
	return s
}
