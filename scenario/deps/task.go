package deps

import (
	"fmt"
	"slices"
	"strings"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/scenario"
)

// State is what the model carries from step to step: the ready list and the
// waiting counts (see [scenario.Frontier]).
type State = scenario.Frontier

// Task is dependency resolution of one module graph as a [maker.Task]. It
// also implements [maker.Checker] (every decided step is checked against
// the procedure and the reference order after the vote) and [maker.Oracle]
// (the simulator's right and plausible wrong answers).
type Task struct {
	name  string
	g     *scenario.Graph
	order []string       // the reference build order
	pos   map[string]int // module -> index in order
}

var (
	_ maker.Task[State]    = (*Task)(nil)
	_ maker.Checker[State] = (*Task)(nil)
	_ maker.Oracle         = (*Task)(nil)
)

// New validates the instance and returns its task.
func New(in *Instance) (*Task, error) {
	g, err := in.Graph()
	if err != nil {
		return nil, err
	}
	t := &Task{name: fmt.Sprintf("deps-%d", len(g.Names)), g: g, order: g.Order()}
	t.pos = make(map[string]int, len(t.order))
	for i, m := range t.order {
		t.pos[m] = i
	}
	return t, nil
}

// Graph is the task's validated module graph.
func (t *Task) Graph() *scenario.Graph { return t.g }

// Order is the reference build order: what a run must decide, step by step.
func (t *Task) Order() []string { return slices.Clone(t.order) }

// Name implements [maker.Task].
func (t *Task) Name() string { return t.name }

// Initial implements [maker.Task]: the modules without dependencies are
// ready and nothing waits.
func (t *Task) Initial() State { return State{Ready: t.g.Roots(), Waiting: map[string]int{}} }

// Steps implements [maker.Task]: one step per module.
func (t *Task) Steps() int { return len(t.g.Names) }

// Done implements [maker.Task]: nothing is ready and nothing waits.
func (t *Task) Done(s State, _ int) bool { return len(s.Ready) == 0 && len(s.Waiting) == 0 }

// Parse implements [maker.Task] with the strict red-flagging parser.
func (t *Task) Parse(text string) (maker.Candidate[State], error) {
	m, s, err := t.ParseAnswer(text)
	if err != nil {
		return maker.Candidate[State]{}, err
	}
	return maker.Candidate[State]{Action: m, State: s}, nil
}

// Key implements [maker.Task]: the module and the state, sorted and without
// spaces, so answers that list the same sets in another order agree.
func (t *Task) Key(c maker.Candidate[State]) string {
	return c.Action + "|" + scenario.CompactList(scenario.Sorted(c.State.Ready)) + "|" + scenario.CompactCounts(c.State.Waiting)
}

// Next is the procedure: the module to build from s and the state after
// it. ok is false when nothing is ready.
func (t *Task) Next(s State) (string, State, bool) {
	if len(s.Ready) == 0 {
		return "", State{}, false
	}
	x := slices.Min(s.Ready)
	return x, t.g.Finish(s.Take(x), x), true
}

// Check implements [maker.Checker]. It names the rule a decided step
// breaks: a module built before its dependencies, the tie-break, a wrong
// next state, or a module out of the reference order (which means an
// earlier step went wrong).
func (t *Task) Check(step int, before State, c maker.Candidate[State]) error {
	x := c.Action
	want, next, ok := t.Next(before)
	if !ok {
		return fmt.Errorf("built %s, but the ready list was empty", x)
	}
	if !slices.Contains(before.Ready, x) {
		if n, waits := before.Waiting[x]; waits {
			return fmt.Errorf("dependency broken: built %s while %d of its dependencies (%s) were not built", x, n, strings.Join(t.g.Deps[x], ", "))
		}
		if p, ok := t.pos[x]; ok && p < step {
			return fmt.Errorf("built %s again: it was built at step %d", x, p+1)
		}
		if len(t.g.Deps[x]) == 0 {
			return fmt.Errorf("built %s, which is not in the ready list", x)
		}
		return fmt.Errorf("dependency broken: built %s, which is not ready (it needs %s)", x, strings.Join(t.g.Deps[x], ", "))
	}
	if x != want {
		return fmt.Errorf("tie-break broken: built %s, but %s is the smallest ready module", x, want)
	}
	if !next.Equal(c.State) {
		return fmt.Errorf("wrong next state after building %s: ready = %s, waiting = %s; want ready = %s, waiting = %s",
			x, scenario.FormatList(scenario.Sorted(c.State.Ready)), scenario.FormatCounts(c.State.Waiting), scenario.FormatList(next.Ready), scenario.FormatCounts(next.Waiting))
	}
	if step >= len(t.order) || t.order[step] != x {
		ref := "none"
		if step < len(t.order) {
			ref = t.order[step]
		}
		return fmt.Errorf("built %s at step %d, but the build order has %s there: an earlier state was wrong", x, step+1, ref)
	}
	return nil
}

