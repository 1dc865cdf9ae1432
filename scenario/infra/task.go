package infra

import (
	"fmt"
	"slices"
	"strings"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/scenario"
)

// Task is one provisioning rollout as a [maker.Task]. It also implements
// [maker.Checker] and [maker.Oracle].
type Task struct {
	p      *rollout
	system string
	ref    []Action // the reference sequence of events
}

var (
	_ maker.Task[State]    = (*Task)(nil)
	_ maker.Checker[State] = (*Task)(nil)
	_ maker.Oracle         = (*Task)(nil)
)

// New validates the instance and returns its task.
func New(in *Instance) (*Task, error) {
	p, err := in.validate()
	if err != nil {
		return nil, err
	}
	t := &Task{p: p, system: fmt.Sprintf(systemPrompt, p.parallel, p.parallel)}
	t.ref = scenario.Trace(t.Initial(), t.Next)
	return t, nil
}

// Reference is the sequence of events the rule gives: what a run must
// decide, step by step.
func (t *Task) Reference() []Action { return slices.Clone(t.ref) }

// Resources is the number of resources.
func (t *Task) Resources() int { return len(t.p.g.Names) }

// Name implements [maker.Task].
func (t *Task) Name() string { return fmt.Sprintf("infra-%d", len(t.p.g.Names)) }

// Initial implements [maker.Task]: minute 0, nothing provisioning, the
// resources without dependencies ready.
func (t *Task) Initial() State {
	return State{Provisioning: []Job{}, Frontier: scenario.Frontier{Ready: t.p.g.Roots(), Waiting: map[string]int{}}}
}

// Steps implements [maker.Task]: every resource is started once and
// completed once.
func (t *Task) Steps() int { return 2 * len(t.p.g.Names) }

// Done implements [maker.Task]: nothing provisioning, ready or waiting.
func (t *Task) Done(s State, _ int) bool {
	return len(s.Provisioning) == 0 && len(s.Ready) == 0 && len(s.Waiting) == 0
}

// Parse implements [maker.Task] with the strict red-flagging parser.
func (t *Task) Parse(text string) (maker.Candidate[State], error) {
	a, s, err := t.ParseAnswer(text)
	if err != nil {
		return maker.Candidate[State]{}, err
	}
	return maker.Candidate[State]{Action: a.String(), State: s}, nil
}

// Key implements [maker.Task]: the action and the state with its lists
// sorted and without spaces.
func (t *Task) Key(c maker.Candidate[State]) string { return c.Action + "|" + c.State.compact() }

// Next is the rule: the event that follows s and the state after it. ok is
// false when nothing is provisioning or ready.
func (t *Task) Next(s State) (Action, State, bool) {
	if len(s.Provisioning) < t.p.parallel && len(s.Ready) > 0 {
		x := slices.Min(s.Ready)
		return Action{Start, x}, t.start(s, x), true
	}
	if len(s.Provisioning) > 0 {
		j := sortedJobs(s.Provisioning)[0]
		return Action{Complete, j.Name}, t.complete(s, j), true
	}
	return Action{}, State{}, false
}

// start is s after x starts: off the ready list, provisioning until the
// clock plus its minutes.
func (t *Task) start(s State, x string) State {
	n := s.Clone()
	n.Frontier = n.Take(x)
	delete(n.Waiting, x)
	n.Provisioning = sortedJobs(append(n.Provisioning, Job{Name: x, Finish: s.Clock + t.p.minutes[x]}))
	return n
}

// complete is s after job j completes: the clock at its finish minute, and
// its dependents released.
func (t *Task) complete(s State, j Job) State {
	n := s.Clone()
	n.Clock = j.Finish
	n.Provisioning = slices.DeleteFunc(n.Provisioning, func(o Job) bool { return o.Name == j.Name })
	n.Frontier = t.p.g.Finish(n.Frontier, j.Name)
	return n
}

func (s State) job(name string) (Job, bool) {
	for _, j := range s.Provisioning {
		if j.Name == name {
			return j, true
		}
	}
	return Job{}, false
}

