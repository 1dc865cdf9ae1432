package taskfile

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"text/template"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/fieldtmpl"
)

// Task is a task read from a file. It implements [maker.Task] over string
// states and, when the file lists expected answers, [maker.Checker] and (via
// [Task.Oracle]) the simulator's oracle.
type Task struct {
	file     string
	name     string
	system   string
	user     *template.Template
	initial  string
	format   format
	key      KeyRule
	steps    int
	doneRe   *regexp.Regexp
	expected expectedSteps
	// in are the per-step inputs, nil without `inputs`.
	in *inputs
	// expFile streams the expected answers from `expected_file`.
	expFile *cursor
	// exec runs each decided action, nil without `execute`.
	exec *execSpec
	// onNoConsensus is `on_no_consensus` (policy.go).
	onNoConsensus string
	// validator checks each candidate's form, nil without `validate`.
	validator *validateSpec

	errMu sync.Mutex
	err   error // a data file that failed to read during the run
}

var (
	_ maker.Task[string]    = (*Task)(nil)
	_ maker.Checker[string] = (*Task)(nil)
)

// Answer is one {action, state} pair as the file writes it.
type Answer struct {
	Action string
	State  string
}

// Step is the expected answer of one step, with optional wrong answers that
// look right, which the simulator plays as the model's mistakes.
type Step struct {
	Answer
	Wrong []Answer
	// Line is where the entry starts in the file.
	Line int
	// before is the state the step starts from.
	before string
}

// Case is how the vote key treats letter case.
type Case string

// The cases a key can be normalised to.
const (
	CaseKeep  Case = "keep"
	CaseLower Case = "lower"
	CaseUpper Case = "upper"
)

// KeyRule says how an answer is normalised into its vote key, so answers
// that differ only in spacing or case can count as the same vote. The
// defaults trim, collapse runs of blank space and keep the case.
type KeyRule struct {
	Trim           bool
	CollapseSpaces bool
	Case           Case
	// JSON keys a field that is a JSON object or array by its canonical
	// form ([maker.CanonicalJSON]): key order, number spelling and blank
	// space outside strings do not split votes.
	JSON bool
	// Number writes every number in one spelling ([maker.CanonicalNumber]),
	// rounded to a grid of Tolerance when that is set ([maker.NumberGrid]).
	Number    bool
	Tolerance string

	more *keyMore // regex_replace, the number grid, the key program (keys.go)
}

var spaces = regexp.MustCompile(`[ \t]+`)

// Normalize applies the rule to one field of an answer (not the key
// program, which reads the whole answer).
func (k KeyRule) Normalize(s string) string { return k.normalize(s) }

// PromptData is what the user template sees.
type PromptData struct {
	State string // the current state
	Prev  string // the previous action, "" before the first step
	Step  int    // 1-based
	Steps int    // done.steps, or 0 when the task ends on a state pattern only
	// Input is the step's record of `inputs`: {{.Input}} writes it whole,
	// {{.Input.name}} one field.
	Input any
}

// Hint is what the task attaches to its prompts for its oracle.
type Hint struct {
	Step  int // 0-based
	State string
	Prev  string
}

// File is the path or name the task was read from.
func (t *Task) File() string { return t.file }

// Expected returns the file's expected answers, one per step, or nil (also
// for answers in `expected_file`, which are never held whole). They
// are held compactly and built anew on each call.
func (t *Task) Expected() []Step {
	if t.expected.len() == 0 || t.expFile != nil {
		return nil
	}
	out := make([]Step, t.expected.len())
	for i := range out {
		out[i] = t.expected.at(i)
	}
	return out
}

// KeyRule returns the file's key normalisation.
func (t *Task) KeyRule() KeyRule { return t.key }

// Name implements [maker.Task].
func (t *Task) Name() string { return t.name }

// Initial implements [maker.Task].
func (t *Task) Initial() string { return t.initial }

// Steps implements [maker.Task]: done.steps, or 0 when only a state pattern
// ends the task.
func (t *Task) Steps() int { return t.steps }

// Done implements [maker.Task]: the state matches done.state_matches when
// the file gives it (done.steps is then only the bound), otherwise step has
// reached done.steps.
func (t *Task) Done(state string, step int) bool {
	if t.doneRe != nil {
		return t.doneRe.MatchString(state)
	}
	return step >= t.steps
}

