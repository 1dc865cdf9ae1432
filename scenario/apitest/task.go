package apitest

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/scenario"
)

// Task runs a suite against a live service as a [maker.Task]. It is also
// the [maker.Executor] (the winning action is carried out: tests really run
// in background slots), the [maker.Checker] (each decided action against
// the procedure) and the simulator's [maker.Oracle].
type Task struct {
	inst  *Instance
	steps int
	sys   string
	cl    client

	mu      sync.Mutex
	running map[string]chan Result
}

var (
	_ maker.Task[State]     = (*Task)(nil)
	_ maker.Executor[State] = (*Task)(nil)
	_ maker.Checker[State]  = (*Task)(nil)
	_ maker.Oracle          = (*Task)(nil)
)

// New returns the task for inst against the service at baseURL.
func New(inst *Instance, baseURL string) (*Task, error) {
	if err := inst.Validate(); err != nil {
		return nil, err
	}
	steps, _ := inst.Reference()
	return &Task{
		inst:    inst,
		steps:   steps,
		sys:     systemPrompt(inst),
		cl:      client{base: baseURL, http: &http.Client{Timeout: 10 * time.Second}},
		running: map[string]chan Result{},
	}, nil
}

// Instance is the suite the task runs.
func (t *Task) Instance() *Instance { return t.inst }

// Name implements [maker.Task].
func (t *Task) Name() string { return fmt.Sprintf("apitest-%d", len(t.inst.Tests)) }

// Initial implements [maker.Task].
func (t *Task) Initial() State { return t.inst.Initial() }

// Steps implements [maker.Task]: the length of the procedure's run against
// the injected faults (see [Instance.Reference]).
func (t *Task) Steps() int { return t.steps }

// Done implements [maker.Task].
func (t *Task) Done(s State, _ int) bool { return t.inst.Finished(s) }

func systemPrompt(in *Instance) string {
	var b strings.Builder
	fmt.Fprintf(&b, `You run an API test suite against a live HTTP service, one decision at a time.

The suite, one test a line (id, operation, user, name sent, dependencies, critical):
`)
	for _, t := range in.Tests {
		b.WriteString(t.describe())
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, `
At most %d tests run at once, and a test may be tried %d times in all.

Procedure: take the first rule that applies.
1. skip: if a pending test has a dependency that was skipped, or a critical dependency that failed for good, skip the lowest-numbered such test: "skip tNN".
2. retry: if fewer than %d tests are running and a test failed with attempts left, retry the lowest-numbered such test with its inputs: "retry tNN INPUTS".
3. start: if fewer than %d tests are running and a pending test's dependencies have all finished (passed, or failed for good and not critical), start the lowest-numbered such test with its inputs: "start tNN INPUTS".
4. await: otherwise wait for the running test that started first: "await tNN".

Inputs come from the shared data, where uN is the id the service gave user uN and uN.name the name it holds now:
create: name=NAME   update: id=uN name=NAME   get: id=uN name=uN.name
audit: id=uN   list: ids=uA,uB,... (its users in order)   delete: id=uN

Answer with the action and the tests you expect to be running after it, oldest first, exactly like this on their own lines:
action = start t02 id=1 name=ann1-v2
expected = running=t01,t02
(or expected = running=none when none will be running)`, in.MaxParallel, in.MaxAttempts, in.MaxParallel, in.MaxParallel)
	return b.String()
}

// Hint is what the task attaches to its prompts for its oracle.
type Hint = scenario.Hint[State]

// Prompt implements [maker.Task]: the previous action, the last result,
// every test's status, the running tests and the shared data.
func (t *Task) Prompt(s State, prev string, step int) maker.Prompt {
	shown := prev
	if shown == "" {
		shown = "none (this is the first decision)"
	}
	running := "none"
	if len(s.Running) > 0 {
		running = strings.Join(s.Running, ",")
	}
	user := fmt.Sprintf(`Previous action: %s
Last result: %s
Tests: %s
Running (oldest first): %s
Shared data: %s

Decide the next action by the procedure.`, shown, s.Last, s.statusLine(t.inst), running, s.varsLine())
	return maker.Prompt{System: t.sys, User: user, Hint: Hint{State: s, Prev: prev}}
}

// Parse implements [maker.Task]: the two answer lines, a well-formed action
// on a test of the suite and a well-formed expected running list.
func (t *Task) Parse(text string) (maker.Candidate[State], error) {
	a, e, err := scenario.ParseStep(text, func(s string) (string, error) {
		a, err := ParseAction(t.inst, s)
		if err != nil {
			return "", err
		}
		return a.String(), nil
	}, parseExpect)
	if err != nil {
		return maker.Candidate[State]{}, err
	}
	return maker.Candidate[State]{Action: a, State: State{Expect: e}}, nil
}

// Key implements [maker.Task]: the canonical action and the expected
// running list. The list is part of the key because it is the agent's
// prediction of what the action does to the slots; a sample that names the
// right test but the wrong effect did not follow the procedure.
func (t *Task) Key(c maker.Candidate[State]) string {
	return scenario.Key(c.Action, c.State.Expect)
}