// Check implements [maker.Checker]. It names the rule a decided event
// breaks: starting a resource before its dependencies are complete, more
// than the limit provisioning, the smallest-name tie-break, completing out
// of finish order, a wrong next state, or an event out of the reference
// sequence (an earlier state was wrong).
func (t *Task) Check(step int, before State, c maker.Candidate[State]) error {
	a, err := ParseAction(c.Action)
	if err != nil {
		return err
	}
	want, next, ok := t.Next(before)
	if !ok {
		return fmt.Errorf("%s, but nothing was provisioning or ready", a)
	}
	switch a.Verb {
	case Start:
		if _, running := before.job(a.Name); running {
			return fmt.Errorf("started %s, which was already provisioning", a.Name)
		}
		if !slices.Contains(before.Ready, a.Name) {
			return fmt.Errorf("dependency broken: started %s before its dependencies (%v) were complete", a.Name, t.p.g.Deps[a.Name])
		}
		if len(before.Provisioning) >= t.p.parallel {
			return fmt.Errorf("limit broken: started %s while %d resources were provisioning (limit %d)", a.Name, len(before.Provisioning), t.p.parallel)
		}
		if want.Verb == Start && a.Name != want.Name {
			return fmt.Errorf("tie-break broken: started %s, but %s is the smallest ready resource", a.Name, want.Name)
		}
	case Complete:
		j, running := before.job(a.Name)
		if !running {
			return fmt.Errorf("completed %s, which was not provisioning", a.Name)
		}
		if want.Verb == Start {
			return fmt.Errorf("rule A skipped: completed %s while only %d of %d were provisioning and %s was ready", a.Name, len(before.Provisioning), t.p.parallel, want.Name)
		}
		if a.Name != want.Name {
			first, _ := before.job(want.Name)
			return fmt.Errorf("finish order broken: completed %s (finishes at %d) before %s (finishes at %d)", a.Name, j.Finish, want.Name, first.Finish)
		}
	}
	if !next.Equal(c.State) {
		return fmt.Errorf("wrong next state after %s: got\n%s\nwant\n%s", a, c.State.lines("next_"), next.lines("next_"))
	}
	if step >= len(t.ref) || t.ref[step] != a {
		ref := "nothing"
		if step < len(t.ref) {
			ref = t.ref[step].String()
		}
		return fmt.Errorf("event %d is %q, but the reference sequence has %q: an earlier state was wrong", step+1, a, ref)
	}
	return nil
}

// Answer implements [maker.Oracle]: the right event and wrong ones that
// look right. Wrong[0] breaks the rule with a consistent state (the
// second-smallest ready resource, a completion while rule A applies, a
// start beyond the limit, or the second-earliest completion); Wrong[1] is
// the right event with an arithmetic slip (a finish minute off by one, or
// the clock not moved); Wrong[2] is the right event with the finish minute
// not based on the clock, or with the frontier not updated. It reads the
// prompt's hint, or the prompt's text when the hint was lost (see
// [Task.ReadPrompt]).
func (t *Task) Answer(p maker.Prompt) (maker.Answer, error) {
	s, err := scenario.StateOf(p, t.ReadPrompt)
	if err != nil {
		return maker.Answer{}, err
	}
	a, next, ok := t.Next(s)
	if !ok {
		return maker.Answer{}, fmt.Errorf("infra: no event follows clock %d with nothing provisioning or ready", s.Clock)
	}
	right := render(a, next, "Following the rule, the next event is "+a.String()+".")
	ans := maker.Answer{Right: right}
	add := func(b Action, st State) {
		scenario.AddWrong(&ans, render(b, st, "Following the rule, the next event is "+b.String()+"."))
	}
	jobs := sortedJobs(s.Provisioning)
	ready := scenario.Sorted(s.Ready)
	// Wrong 0: the rule broken, with the state that event would give.
	switch {
	case a.Verb == Start && len(ready) > 1:
		add(Action{Start, ready[1]}, t.start(s, ready[1]))
	case a.Verb == Start && len(jobs) > 0:
		add(Action{Complete, jobs[0].Name}, t.complete(s, jobs[0]))
	case a.Verb == Complete && len(ready) > 0:
		add(Action{Start, ready[0]}, t.start(s, ready[0]))
	case a.Verb == Complete && len(jobs) > 1:
		add(Action{Complete, jobs[1].Name}, t.complete(s, jobs[1]))
	}
	// Wrong 1: an arithmetic slip.
	slip := next.Clone()
	if a.Verb == Start {
		for i := range slip.Provisioning {
			if slip.Provisioning[i].Name == a.Name {
				slip.Provisioning[i].Finish++
			}
		}
	} else if slip.Clock != s.Clock {
		slip.Clock = s.Clock
	} else {
		slip.Clock++
	}
	add(a, slip)
	// Wrong 2: a start with the finish minute not based on the clock (or
	// two off), or a completion with the frontier not updated.
	if a.Verb == Start {
		drift := next.Clone()
		for i := range drift.Provisioning {
			if j := &drift.Provisioning[i]; j.Name == a.Name {
				if s.Clock > 0 {
					j.Finish = t.p.minutes[a.Name]
				} else {
					j.Finish += 2
				}
			}
		}
		add(a, drift)
	} else {
		stale := next.Clone()
		stale.Frontier = s.Frontier.Clone()
		if stale.Frontier.Equal(next.Frontier) {
			stale.Waiting[a.Name] = 1
		}
		add(a, stale)
	}
	return ans, nil
}

// ReadPrompt recovers the state from a prompt this task rendered, for the
// simulator behind HTTP where the hint is lost. Text that is not such a
// prompt gives [maker.ErrNotMine].
func (t *Task) ReadPrompt(user string) (State, error) {
	if !strings.Contains(user, "Facts about the resources") {
		return State{}, maker.ErrNotMine
	}
	var v [4]string
	for i, k := range promptKeys {
		f, err := scenario.Field(user, k)
		if err != nil {
			return State{}, maker.ErrNotMine
		}
		v[i] = f
	}
	s, err := t.parseState(v[0], v[1], v[2], v[3])
	if err != nil {
		return State{}, fmt.Errorf("%w: %v", maker.ErrNotMine, err)
	}
	return s, nil
}

func render(a Action, s State, lead string) string {
	return lead + "\naction = " + a.String() + "\n" + s.lines("next_")
}
