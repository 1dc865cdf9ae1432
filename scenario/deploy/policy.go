package deploy

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/maker-go/maker"
)

// Verbs of an action: the first five take an instance (svc/N), the last
// two a service.
const (
	VerbDrain    = "drain"    // take the instance out of rotation
	VerbUpgrade  = "upgrade"  // restart it on the new version
	VerbRollback = "rollback" // restart it on the old version
	VerbCheck    = "check"    // health-check it directly
	VerbEnable   = "enable"   // put it back into rotation
	VerbVerify   = "verify"   // stage check of the whole service
	VerbHold     = "hold"     // do not deploy the service
)

// Action is one decision. Node is -1 for the service verbs.
type Action struct {
	Verb    string
	Service int
	Node    int
}

// Format writes the action as the answers do: "drain api/2", "verify api".
func (in *Instance) Format(a Action) string {
	if a.Node < 0 {
		return a.Verb + " " + in.Services[a.Service].Name
	}
	return fmt.Sprintf("%s %s/%d", a.Verb, in.Services[a.Service].Name, a.Node+1)
}

var targetRe = regexp.MustCompile(`^([a-z][a-z0-9-]*)(?:/([1-9][0-9]*))?$`)

// ParseAction reads an action strictly: a known verb and an instance or
// service of the fleet, as the verb requires.
func (in *Instance) ParseAction(text string) (Action, error) {
	f := strings.Fields(text)
	if len(f) != 2 {
		return Action{}, fmt.Errorf("deploy: %w: %q, want VERB TARGET", maker.ErrMalformed, text)
	}
	m := targetRe.FindStringSubmatch(f[1])
	if m == nil {
		return Action{}, fmt.Errorf("deploy: %w: target %q, want service or service/N", maker.ErrMalformed, f[1])
	}
	si := in.service(m[1])
	if si < 0 {
		return Action{}, fmt.Errorf("deploy: %w: no service %q", maker.ErrMalformed, m[1])
	}
	a := Action{Verb: f[0], Service: si, Node: -1}
	switch a.Verb {
	case VerbDrain, VerbUpgrade, VerbRollback, VerbCheck, VerbEnable:
		if m[2] == "" {
			return Action{}, fmt.Errorf("deploy: %w: %s needs an instance like %s/1", maker.ErrMalformed, a.Verb, m[1])
		}
		n, _ := strconv.Atoi(m[2])
		if n > in.Services[si].Instances {
			return Action{}, fmt.Errorf("deploy: %w: %s has %d instances", maker.ErrMalformed, m[1], in.Services[si].Instances)
		}
		a.Node = n - 1
	case VerbVerify, VerbHold:
		if m[2] != "" {
			return Action{}, fmt.Errorf("deploy: %w: %s takes a service, not an instance", maker.ErrMalformed, a.Verb)
		}
	default:
		return Action{}, fmt.Errorf("deploy: %w: unknown verb %q", maker.ErrMalformed, a.Verb)
	}
	return a, nil
}

var (
	nodeExpectRe = regexp.MustCompile(`^[a-z][a-z0-9-]*/[1-9][0-9]* v[0-9.]+ (in|out) (checked|unchecked|unhealthy)$`)
	svcExpectRe  = regexp.MustCompile(`^[a-z][a-z0-9-]* (pending|deploying|canary-verified|done|rolledback|held)$`)
)

func parseExpect(s string) (string, error) {
	s = strings.Join(strings.Fields(s), " ")
	if !nodeExpectRe.MatchString(s) && !svcExpectRe.MatchString(s) {
		return "", fmt.Errorf("deploy: %w: expected %q, want \"svc/N VERSION in|out checked|unchecked|unhealthy\" or \"svc STATUS\"", maker.ErrMalformed, s)
	}
	return s, nil
}

// current is the service being deployed: the first pending or deploying
// one, or -1 when all are settled.
func current(s State) int {
	for i, x := range s.Services {
		if x.Status == StatusPending || x.Status == StatusDeploying {
			return i
		}
	}
	return -1
}

// desired is the version the instances of service si should end on.
func (in *Instance) desired(s State, si int) string {
	if s.Services[si].RollingBack {
		return in.From
	}
	return in.To
}

