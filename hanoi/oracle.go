package hanoi

import (
	"fmt"
	"strings"

	"github.com/maker-go/maker"
)

// Answer implements [maker.Oracle] for the simulator: the move the strategy
// prescribes, with its state, and three wrong answers that look right:
// disk 1 the wrong way round (or disk 1 again when it must rest) with a
// consistent state, which a hard step repeats; the right move with the disk
// landing on the wrong peg in the state; and the right disk to the wrong
// peg. It reads the prompt's hint, or the default prompt's text when the
// prompt came over HTTP.
func (t *Task) Answer(p maker.Prompt) (maker.Answer, error) {
	s, prev, err := t.read(p)
	if err != nil {
		return maker.Answer{}, err
	}
	return answers(s, prev)
}

// RightAnswer implements [maker.RightOracle]: Answer's right answer alone.
func (t *Task) RightAnswer(p maker.Prompt) (string, error) {
	s, prev, err := t.read(p)
	if err != nil {
		return "", err
	}
	return rightAnswer(s, prev)
}

// rightAnswer is the text of the right answer from s after prev.
func rightAnswer(s State, prev string) (string, error) {
	right, rightState, err := rightMove(s, prev)
	if err != nil {
		return "", err
	}
	return render(right, rightState, "Following the procedure"), nil
}

// read is the state and previous move a prompt shows: its hint, or the
// default prompt's text when the prompt came over HTTP.
func (t *Task) read(p maker.Prompt) (State, string, error) {
	if h, ok := p.Hint.(Hint); ok {
		return h.State, h.Prev, nil
	}
	return ReadPrompt(p.User, t.n)
}

// Oracle returns an oracle that reads default-format Hanoi prompts with any
// number of disks, for the simulator behind HTTP.
func Oracle() maker.Oracle { return anyDisks{} }

type anyDisks struct{}

func (anyDisks) Answer(p maker.Prompt) (maker.Answer, error) {
	s, prev, err := ReadPrompt(p.User, 0)
	if err != nil {
		return maker.Answer{}, err
	}
	return answers(s, prev)
}

func (anyDisks) RightAnswer(p maker.Prompt) (string, error) {
	s, prev, err := ReadPrompt(p.User, 0)
	if err != nil {
		return "", err
	}
	return rightAnswer(s, prev)
}

// ReadPrompt recovers the state and previous move from a prompt rendered
// with the default template. n = 0 accepts any number of disks. It returns
// [maker.ErrNotMine] for text that is not such a prompt.
func ReadPrompt(user string, n int) (State, string, error) {
	prevLine, ok1 := lineAfter(user, "Previous move: ")
	stateLine, ok2 := lineAfter(user, "Current state: ")
	if !ok1 || !ok2 {
		return State{}, "", maker.ErrNotMine
	}
	if n == 0 {
		n = countInts(stateLine)
	}
	s, err := parseState(stateLine, n)
	if err != nil {
		return State{}, "", fmt.Errorf("%w: %v", maker.ErrNotMine, err)
	}
	prev := ""
	if prevLine != noPrev {
		m, err := parseMove(prevLine)
		if err != nil {
			return State{}, "", fmt.Errorf("%w: %v", maker.ErrNotMine, err)
		}
		prev = m.String()
	}
	return s, prev, nil
}

func countInts(s string) int {
	return len(strings.FieldsFunc(s, func(r rune) bool { return r < '0' || r > '9' }))
}

func lineAfter(text, label string) (string, bool) {
	i := strings.Index(text, label)
	if i < 0 {
		return "", false
	}
	rest := text[i+len(label):]
	if j := strings.IndexByte(rest, '\n'); j >= 0 {
		rest = rest[:j]
	}
	return strings.TrimSpace(rest), true
}

// rightMove is the move the strategy prescribes after prev, and the state
// it leads to.
func rightMove(s State, prev string) (Move, State, error) {
	var pm *Move
	if prev != "" {
		m, err := parseMove(prev)
		if err != nil {
			return Move{}, State{}, err
		}
		pm = &m
	}
	right, ok := StrategyMove(s, pm)
	if !ok {
		return Move{}, State{}, fmt.Errorf("hanoi: no move follows the strategy from %s", s)
	}
	rightState, err := s.Apply(right)
	if err != nil {
		return Move{}, State{}, fmt.Errorf("hanoi: strategy move %s from %s: %w", right, s, err)
	}
	return right, rightState, nil
}

func answers(s State, prev string) (maker.Answer, error) {
	right, rightState, err := rightMove(s, prev)
	if err != nil {
		return maker.Answer{}, err
	}
	ans := maker.Answer{Right: render(right, rightState, "Following the procedure")}
	n := s.Disks()

	// Wrong 0: the classic slip, disk 1 the other way (or moved again).
	one := Move{Disk: 1, From: right.From}
	if right.Disk == 1 {
		one.To = 3 - right.From - right.To
	} else {
		for p := range s {
			if s.top(p) == 1 {
				one.From = p
			}
		}
		one.To = clockwise(n, one.From)
	}
	if st, err := s.Apply(one); err == nil {
		ans.Wrong = append(ans.Wrong, render(one, st, "Moving disk 1"))
	}
	// Wrong 1: the right move, but the state puts the disk on the third peg.
	third := 3 - right.From - right.To
	bad := s.Clone()
	bad[right.From] = bad[right.From][:len(bad[right.From])-1]
	bad[third] = append(bad[third], right.Disk)
	ans.Wrong = append(ans.Wrong, render(right, bad, "Following the procedure"))
	// Wrong 2: the right disk to the wrong peg, with its consistent state.
	wrongPeg := Move{Disk: right.Disk, From: right.From, To: third}
	if st, err := s.Apply(wrongPeg); err == nil {
		ans.Wrong = append(ans.Wrong, render(wrongPeg, st, "Following the procedure"))
	} else {
		st := s.Clone()
		st[right.From] = st[right.From][:len(st[right.From])-1]
		st[third] = append(st[third], right.Disk)
		ans.Wrong = append(ans.Wrong, render(wrongPeg, st, "Following the procedure"))
	}
	return ans, nil
}

func render(m Move, s State, lead string) string {
	var b strings.Builder
	b.Grow(len(lead) + 96 + 8*s.Disks())
	b.WriteString(lead)
	b.WriteString(", the next move takes disk ")
	writeInt(&b, m.Disk)
	b.WriteString(" from peg ")
	writeInt(&b, m.From)
	b.WriteString(" to peg ")
	writeInt(&b, m.To)
	b.WriteString(".\nmove = ")
	b.WriteString(m.String())
	b.WriteString("\nnext_state = ")
	s.write(&b, ", ")
	return b.String()
}
