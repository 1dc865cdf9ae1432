package infra

import (
	"fmt"
	"strings"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/scenario"
)

// keys are the answer lines; promptKeys the state lines of a prompt, which
// the oracle reads when the hint is lost.
var (
	keys       = []string{"action", "next_clock", "next_provisioning", "next_ready", "next_waiting"}
	promptKeys = []string{"clock", "provisioning", "ready", "waiting"}
)

// Verbs of an action.
const (
	Start    = "start"
	Complete = "complete"
)

// Action is one event: start or complete a resource.
type Action struct {
	Verb string // Start or Complete
	Name string
}

// String renders the action as the answer writes it: "start prod-vpc".
func (a Action) String() string { return a.Verb + " " + a.Name }

// ParseAction reads "start NAME" or "complete NAME", exactly one space
// apart.
func ParseAction(s string) (Action, error) {
	verb, name, ok := strings.Cut(s, " ")
	if !ok || (verb != Start && verb != Complete) {
		return Action{}, fmt.Errorf("infra: %w: action %q is not \"start <name>\" or \"complete <name>\"", maker.ErrMalformed, s)
	}
	if err := scenario.CheckName(name); err != nil {
		return Action{}, fmt.Errorf("infra: %w: action %q: %v", maker.ErrMalformed, s, err)
	}
	return Action{Verb: verb, Name: name}, nil
}

// ParseAnswer strictly reads the five answer lines. Every name must be a
// resource of the instance and appear in at most one list. Nothing is
// repaired, and no rule is checked here: that is the checker's business,
// after the vote.
func (t *Task) ParseAnswer(text string) (Action, State, error) {
	v, err := scenario.Fields(text, keys...)
	if err != nil {
		return Action{}, State{}, err
	}
	a, err := ParseAction(v[0])
	if err != nil {
		return Action{}, State{}, err
	}
	if _, ok := t.p.minutes[a.Name]; !ok {
		return Action{}, State{}, fmt.Errorf("infra: %w: action names %q, which is not a resource", maker.ErrMalformed, a.Name)
	}
	s, err := t.parseState(v[1], v[2], v[3], v[4])
	if err != nil {
		return Action{}, State{}, err
	}
	return a, s, nil
}

// parseState reads the four state values (clock, provisioning, ready,
// waiting) strictly.
func (t *Task) parseState(clock, prov, ready, waiting string) (State, error) {
	var s State
	var err error
	if s.Clock, err = scenario.Atoi(clock); err != nil {
		return State{}, fmt.Errorf("clock: %w", err)
	}
	if s.Provisioning, err = parseJobs(prov); err != nil {
		return State{}, fmt.Errorf("provisioning: %w", err)
	}
	if s.Ready, err = scenario.ParseList(ready); err != nil {
		return State{}, fmt.Errorf("ready: %w", err)
	}
	s.Ready = scenario.Sorted(s.Ready)
	if s.Waiting, err = scenario.ParseCounts(waiting); err != nil {
		return State{}, fmt.Errorf("waiting: %w", err)
	}
	seen := map[string]string{}
	note := func(name, list string) error {
		if _, ok := t.p.minutes[name]; !ok {
			return fmt.Errorf("infra: %w: %s names %q, which is not a resource", maker.ErrMalformed, list, name)
		}
		if other, dup := seen[name]; dup {
			return fmt.Errorf("infra: %w: %s is in both %s and %s", maker.ErrMalformed, name, other, list)
		}
		seen[name] = list
		return nil
	}
	for _, j := range s.Provisioning {
		if err := note(j.Name, "provisioning"); err != nil {
			return State{}, err
		}
	}
	for _, r := range s.Ready {
		if err := note(r, "ready"); err != nil {
			return State{}, err
		}
	}
	for w := range s.Waiting {
		if err := note(w, "waiting"); err != nil {
			return State{}, err
		}
	}
	return s, nil
}
