package apitest

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/maker-go/maker"
)

// Verbs of an action.
const (
	VerbStart = "start"
	VerbRetry = "retry"
	VerbSkip  = "skip"
	VerbAwait = "await"
)

// Action is one decision: a verb, a test and, for start and retry, the
// inputs in the operation's order.
type Action struct {
	Verb   string
	Test   string
	Inputs []Input
}

// Input is one key=value input of a test.
type Input struct{ Key, Value string }

// String is the canonical spelling: "start t02 id=1 name=ann-v2".
func (a Action) String() string {
	var b strings.Builder
	b.WriteString(a.Verb)
	b.WriteByte(' ')
	b.WriteString(a.Test)
	for _, in := range a.Inputs {
		fmt.Fprintf(&b, " %s=%s", in.Key, in.Value)
	}
	return b.String()
}

func (a Action) input(key string) string {
	for _, in := range a.Inputs {
		if in.Key == key {
			return in.Value
		}
	}
	return ""
}

var valueRe = regexp.MustCompile(`^[A-Za-z0-9,.-]+$`)

// ParseAction reads an action strictly: a known verb, a test of the suite
// and, for start and retry, exactly the operation's inputs in order.
// Whether the action is the right one is the checker's business.
func ParseAction(in *Instance, text string) (Action, error) {
	f := strings.Fields(text)
	if len(f) < 2 {
		return Action{}, fmt.Errorf("apitest: %w: %q needs a verb and a test", maker.ErrMalformed, text)
	}
	a := Action{Verb: f[0], Test: f[1]}
	i := in.index(a.Test)
	if i < 0 {
		return Action{}, fmt.Errorf("apitest: %w: no test %q in the suite", maker.ErrMalformed, a.Test)
	}
	switch a.Verb {
	case VerbSkip, VerbAwait:
		if len(f) != 2 {
			return Action{}, fmt.Errorf("apitest: %w: %s takes no inputs", maker.ErrMalformed, a.Verb)
		}
		return a, nil
	case VerbStart, VerbRetry:
	default:
		return Action{}, fmt.Errorf("apitest: %w: unknown verb %q (want start, retry, skip or await)", maker.ErrMalformed, a.Verb)
	}
	keys := inputKeys[in.Tests[i].Op]
	if len(f)-2 != len(keys) {
		return Action{}, fmt.Errorf("apitest: %w: %s %s takes inputs %s", maker.ErrMalformed, a.Verb, a.Test, strings.Join(keys, " "))
	}
	for j, key := range keys {
		k, v, ok := strings.Cut(f[2+j], "=")
		if !ok || k != key || !valueRe.MatchString(v) {
			return Action{}, fmt.Errorf("apitest: %w: input %q, want %s=VALUE", maker.ErrMalformed, f[2+j], key)
		}
		a.Inputs = append(a.Inputs, Input{Key: k, Value: v})
	}
	return a, nil
}

var expectRe = regexp.MustCompile(`^running=(none|t[0-9]{2,}(,t[0-9]{2,})*)$`)

// parseExpect checks the expected summary's form: running=none or
// running=t01,t03.
func parseExpect(s string) (string, error) {
	s = strings.Join(strings.Fields(s), "")
	if !expectRe.MatchString(s) {
		return "", fmt.Errorf("apitest: %w: expected %q, want running=none or running=tNN,tNN", maker.ErrMalformed, s)
	}
	return s, nil
}

// finalFailed reports whether test i failed with no attempt left.
func (in *Instance) finalFailed(s State, i int) bool {
	return s.Tests[i].Status == Failed && s.Tests[i].Attempts >= in.MaxAttempts
}

// blocked reports whether a dependency of test i was skipped, or was
// critical and failed for good: the test must be skipped.
func (in *Instance) blocked(s State, i int) bool {
	for _, d := range in.Tests[i].Deps {
		j := in.index(d)
		if s.Tests[j].Status == Skipped || (in.Tests[j].Critical && in.finalFailed(s, j)) {
			return true
		}
	}
	return false
}

// ready reports whether every dependency of test i has finished in a way
// that lets it run: passed, or failed for good and not critical.
func (in *Instance) ready(s State, i int) bool {
	for _, d := range in.Tests[i].Deps {
		j := in.index(d)
		if s.Tests[j].Status != Passed && (in.Tests[j].Critical || !in.finalFailed(s, j)) {
			return false
		}
	}
	return true
}

