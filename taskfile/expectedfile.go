package taskfile

import (
	"errors"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/maker-go/maker/internal/fieldtmpl"
	"github.com/maker-go/maker/internal/strictjson"
)

// expectedFile reads `expected_file`: a JSON Lines file with one
// {"action", "state", "wrong"} object per step, for tasks too long to list
// their answers in the task file. It is checked whole when the task file is
// read and streamed during the run.
func (d *decoder) expectedFile(n *yaml.Node, t *Task) error {
	name, err := d.scalar(n, "expected_file")
	if err != nil {
		return err
	}
	if rf, ok := t.format.(*regexFormat); ok && rf.tmpl == nil {
		return d.errf(n, "expected_file", "answer.template is required with answer.regex, to write the expected answers as the model would")
	}
	src, err := d.source(n, "expected_file", name, formatJSONL, "list the answers under expected instead")
	if err != nil {
		return err
	}
	state := t.initial
	matched, matchedLine := -1, 0
	err = d.scanSource(n, "expected_file", src, func(i int, r Record) error {
		s, err := expectedRecord(r)
		if err != nil {
			return &Error{File: src.path, Line: r.Line, Msg: clip(err.Error(), maxMsg)}
		}
		at := func(field string) *Error {
			return &Error{File: src.path, Line: r.Line, Field: field}
		}
		if err := t.checkAnswer(s.Answer); err != nil {
			e := at("")
			e.Msg = clip(err.Error(), maxMsg)
			return e
		}
		for j, w := range s.Wrong {
			if err := t.checkAnswer(w); err != nil {
				e := at(fmt.Sprintf("wrong[%d]", j))
				e.Msg = clip(err.Error(), maxMsg)
				return e
			}
		}
		if t.steps > 0 && i >= t.steps {
			e := at("")
			e.Msg = fmt.Sprintf("more answers than the task's %d steps", t.steps)
			return e
		}
		if t.doneRe != nil && matched < 0 && t.doneRe.MatchString(s.State) {
			matched, matchedLine = i, r.Line
		}
		state = s.State
		return nil
	})
	if err != nil {
		return err
	}
	if src.count == 0 {
		return d.errf(n, "expected_file", "%s has no answers", name)
	}
	if matched >= 0 && matched < src.count-1 {
		return &Error{File: src.path, Line: matchedLine, Field: "state", Msg: "matches done.state_matches before the last answer"}
	}
	if t.doneRe == nil && src.count != t.steps {
		return d.errf(n, "expected_file", "%s has %d answers for %d steps: give one per step", name, src.count, t.steps)
	}
	if t.doneRe != nil && !t.doneRe.MatchString(state) {
		return d.errf(n, "expected_file", "the last answer's state %s does not match done.state_matches, so the task would not end there", quote(state))
	}
	t.expFile = newCursor(src)
	return nil
}

// expectedRecord reads one line of an expected file.
func expectedRecord(r Record) (Step, error) {
	type answer struct {
		Action *string `json:"action"`
		State  *string `json:"state"`
	}
	var v struct {
		answer
		Wrong []answer `json:"wrong"`
	}
	// Strictly: exact field names, each given once, nothing unknown.
	if err := strictjson.Unmarshal([]byte(r.Text), &v); err != nil {
		return Step{}, fmt.Errorf("want {\"action\": ..., \"state\": ..., \"wrong\": [...]}: %v", err)
	}
	get := func(a answer, where string) (Answer, error) {
		if a.Action == nil || a.State == nil {
			return Answer{}, fmt.Errorf("%saction and state are required", where)
		}
		out := Answer{Action: strings.TrimSpace(*a.Action), State: strings.TrimSpace(*a.State)}
		if out.Action == "" || out.State == "" {
			return Answer{}, fmt.Errorf("%saction and state must not be empty", where)
		}
		return out, nil
	}
	a, err := get(v.answer, "")
	if err != nil {
		return Step{}, err
	}
	s := Step{Answer: a, Line: r.Line}
	for j, w := range v.Wrong {
		wa, err := get(w, fmt.Sprintf("wrong[%d]: ", j))
		if err != nil {
			return Step{}, err
		}
		s.Wrong = append(s.Wrong, wa)
	}
	return s, nil
}

// checkAnswer writes an answer in the answer format and parses it back, as
// [decoder.roundTrip] does for the task file's own list.
func (t *Task) checkAnswer(a Answer) error {
	text, err := t.format.render(a)
	if errors.Is(err, fieldtmpl.ErrTooLong) {
		return fmt.Errorf("written with answer.template it is over %d MiB", maxRendered>>20)
	}
	if err != nil {
		return fmt.Errorf("cannot be written with answer.template: %v", err)
	}
	got, err := t.Parse(text)
	if err != nil {
		return fmt.Errorf("written as %s it does not parse: %v", quote(text), err)
	}
	if t.Key(got) != t.keyOf(a) {
		return fmt.Errorf("written as %s it parses back as action %s, state %s", quote(text), quote(got.Action), quote(got.State))
	}
	return nil
}

// expectedLen is the number of expected answers, from the list or the file.
func (t *Task) expectedLen() int {
	if t.expFile != nil {
		return t.expFile.src.count
	}
	return t.expected.len()
}

// expectedAt is the expected answer of step i, with the state it starts
// from.
func (t *Task) expectedAt(i int) (Step, error) {
	if t.expFile == nil {
		return t.expected.at(i), nil
	}
	r, err := t.expFile.at(i)
	if err != nil {
		return Step{}, err
	}
	s, err := expectedRecord(r)
	if err != nil {
		return Step{}, fmt.Errorf("%s:%d: %w", t.expFile.src.name, r.Line, err)
	}
	s.before = t.initial
	if i > 0 {
		p, err := t.expFile.at(i - 1)
		if err != nil {
			return Step{}, err
		}
		ps, err := expectedRecord(p)
		if err != nil {
			return Step{}, fmt.Errorf("%s:%d: %w", t.expFile.src.name, p.Line, err)
		}
		s.before = ps.State
	}
	return s, nil
}
