package deploy

import (
	"context"
	"fmt"
	"strings"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/scenario"
)

// Task deploys a fleet as a [maker.Task]. It is also the
// [maker.Executor] (each action is carried out on the running fleet and
// the next state is what the fleet reports), the [maker.Checker] and the
// simulator's [maker.Oracle].
type Task struct {
	inst  *Instance
	fleet *Fleet
	steps int
	sys   string
}

var (
	_ maker.Task[State]     = (*Task)(nil)
	_ maker.Executor[State] = (*Task)(nil)
	_ maker.Checker[State]  = (*Task)(nil)
	_ maker.Oracle          = (*Task)(nil)
)

// New returns the task that deploys inst on the running fleet f.
func New(inst *Instance, f *Fleet) (*Task, error) {
	if err := inst.Validate(); err != nil {
		return nil, err
	}
	steps, _ := inst.Reference()
	return &Task{inst: inst, fleet: f, steps: steps, sys: systemPrompt(inst)}, nil
}

// Name implements [maker.Task].
func (t *Task) Name() string { return fmt.Sprintf("deploy-%d", t.inst.Total()) }

// Initial implements [maker.Task]: every instance on the old version, in
// rotation.
func (t *Task) Initial() State { return t.inst.initial() }

// Steps implements [maker.Task]: the procedure's length with the
// instance's bad version (see [Instance.Reference]).
func (t *Task) Steps() int { return t.steps }

// Done implements [maker.Task]: every service is done, rolled back or
// held.
func (t *Task) Done(s State, _ int) bool { return current(s) < 0 }

func systemPrompt(in *Instance) string {
	var b strings.Builder
	fmt.Fprintf(&b, `You run a rolling deployment of a fleet from version %s to version %s, one action at a time, with no downtime: every service keeps serving through a load balancer that routes only to the instances in rotation.

The services, in deployment order (instances, dependencies, critical):
`, in.From, in.To)
	for _, s := range in.Services {
		deps := "-"
		if len(s.Deps) > 0 {
			deps = strings.Join(s.Deps, ",")
		}
		fmt.Fprintf(&b, "%s instances=%d deps=%s", s.Name, s.Instances, deps)
		if s.Critical {
			b.WriteString(" critical")
		}
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, `
The current service is the first one that is pending or deploying. For it, take the first rule that applies:
1. If it is pending and one of its dependencies was rolled back or held: "hold SERVICE".
2. For its lowest-numbered instance that is out of rotation:
   unhealthy: "rollback SERVICE/N" (restart it on %[1]s);
   unchecked: "check SERVICE/N";
   checked and on the version the service is heading for (%[1]s when it is rolling back, %[2]s otherwise): "enable SERVICE/N";
   checked on the other version: "upgrade SERVICE/N".
3. If it is rolling back: "verify SERVICE".
4. If it is critical, its canary (instance 1) is its only instance on %[2]s, and the canary is not verified: "verify SERVICE".
5. If all its instances are on %[2]s: "verify SERVICE".
6. Otherwise: "drain SERVICE/N" for its lowest-numbered instance not on %[2]s.

Answer with the action and what it is meant to lead to, exactly like this on their own lines:
action = upgrade api/2
expected = api/2 %[2]s out unchecked
For an instance action, expect "SERVICE/N VERSION in|out checked|unchecked|unhealthy" (a check is meant to pass); for a service action, "SERVICE STATUS" with STATUS deploying, canary-verified, done, rolledback or held (a verify is meant to pass).`, in.From, in.To)
	return b.String()
}

// Hint is what the task attaches to its prompts for its oracle.
type Hint = scenario.Hint[State]

// Prompt implements [maker.Task].
func (t *Task) Prompt(s State, prev string, step int) maker.Prompt {
	shown := prev
	if shown == "" {
		shown = "none (this is the first action)"
	}
	user := fmt.Sprintf("Previous action: %s\nLast result: %s\nFleet (instance: version, rotation, health check):\n%s\n\nDecide the next action by the procedure.", shown, s.Last, s.report(t.inst))
	return maker.Prompt{System: t.sys, User: user, Hint: Hint{State: s, Prev: prev}}
}

// Parse implements [maker.Task].
func (t *Task) Parse(text string) (maker.Candidate[State], error) {
	a, e, err := scenario.ParseStep(text, func(s string) (string, error) {
		a, err := t.inst.ParseAction(s)
		if err != nil {
			return "", err
		}
		return t.inst.Format(a), nil
	}, parseExpect)
	if err != nil {
		return maker.Candidate[State]{}, err
	}
	return maker.Candidate[State]{Action: a, State: State{Expect: e}}, nil
}

// Key implements [maker.Task]: the action and the expected state of what
// it touches. The expectation is in the key because it is the agent's
// account of the action's effect (an upgrade that leaves the instance in
// rotation, a verify that would finish a service still on its canary).
func (t *Task) Key(c maker.Candidate[State]) string {
	return scenario.Key(c.Action, c.State.Expect)
}