// Next is the procedure the prompt states: the one right action from s.
// ok is false when every service is done, rolled back or held.
func (in *Instance) Next(s State) (Action, bool) {
	si := current(s)
	if si < 0 {
		return Action{}, false
	}
	x := s.Services[si]
	svc := func(verb string) (Action, bool) { return Action{Verb: verb, Service: si, Node: -1}, true }
	node := func(verb string, ni int) (Action, bool) { return Action{Verb: verb, Service: si, Node: ni}, true }
	if x.Status == StatusPending {
		for _, d := range in.Services[si].Deps {
			if st := s.Services[in.service(d)].Status; st == StatusRolledBack || st == StatusHeld {
				return svc(VerbHold)
			}
		}
	}
	for ni, n := range x.Nodes {
		if n.InRotation {
			continue
		}
		switch {
		case n.Checked == CheckedFailed:
			return node(VerbRollback, ni)
		case n.Checked == CheckedNo:
			return node(VerbCheck, ni)
		case n.Version == in.desired(s, si):
			return node(VerbEnable, ni)
		default:
			return node(VerbUpgrade, ni)
		}
	}
	if x.RollingBack {
		return svc(VerbVerify)
	}
	onTarget := 0
	for _, n := range x.Nodes {
		if n.Version == in.To {
			onTarget++
		}
	}
	if in.Services[si].Critical && !x.CanaryVerified && onTarget == 1 && x.Nodes[0].Version == in.To {
		return svc(VerbVerify)
	}
	if onTarget == len(x.Nodes) {
		return svc(VerbVerify)
	}
	for ni, n := range x.Nodes {
		if n.Version != in.To {
			return node(VerbDrain, ni)
		}
	}
	return Action{}, false
}

// Intended is the state an action leads to when it succeeds: what the
// agent is asked to expect. check passes, verify settles the stage.
func (in *Instance) Intended(s State, a Action) State {
	n := s.Clone()
	x := &n.Services[a.Service]
	var nd *Node
	if a.Node >= 0 {
		nd = &x.Nodes[a.Node]
	}
	switch a.Verb {
	case VerbDrain:
		nd.InRotation = false
		if x.Status == StatusPending {
			x.Status = StatusDeploying
		}
	case VerbUpgrade:
		nd.Version, nd.Checked = in.To, CheckedNo
	case VerbRollback:
		nd.Version, nd.Checked = in.From, CheckedNo
		x.RollingBack = true
	case VerbCheck:
		nd.Checked = CheckedYes
	case VerbEnable:
		nd.InRotation = true
	case VerbHold:
		x.Status = StatusHeld
	case VerbVerify:
		settle(in, x, a.Service)
	}
	return n
}

// settle applies a passed stage check to service x: a rollback ends, a
// full deployment is done, a canary stage is verified.
func settle(in *Instance, x *Svc, si int) {
	onTarget := 0
	for _, n := range x.Nodes {
		if n.Version == in.To {
			onTarget++
		}
	}
	switch {
	case x.RollingBack:
		x.Status = StatusRolledBack
	case onTarget == len(x.Nodes):
		x.Status = StatusDone
	case in.Services[si].Critical && onTarget > 0:
		x.CanaryVerified = true
	}
}

// Summary is what the agent states it expects: the instance an action
// touches ("api/2 v2 out unchecked") or the service ("api done").
func (in *Instance) Summary(s State, a Action) string {
	if a.Node >= 0 {
		return s.nodeSummary(in, a.Service, a.Node)
	}
	return s.serviceSummary(in, a.Service)
}

// Reference plays the procedure against a model of the fleet where only
// the bad version fails its health check, and returns the number of steps
// and the final state: the step count (and so k_min), and what a run's end
// is compared with.
func (in *Instance) Reference() (int, State) {
	s := in.initial()
	steps := 0
	for {
		a, ok := in.Next(s)
		if !ok {
			return steps, s
		}
		steps++
		n := in.Intended(s, a)
		if a.Verb == VerbCheck && in.Services[a.Service].Name == in.BadVersion && s.Services[a.Service].Nodes[a.Node].Version == in.To {
			n.Services[a.Service].Nodes[a.Node].Checked = CheckedFailed
		}
		s = n
	}
}
