package deploy

import (
	"fmt"
	"slices"
	"strings"
)

// Health-check outcomes of an instance.
const (
	CheckedYes    = "checked"   // passed its last health check
	CheckedNo     = "unchecked" // restarted since its last check
	CheckedFailed = "unhealthy" // failed its last health check
)

// Service statuses.
const (
	StatusPending    = "pending"
	StatusDeploying  = "deploying"
	StatusDone       = "done"
	StatusRolledBack = "rolledback"
	StatusHeld       = "held"
)

// Node is an instance as the fleet reports it.
type Node struct {
	Version    string
	InRotation bool
	Checked    string
}

// Svc is a service as the fleet reports it.
type Svc struct {
	Status string
	// CanaryVerified is set once a critical service's canary stage passed.
	CanaryVerified bool
	// RollingBack is set once an instance of the service was rolled back.
	RollingBack bool
	Nodes       []Node
}

// State is the fleet after a step. In a candidate only Expect is set.
type State struct {
	Services []Svc
	Last     string
	Expect   string
}

// Clone returns a deep copy.
func (s State) Clone() State {
	c := s
	c.Services = slices.Clone(s.Services)
	for i := range c.Services {
		c.Services[i].Nodes = slices.Clone(s.Services[i].Nodes)
	}
	return c
}

// initial is every instance on the old version, checked and in rotation.
func (in *Instance) initial() State {
	s := State{Last: "none"}
	for _, sv := range in.Services {
		x := Svc{Status: StatusPending}
		for range sv.Instances {
			x.Nodes = append(x.Nodes, Node{Version: in.From, InRotation: true, Checked: CheckedYes})
		}
		s.Services = append(s.Services, x)
	}
	return s
}

func rotation(in bool) string {
	if in {
		return "in"
	}
	return "out"
}

// nodeSummary is "api/2 v2 out unchecked".
func (s State) nodeSummary(in *Instance, si, ni int) string {
	n := s.Services[si].Nodes[ni]
	return fmt.Sprintf("%s/%d %s %s %s", in.Services[si].Name, ni+1, n.Version, rotation(n.InRotation), n.Checked)
}

// serviceSummary is "api done", "api canary-verified", "api deploying".
func (s State) serviceSummary(in *Instance, si int) string {
	x := s.Services[si]
	st := x.Status
	if st == StatusDeploying && x.CanaryVerified {
		st = "canary-verified"
	}
	return in.Services[si].Name + " " + st
}

// report is the fleet as the prompt shows it: one line per service.
func (s State) report(in *Instance) string {
	var b strings.Builder
	for si, x := range s.Services {
		fmt.Fprintf(&b, "%s: %s", in.Services[si].Name, x.Status)
		if x.CanaryVerified {
			b.WriteString(", canary verified")
		}
		if x.RollingBack {
			b.WriteString(", rolling back")
		}
		b.WriteString(" |")
		for ni, n := range x.Nodes {
			fmt.Fprintf(&b, " %d:%s,%s,%s", ni+1, n.Version, rotation(n.InRotation), n.Checked)
		}
		b.WriteByte('\n')
	}
	return strings.TrimRight(b.String(), "\n")
}

// Versions returns the version of every instance by "svc/N".
func (s State) Versions(in *Instance) map[string]string {
	m := map[string]string{}
	for si, x := range s.Services {
		for ni, n := range x.Nodes {
			m[fmt.Sprintf("%s/%d", in.Services[si].Name, ni+1)] = n.Version
		}
	}
	return m
}

// Statuses returns every service's status by name.
func (s State) Statuses(in *Instance) map[string]string {
	m := map[string]string{}
	for si, x := range s.Services {
		m[in.Services[si].Name] = x.Status
	}
	return m
}