// Check implements [maker.Checker]: the decided action must be the
// procedure's and the expectation what it is meant to lead to.
func (t *Task) Check(_ int, before State, c maker.Candidate[State]) error {
	a, err := t.inst.ParseAction(c.Action)
	if err != nil {
		return err
	}
	want, ok := t.inst.Next(before)
	if !ok {
		return fmt.Errorf("%q decided after the deployment settled", c.Action)
	}
	if a != want {
		return fmt.Errorf("%s: the procedure prescribes %q", t.violation(before, a), t.inst.Format(want))
	}
	if exp := t.inst.Summary(t.inst.Intended(before, a), a); c.State.Expect != exp {
		return fmt.Errorf("%q leads to %s, but the agent expected %s", c.Action, exp, c.State.Expect)
	}
	return nil
}

// violation names the rule a wrong action breaks, for the report.
func (t *Task) violation(s State, a Action) string {
	act := t.inst.Format(a)
	if a.Node >= 0 {
		n := s.Services[a.Service].Nodes[a.Node]
		switch {
		case a.Verb == VerbUpgrade && n.InRotation:
			return fmt.Sprintf("%q restarts an instance that is serving", act)
		case a.Verb == VerbEnable && n.Checked != CheckedYes:
			return fmt.Sprintf("%q puts an instance into rotation without a passed health check", act)
		case a.Verb == VerbDrain:
			out := 0
			for _, o := range s.Services[a.Service].Nodes {
				if !o.InRotation {
					out++
				}
			}
			if out > 0 {
				return fmt.Sprintf("%q takes a second instance out of rotation", act)
			}
		}
	}
	if si := current(s); si >= 0 && a.Service != si {
		return fmt.Sprintf("%q acts on %s while %s is the current service", act, t.inst.Services[a.Service].Name, t.inst.Services[si].Name)
	}
	return fmt.Sprintf("%q is out of the procedure's order", act)
}

// Execute implements [maker.Executor]: the action is carried out on the
// fleet, whatever the procedure says (the checker reports wrong ones), and
// the service's instances are read back from the fleet. An action the
// fleet cannot do is refused with the reason as the last result; a failed
// health check or stage check is data, not an error.
func (t *Task) Execute(ctx context.Context, s State, w maker.Candidate[State]) (State, error) {
	a, err := t.inst.ParseAction(w.Action)
	if err != nil {
		return s, err
	}
	n := s.Clone()
	act := t.inst.Format(a)
	x := &n.Services[a.Service]
	n.Last = act + ": done"
	switch a.Verb {
	case VerbDrain:
		if !t.fleet.drain(a.Service, a.Node) {
			n.Last = fmt.Sprintf("refused %q: the instance is not in rotation", act)
		} else if x.Status == StatusPending {
			x.Status = StatusDeploying
		}
	case VerbEnable:
		if !t.fleet.enable(a.Service, a.Node) {
			n.Last = fmt.Sprintf("refused %q: the instance is already in rotation", act)
		}
	case VerbUpgrade, VerbRollback:
		version := t.inst.To
		if a.Verb == VerbRollback {
			version = t.inst.From
			x.RollingBack = true
		}
		if err := t.fleet.restart(a.Service, a.Node, version); err != nil {
			return s, fmt.Errorf("deploy: %s: %w", act, err)
		}
		x.Nodes[a.Node].Checked = CheckedNo
		if x.Status == StatusPending {
			x.Status = StatusDeploying
		}
	case VerbCheck:
		if err := t.fleet.check(ctx, a.Service, a.Node, x.Nodes[a.Node].Version); err != nil {
			x.Nodes[a.Node].Checked = CheckedFailed
			n.Last = fmt.Sprintf("%s: unhealthy: %v", act, err)
		} else {
			x.Nodes[a.Node].Checked = CheckedYes
			n.Last = act + ": healthy"
		}
	case VerbVerify:
		if err := t.verify(ctx, n, a.Service); err != nil {
			n.Last = fmt.Sprintf("%s: failed: %v", act, err)
		} else {
			settle(t.inst, x, a.Service)
			n.Last = act + ": every instance in rotation is healthy"
		}
	case VerbHold:
		if x.Status != StatusPending {
			n.Last = fmt.Sprintf("refused %q: the service is %s", act, x.Status)
		} else {
			x.Status = StatusHeld
		}
	}
	// What the fleet reports now: rotation and version of every instance
	// of the service.
	versions := t.fleet.Versions()
	for ni := range x.Nodes {
		x.Nodes[ni].InRotation = t.fleet.inRotation(a.Service, ni)
		x.Nodes[ni].Version = versions[fmt.Sprintf("%s/%d", t.inst.Services[a.Service].Name, ni+1)]
	}
	return n, nil
}

// verify is the stage check: every instance in rotation answers healthy
// on the version the state says, and the load balancer serves.
func (t *Task) verify(ctx context.Context, s State, si int) error {
	inRotation := 0
	for ni, nd := range s.Services[si].Nodes {
		if !t.fleet.inRotation(si, ni) {
			continue
		}
		inRotation++
		if err := t.fleet.check(ctx, si, ni, nd.Version); err != nil {
			return fmt.Errorf("%s/%d: %w", t.inst.Services[si].Name, ni+1, err)
		}
	}
	if inRotation == 0 {
		return fmt.Errorf("no instance in rotation")
	}
	name := t.inst.Services[si].Name
	return probe(ctx, t.fleet.client, t.fleet.URLs()[name], name)
}
