package template

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/maker-go/maker"
)

// answerRe is the end of a valid answer: reasoning may come first, nothing
// after. Numbers are canonical (no sign, no leading zero). CHANGE: your
// format, as strict as you can make it.
var answerRe = regexp.MustCompile(`(?:^|\n)append = ([1-9][0-9]*)\nlist = \[((?:[1-9][0-9]*, )*[1-9][0-9]*)\]$`)

// Parse implements [maker.Task] strictly. It checks form only; whether the
// number is right is the checker's business, after the vote. Every
// rejection wraps [maker.ErrMalformed]: the sample is red-flagged and
// replaced, never repaired.
func (t *Task) Parse(text string) (maker.Candidate[State], error) {
	m := answerRe.FindStringSubmatch(strings.TrimRight(text, " \t\n"))
	if m == nil {
		return maker.Candidate[State]{}, fmt.Errorf("template: %w: want the append and list lines at the end", maker.ErrMalformed)
	}
	n, err := strconv.Atoi(m[1])
	if err != nil {
		return maker.Candidate[State]{}, fmt.Errorf("template: %w: append: %v", maker.ErrMalformed, err)
	}
	var list State
	for _, f := range strings.Split(m[2], ", ") {
		v, err := strconv.Atoi(f)
		if err != nil {
			return maker.Candidate[State]{}, fmt.Errorf("template: %w: list: %v", maker.ErrMalformed, err)
		}
		list = append(list, v)
	}
	return maker.Candidate[State]{Action: fmt.Sprintf("append %d", n), State: list}, nil
}

// Key implements [maker.Task]: the action and the whole new state, in one
// canonical spelling, so answers that agree share a key and a right number
// with a wrong list does not vote for the right answer. CHANGE: normalise
// whatever may vary between answers that mean the same thing.
func (t *Task) Key(c maker.Candidate[State]) string {
	return c.Action + "|" + c.State.String()
}