// Inputs are the inputs test i takes from the shared data.
func (in *Instance) Inputs(s State, i int) []Input {
	t := in.Tests[i]
	switch t.Op {
	case OpCreate:
		return []Input{{"name", t.Name}}
	case OpUpdate:
		return []Input{{"id", s.Vars[t.User]}, {"name", t.Name}}
	case OpGet:
		return []Input{{"id", s.Vars[t.User]}, {"name", s.Vars[t.User+".name"]}}
	case OpList:
		ids := make([]string, len(t.Users))
		for j, u := range t.Users {
			ids[j] = s.Vars[u]
		}
		return []Input{{"ids", strings.Join(ids, ",")}}
	}
	return []Input{{"id", s.Vars[t.User]}}
}

// Next is the procedure the prompt states: the one right action from s.
// ok is false when the suite is finished.
func (in *Instance) Next(s State) (a Action, ok bool) {
	for i, ts := range s.Tests {
		if ts.Status == Pending && in.blocked(s, i) {
			return Action{Verb: VerbSkip, Test: in.Tests[i].ID}, true
		}
	}
	if len(s.Running) < in.MaxParallel {
		for i, ts := range s.Tests {
			if ts.Status == Failed && ts.Attempts < in.MaxAttempts {
				return Action{Verb: VerbRetry, Test: in.Tests[i].ID, Inputs: in.Inputs(s, i)}, true
			}
		}
		for i, ts := range s.Tests {
			if ts.Status == Pending && in.ready(s, i) {
				return Action{Verb: VerbStart, Test: in.Tests[i].ID, Inputs: in.Inputs(s, i)}, true
			}
		}
	}
	if len(s.Running) > 0 {
		return Action{Verb: VerbAwait, Test: s.Running[0]}, true
	}
	return Action{}, false
}

// Finished reports whether every test has ended and none is running.
func (in *Instance) Finished(s State) bool {
	if len(s.Running) > 0 {
		return false
	}
	for i, ts := range s.Tests {
		if ts.Status == Pending || ts.Status == Running || (ts.Status == Failed && !in.finalFailed(s, i)) {
			return false
		}
	}
	return true
}

// Initial is every test pending, nothing running, no shared data.
func (in *Instance) Initial() State {
	return State{Tests: make([]TestState, len(in.Tests)), Vars: map[string]string{}, Last: "none"}
}

// Expected is the summary an action leads to from s: the running list with
// the test added (start, retry) or removed (await).
func Expected(s State, a Action) string {
	n := State{Running: slices.Clone(s.Running)}
	switch a.Verb {
	case VerbStart, VerbRetry:
		n.Running = append(n.Running, a.Test)
	case VerbAwait:
		n.Running = slices.DeleteFunc(n.Running, func(id string) bool { return id == a.Test })
	}
	return n.Summary()
}

// Result is what running a test once reported.
type Result struct {
	Pass   bool
	Detail string
	// Vars are the shared data the test produced (create: the id and name;
	// update: the name).
	Vars map[string]string
}

// begin applies the bookkeeping of a start or retry, whatever the world
// does: the test is running, one more attempt.
func begin(s State, i int, id string) State {
	n := s.Clone()
	n.Tests[i].Status = Running
	n.Tests[i].Attempts++
	n.Running = append(n.Running, id)
	return n
}

// finish applies a test's result.
func finish(s State, i int, id string, r Result) State {
	n := s.Clone()
	n.Running = slices.DeleteFunc(n.Running, func(x string) bool { return x == id })
	if r.Pass {
		n.Tests[i].Status = Passed
		for k, v := range r.Vars {
			n.Vars[k] = v
		}
		n.Last = fmt.Sprintf("%s passed on attempt %d", id, n.Tests[i].Attempts)
	} else {
		n.Tests[i].Status = Failed
		n.Last = fmt.Sprintf("%s failed on attempt %d: %s", id, n.Tests[i].Attempts, r.Detail)
	}
	return n
}

// Reference plays the procedure against a model of the service that fails
// exactly the injected attempts, and returns the number of steps and the
// final statuses. It sets the task's step count (and so k_min) and is what
// a run's final state is compared with.
func (in *Instance) Reference() (steps int, final State) {
	s := in.Initial()
	ids := 0
	for {
		a, ok := in.Next(s)
		if !ok {
			return steps, s
		}
		steps++
		i := in.index(a.Test)
		switch a.Verb {
		case VerbSkip:
			s = s.Clone()
			s.Tests[i].Status = Skipped
		case VerbStart, VerbRetry:
			s = begin(s, i, a.Test)
		case VerbAwait:
			t := in.Tests[i]
			r := Result{Pass: s.Tests[i].Attempts > t.FailFirst, Detail: "503 injected"}
			if r.Pass && t.Op == OpCreate {
				ids++
				r.Vars = map[string]string{t.User: fmt.Sprint(ids), t.User + ".name": t.Name}
			}
			if r.Pass && t.Op == OpUpdate {
				r.Vars = map[string]string{t.User + ".name": t.Name}
			}
			s = finish(s, i, a.Test, r)
		}
	}
}
