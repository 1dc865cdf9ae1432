package hanoi

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"text/template"

	"github.com/maker-go/maker"
)

// Task is the Towers of Hanoi with n disks as a [maker.Task]. It also
// implements [maker.Checker] (every decided move is checked against the
// rules and the optimal solution after the vote) and [maker.Oracle] (the
// simulator's right and plausible wrong answers).
type Task struct {
	n    int
	user *template.Template
}

var (
	_ maker.Task[State]    = (*Task)(nil)
	_ maker.Checker[State] = (*Task)(nil)
	_ maker.Oracle         = (*Task)(nil)
)

var defaultUser = template.Must(template.New("hanoi").Option("missingkey=error").Parse(DefaultUserTemplate))

// New returns the task for n disks (1 to [MaxDisks]) with the default prompt.
func New(n int) (*Task, error) {
	if n < 1 || n > MaxDisks {
		return nil, fmt.Errorf("hanoi: disks must be between 1 and %d, got %d", MaxDisks, n)
	}
	return &Task{n: n, user: defaultUser}, nil
}

// WithTemplate returns a copy of the task whose user prompt comes from t
// (see [ParseTemplate]).
func (t *Task) WithTemplate(tmpl *template.Template) *Task {
	c := *t
	c.user = tmpl
	return &c
}

// Disks is n.
func (t *Task) Disks() int { return t.n }

// Name implements [maker.Task].
func (t *Task) Name() string { return fmt.Sprintf("hanoi-%d", t.n) }

// Initial implements [maker.Task]: every disk on peg 0.
func (t *Task) Initial() State { return Start(t.n) }

// Steps implements [maker.Task]: 2^n-1.
func (t *Task) Steps() int { return Steps(t.n) }

// Done implements [maker.Task]: every disk on peg 2.
func (t *Task) Done(s State, _ int) bool { return s.Solved() }

// Hint is what the task attaches to its prompts for the simulator's oracle.
type Hint struct {
	State State
	Prev  string
}

// Prompt implements [maker.Task].
func (t *Task) Prompt(s State, prev string, step int) maker.Prompt {
	shown := prev
	if shown == "" {
		shown = noPrev
	}
	if t.user == defaultUser {
		return maker.Prompt{System: systemPrompt, User: defaultPrompt(shown, s.String(), t.n), Hint: Hint{State: s, Prev: prev}}
	}
	var buf bytes.Buffer
	buf.Grow(len(DefaultUserTemplate) + 8*t.n)
	// The template was checked when it was parsed; a failure here is a bug.
	if err := t.user.Execute(&buf, promptData{Prev: shown, State: s.String(), Disks: t.n, Order: orderText(t.n), Step: step + 1}); err != nil {
		panic(fmt.Sprintf("hanoi: prompt template: %v", err))
	}
	return maker.Prompt{System: systemPrompt, User: buf.String(), Hint: Hint{State: s, Prev: prev}}
}

// Parse implements [maker.Task] with the strict red-flagging parser.
func (t *Task) Parse(text string) (maker.Candidate[State], error) {
	m, s, err := ParseAnswer(text, t.n)
	if err != nil {
		return maker.Candidate[State]{}, err
	}
	return maker.Candidate[State]{Action: m.String(), State: s}, nil
}

// Key implements [maker.Task]: the move and the next state, without spaces.
// Parse writes the action as Move.String, so dropping its spaces gives the
// compact move without parsing it a second time on the hot path.
func (t *Task) Key(c maker.Candidate[State]) string {
	var b strings.Builder
	b.Grow(len(c.Action) + 8 + 3*c.State.Disks())
	for i := 0; i < len(c.Action); i++ {
		if c.Action[i] != ' ' {
			b.WriteByte(c.Action[i])
		}
	}
	b.WriteByte('|')
	c.State.write(&b, ",")
	return b.String()
}

// Check implements [maker.Checker]: the decided move must be legal in the
// state it was decided from, the decided next state must be what the move
// leads to, and both must match step i of the optimal solution.
func (t *Task) Check(step int, before State, c maker.Candidate[State]) error {
	m, err := legal(before, c)
	if err != nil {
		return err
	}
	if want := OptimalMove(t.n, step+1); m != want {
		return fmt.Errorf("move %s is not the optimal move %s", m, want)
	}
	return nil
}

// legal reads c's move and checks it against the rules from before: the
// move must be legal there and lead to the state c names. It knows the
// rules of the game, never which move the strategy prescribes.
func legal(before State, c maker.Candidate[State]) (Move, error) {
	m, err := parseMove(c.Action)
	if err != nil {
		return Move{}, err
	}
	after, err := before.Apply(m)
	if err != nil {
		return Move{}, err
	}
	if !after.Equal(c.State) {
		return Move{}, fmt.Errorf("move %s leads to %s, but the answer's state is %s", m, after, c.State)
	}
	return m, nil
}

// Ruled is a Hanoi task that red-flags, before they vote, answers that
// break the game's rules: a move that is not legal in the step's state
// (an empty peg, a disk that is not on top, a disk on a smaller one) or a
// next state the move does not lead to. It is [Task] plus a
// [maker.Validator]; see [Task.WithRules].
type Ruled struct{ *Task }

var _ maker.Validator[State] = Ruled{}

// WithRules returns the task with its rules as a red flag. The paper's
// parser checks form only, and so does [Task] (a run with the simulator
// keeps the paper's red flags); a model whose mistakes are often
// inconsistent answers (a move it names but does not make, a disk moved
// from where it is not) votes only among legal, consistent answers with
// it. The validator knows the rules, not the strategy: a legal move that
// is not the prescribed one still votes, and only the vote can outvote
// it.
func (t *Task) WithRules() Ruled { return Ruled{t} }

// Validate implements [maker.Validator].
func (r Ruled) Validate(_ context.Context, s State, c maker.Candidate[State]) error {
	_, err := legal(s, c)
	return err
}