// Answer implements [maker.Oracle]: the right step and three wrong ones
// that look right. Wrong[0], which a simulated model repeats on its hard
// steps, breaks the tie-break (the second-smallest ready module, with the
// state that building it would give) or, with one ready module, builds a
// waiting module; Wrong[1] builds the right module but forgets to release
// its dependents; Wrong[2] builds the right module and releases them off by
// one.
func (t *Task) Answer(p maker.Prompt) (maker.Answer, error) {
	s, err := scenario.StateOf(p, t.ReadPrompt)
	if err != nil {
		return maker.Answer{}, err
	}
	x, next, ok := t.Next(s)
	if !ok {
		return maker.Answer{}, fmt.Errorf("deps: nothing is ready in %s", t.stateText(s))
	}
	right := render(x, next, "The smallest ready module is "+x+".")
	ans := maker.Answer{Right: right}
	add := func(text string) { scenario.AddWrong(&ans, text) }
	// Wrong 0: the tie-break, or a dependency, broken.
	if len(s.Ready) > 1 {
		ready := scenario.Sorted(s.Ready)
		y := ready[1]
		add(render(y, t.g.Finish(s.Take(y), y), "I will build "+y+"."))
	} else if w := scenario.SortedKeys(s.Waiting); len(w) > 0 {
		y := w[0]
		f := s.Clone()
		delete(f.Waiting, y)
		add(render(y, t.g.Finish(f, y), "I will build "+y+"."))
	}
	// Wrong 1: the dependents of x not released.
	add(render(x, s.Take(x), "The smallest ready module is "+x+"."))
	// Wrong 2: the counts off by one: a released module kept waiting at 1,
	// or, when none is released, the ready list keeps x.
	off := next.Clone()
	moved := false
	for _, d := range t.g.Dependents[x] {
		if slices.Contains(off.Ready, d) {
			off = off.Take(d)
			off.Waiting[d] = 1
			moved = true
			break
		}
	}
	if !moved {
		off.Ready = scenario.Sorted(append(off.Ready, x))
	}
	add(render(x, off, "The smallest ready module is "+x+"."))
	return ans, nil
}

// ReadPrompt recovers the state from a prompt this task rendered, for the
// simulator behind HTTP where the hint is lost. Text that is not such a
// prompt gives [maker.ErrNotMine].
func (t *Task) ReadPrompt(user string) (State, error) {
	r, err1 := scenario.Field(user, promptKeys[0])
	w, err2 := scenario.Field(user, promptKeys[1])
	if err1 != nil || err2 != nil || !strings.Contains(user, "Facts about the modules") {
		return State{}, maker.ErrNotMine
	}
	ready, err := scenario.ParseList(r)
	if err != nil {
		return State{}, fmt.Errorf("%w: %v", maker.ErrNotMine, err)
	}
	waiting, err := scenario.ParseCounts(w)
	if err != nil {
		return State{}, fmt.Errorf("%w: %v", maker.ErrNotMine, err)
	}
	for _, n := range append(slices.Clone(ready), scenario.SortedKeys(waiting)...) {
		if _, ok := t.g.Deps[n]; !ok {
			return State{}, fmt.Errorf("%w: %q is not a module of this instance", maker.ErrNotMine, n)
		}
	}
	return State{Ready: scenario.Sorted(ready), Waiting: waiting}, nil
}

func (t *Task) stateText(s State) string {
	return "ready = " + scenario.FormatList(s.Ready) + ", waiting = " + scenario.FormatCounts(s.Waiting)
}

func render(x string, s State, lead string) string {
	return fmt.Sprintf("%s\nbuild = %s\nnext_ready = %s\nnext_waiting = %s", lead, x, scenario.FormatList(scenario.Sorted(s.Ready)), scenario.FormatCounts(s.Waiting))
}