// Prompt implements [maker.Task] with the file's system text and user
// template.
func (t *Task) Prompt(state, prev string, step int) maker.Prompt {
	data := PromptData{State: state, Prev: prev, Step: step + 1, Steps: t.steps}
	if t.in != nil {
		r, err := t.in.at(step)
		if err != nil {
			// The file was checked when the task was read: it changed
			// since. The prompt says so, and the check fails the step.
			t.setErr(err)
			return maker.Prompt{System: t.system, User: "input unavailable: " + err.Error(), Hint: Hint{Step: step, State: state, Prev: prev}}
		}
		data.Input = inputData(r)
	}
	// The template rendered when the file was read, and every input has
	// its fields; a state the model made long can still take the prompt
	// over the cap. The prompt says so, and the check fails the step.
	user, err := fieldtmpl.Render(t.user, data, maxRendered)
	if err != nil {
		err = fmt.Errorf("step %d: user: %w", step+1, err)
		t.setErr(err)
		user = "prompt unavailable: " + err.Error()
	}
	return maker.Prompt{System: t.system, User: user, Hint: Hint{Step: step, State: state, Prev: prev}}
}

// Parse implements [maker.Task] with the file's answer format. Both fields
// must be present and not blank; they are trimmed, nothing else is changed.
func (t *Task) Parse(text string) (maker.Candidate[string], error) {
	a, err := t.format.parse(text)
	if err != nil {
		return maker.Candidate[string]{}, err
	}
	a.Action, a.State = strings.TrimSpace(a.Action), strings.TrimSpace(a.State)
	if a.Action == "" || a.State == "" {
		return maker.Candidate[string]{}, fmt.Errorf("taskfile: %w: empty action or state", maker.ErrMalformed)
	}
	// Copied out of the answer, so that a decided step keeps only its own
	// text and not the whole answer's (a run keeps every decided action).
	return maker.Candidate[string]{Action: strings.Clone(a.Action), State: strings.Clone(a.State)}, nil
}

// Key implements [maker.Task]: the normalised action and state as a JSON
// pair, so no choice of separator can make two answers collide.
func (t *Task) Key(c maker.Candidate[string]) string {
	return t.keyOf(Answer{Action: c.Action, State: c.State})
}

func (t *Task) keyOf(a Answer) string {
	b, _ := json.Marshal([2]string{t.key.Normalize(a.Action), t.key.Normalize(a.State)})
	if t.key.more != nil && t.key.more.command != nil {
		return t.commandKey(a, string(b))
	}
	return string(b)
}

// Check implements [maker.Checker] against the expected answers, after the
// vote: a decided step whose key differs from the expected one is wrong.
// Without expected answers every step passes.
func (t *Task) Check(step int, _ string, decided maker.Candidate[string]) error {
	if err := t.Err(); err != nil {
		return err
	}
	if t.expectedLen() == 0 {
		return nil
	}
	if step < 0 || step >= t.expectedLen() {
		return fmt.Errorf("step %d is beyond the %d expected answers", step+1, t.expectedLen())
	}
	want, err := t.expectedAt(step)
	if err != nil {
		return err
	}
	if t.Key(decided) != t.keyOf(want.Answer) {
		return fmt.Errorf("decided action %s, state %s; expected action %s, state %s (line %d)", quote(decided.Action), quote(decided.State), quote(want.Action), quote(want.State), want.Line)
	}
	return nil
}

// inputData is what a template sees as .Input: a record with fields is a
// map of them (which writes itself whole as the record's text), a plain
// line its text.
func inputData(r Record) any {
	if r.Fields == nil {
		return r.Text
	}
	return Fields(r.Fields)
}

// Fields are a record's named values as a template sees them:
// {{.Input.name}} is one, {{.Input}} all of them as one JSON object.
type Fields map[string]any

// String writes the fields as a JSON object with its keys in order.
func (f Fields) String() string {
	b, err := json.Marshal(map[string]any(f))
	if err != nil {
		return fmt.Sprint(map[string]any(f))
	}
	return string(b)
}

// Err is the first error reading a data file during the run (a file
// changed under the run), or nil. A step prompted without its input fails
// its check with it.
func (t *Task) Err() error {
	t.errMu.Lock()
	defer t.errMu.Unlock()
	return t.err
}

func (t *Task) setErr(err error) {
	t.errMu.Lock()
	if t.err == nil {
		t.err = err
	}
	t.errMu.Unlock()
}

// DataFiles are the data files the task reads (inputs, expected answers),
// each with the SHA-256 of its contents when the task was read, keyed by
// the name the task file gives: a run journals them, and resume refuses a
// file that has changed.
func (t *Task) DataFiles() map[string]string {
	out := map[string]string{}
	if t.in != nil && t.in.src != nil {
		out[t.in.src.name] = t.in.src.sha256
	}
	if t.expFile != nil {
		out[t.expFile.src.name] = t.expFile.src.sha256
	}
	return out
}