// Execute implements [maker.Executor]: start and retry launch the test in a
// slot (its requests run in the background), await blocks until that test
// has finished and records its result, skip marks it skipped. An action the
// procedure forbids is still carried out when the world allows it (the
// checker reports it); one the world cannot do (await a test that is not
// running) leaves the state unchanged with the refusal as the last result.
func (t *Task) Execute(ctx context.Context, s State, w maker.Candidate[State]) (State, error) {
	a, err := ParseAction(t.inst, w.Action)
	if err != nil {
		return s, err
	}
	i := t.inst.index(a.Test)
	refuse := func(why string) (State, error) {
		n := s.Clone()
		n.Last = fmt.Sprintf("refused %q: %s", a, why)
		return n, nil
	}
	switch a.Verb {
	case VerbSkip:
		if s.Tests[i].Status != Pending {
			return refuse("the test is " + s.Tests[i].Status.String())
		}
		n := s.Clone()
		n.Tests[i].Status = Skipped
		n.Last = a.Test + " skipped"
		return n, nil
	case VerbStart, VerbRetry:
		st := s.Tests[i]
		switch {
		case st.Status == Running:
			return refuse("the test is already running")
		case a.Verb == VerbStart && st.Status != Pending:
			return refuse("the test is " + st.Status.String())
		case a.Verb == VerbRetry && st.Status != Failed:
			return refuse("only a failed test can be retried")
		}
		n := begin(s, i, a.Test)
		n.Last = fmt.Sprintf("%s started (attempt %d)", a.Test, n.Tests[i].Attempts)
		done := make(chan Result, 1)
		t.mu.Lock()
		t.running[a.Test] = done
		t.mu.Unlock()
		// The step ends once the service has answered the attempt's first
		// request; the rest of the test runs on beside the next steps.
		// Users are numbered in the order their creations arrive, so the
		// suite's data is then the same on every run of the same steps,
		// which is what lets a resumed run rebuild the service.
		answered := make(chan struct{})
		go func(test Test, attempt int) {
			done <- t.cl.run(context.WithoutCancel(ctx), test, attempt, a, sync.OnceFunc(func() { close(answered) }))
		}(t.inst.Tests[i], n.Tests[i].Attempts)
		select {
		case <-answered:
		case <-ctx.Done():
		}
		return n, nil
	case VerbAwait:
		t.mu.Lock()
		done, ok := t.running[a.Test]
		delete(t.running, a.Test)
		t.mu.Unlock()
		if !ok {
			return refuse("the test is not running")
		}
		select {
		case r := <-done:
			return finish(s, i, a.Test, r), nil
		case <-ctx.Done():
			return s, ctx.Err()
		}
	}
	return s, fmt.Errorf("apitest: unknown verb %q", a.Verb)
}

// Wait blocks until every test still running in the background has
// finished, so a run that stopped early leaves no request in flight.
func (t *Task) Wait() {
	t.mu.Lock()
	chans := make([]chan Result, 0, len(t.running))
	for id, c := range t.running {
		chans = append(chans, c)
		delete(t.running, id)
	}
	t.mu.Unlock()
	for _, c := range chans {
		<-c
	}
}

// Check implements [maker.Checker]: the decided action must be the one the
// procedure prescribes from the state it was decided in, and the expected
// running list must be what that action does to the slots.
func (t *Task) Check(_ int, before State, c maker.Candidate[State]) error {
	a, err := ParseAction(t.inst, c.Action)
	if err != nil {
		return err
	}
	want, ok := t.inst.Next(before)
	if !ok {
		return fmt.Errorf("%q decided after the suite finished", a)
	}
	if a.String() != want.String() {
		return fmt.Errorf("%s: the procedure prescribes %q", t.violation(before, a), want)
	}
	if exp := Expected(before, a); c.State.Expect != exp {
		return fmt.Errorf("%q leads to %s, but the agent expected %s", a, exp, c.State.Expect)
	}
	return nil
}

// violation names the rule a wrong action breaks, for the report.
func (t *Task) violation(s State, a Action) string {
	i := t.inst.index(a.Test)
	in := t.inst
	switch a.Verb {
	case VerbStart, VerbRetry:
		if len(s.Running) >= in.MaxParallel {
			return fmt.Sprintf("%q would run %d tests at once (at most %d)", a, len(s.Running)+1, in.MaxParallel)
		}
		if a.Verb == VerbStart && !in.ready(s, i) {
			return fmt.Sprintf("%q starts %s before its dependencies %s finished", a, a.Test, strings.Join(in.Tests[i].Deps, ","))
		}
		if a.Verb == VerbRetry && s.Tests[i].Attempts >= in.MaxAttempts {
			return fmt.Sprintf("%q retries %s after its %d attempts", a, a.Test, in.MaxAttempts)
		}
		if want := in.Inputs(s, i); (Action{Verb: a.Verb, Test: a.Test, Inputs: want}).String() != a.String() {
			return fmt.Sprintf("%q sends inputs that are not the shared data's", a)
		}
	case VerbSkip:
		if !in.blocked(s, i) {
			return fmt.Sprintf("%q skips a test whose critical dependencies did not fail", a)
		}
	}
	return fmt.Sprintf("%q is out of the procedure's order", a)
}
