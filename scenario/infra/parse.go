package infra

import (
	"fmt"
	"strings"

	"github.com/maker-go/maker/scenario/scenutil"
)

var keys = scenutil.MustKeys("action", "next_clock", "next_provisioning", "next_ready", "next_waiting")

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
		return Action{}, fmt.Errorf("%w: action %q is not \"start <name>\" or \"complete <name>\"", scenutil.ErrFormat, s)
	}
	if err := scenutil.CheckName(name); err != nil {
		return Action{}, fmt.Errorf("%w: action %q: %v", scenutil.ErrFormat, s, err)
	}
	return Action{Verb: verb, Name: name}, nil
}

// ParseAnswer strictly reads the five answer lines. Every name must be a
// resource of the instance and appear in at most one list. Nothing is
// repaired, and no rule is checked here: that is the checker's business,
// after the vote.
func (t *Task) ParseAnswer(text string) (Action, State, error) {
	var v [5]string
	for i, k := range keys {
		s, err := scenutil.Field(text, k)
		if err != nil {
			return Action{}, State{}, err
		}
		v[i] = s
	}
	a, err := ParseAction(v[0])
	if err != nil {
		return Action{}, State{}, err
	}
	var s State
	if s.Clock, err = scenutil.Atoi(v[1]); err != nil {
		return Action{}, State{}, fmt.Errorf("next_clock: %w", err)
	}
	if s.Provisioning, err = parseJobs(v[2]); err != nil {
		return Action{}, State{}, fmt.Errorf("next_provisioning: %w", err)
	}
	if s.Ready, err = scenutil.ParseList(v[3]); err != nil {
		return Action{}, State{}, fmt.Errorf("next_ready: %w", err)
	}
	s.Ready = scenutil.Sorted(s.Ready)
	if s.Waiting, err = scenutil.ParseCounts(v[4]); err != nil {
		return Action{}, State{}, fmt.Errorf("next_waiting: %w", err)
	}
	seen := map[string]string{}
	note := func(name, list string) error {
		if _, ok := t.p.minutes[name]; !ok {
			return fmt.Errorf("%w: %s names %q, which is not a resource", scenutil.ErrFormat, list, name)
		}
		if other, dup := seen[name]; dup {
			return fmt.Errorf("%w: %s is in both %s and %s", scenutil.ErrFormat, name, other, list)
		}
		seen[name] = list
		return nil
	}
	if _, ok := t.p.minutes[a.Name]; !ok {
		return Action{}, State{}, fmt.Errorf("%w: action names %q, which is not a resource", scenutil.ErrFormat, a.Name)
	}
	for _, j := range s.Provisioning {
		if err := note(j.Name, "next_provisioning"); err != nil {
			return Action{}, State{}, err
		}
	}
	for _, r := range s.Ready {
		if err := note(r, "next_ready"); err != nil {
			return Action{}, State{}, err
		}
	}
	for w := range s.Waiting {
		if err := note(w, "next_waiting"); err != nil {
			return Action{}, State{}, err
		}
	}
	return a, s, nil
}
