package apitest

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Status is where a test stands.
type Status int

// The statuses of a test. A failed test with attempts left may be retried;
// one without is failed for good.
const (
	Pending Status = iota
	Running
	Passed
	Failed
	Skipped
)

func (s Status) String() string {
	return [...]string{"pending", "running", "passed", "failed", "skipped"}[s]
}

// TestState is one test's progress.
type TestState struct {
	Status   Status
	Attempts int
}

// State is what the service and the runner report: every test's status,
// the running tests oldest first, the shared data and the last result. In a
// candidate (a parsed answer) only Expect is set: the agent's expected
// running list.
type State struct {
	Tests   []TestState
	Running []string
	// Vars is the shared data: uN is the id the service gave user uN, and
	// uN.name the name it holds now.
	Vars map[string]string
	// Last is the outcome of the previous action, in words.
	Last string
	// Expect is the agent's expected summary, set in candidates only.
	Expect string
}

// Clone returns a deep copy.
func (s State) Clone() State {
	c := s
	c.Tests = slices.Clone(s.Tests)
	c.Running = slices.Clone(s.Running)
	c.Vars = maps.Clone(s.Vars)
	if c.Vars == nil {
		c.Vars = map[string]string{}
	}
	return c
}

// Summary is the part of the state an agent can predict from an action:
// the running tests, oldest first.
func (s State) Summary() string {
	if len(s.Running) == 0 {
		return "running=none"
	}
	return "running=" + strings.Join(s.Running, ",")
}

// statusLine lists every test's status compactly: "t01 passed(1) t02
// failed(1/3) t03 pending".
func (s State) statusLine(in *Instance) string {
	var b strings.Builder
	for i, ts := range s.Tests {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(in.Tests[i].ID)
		b.WriteByte(' ')
		switch ts.Status {
		case Failed:
			if ts.Attempts >= in.MaxAttempts {
				fmt.Fprintf(&b, "failed-for-good(%d/%d)", ts.Attempts, in.MaxAttempts)
			} else {
				fmt.Fprintf(&b, "failed(%d/%d)", ts.Attempts, in.MaxAttempts)
			}
		case Passed, Running:
			fmt.Fprintf(&b, "%s(%d)", ts.Status, ts.Attempts)
		default:
			b.WriteString(ts.Status.String())
		}
	}
	return b.String()
}

// varsLine lists the shared data in key order.
func (s State) varsLine() string {
	if len(s.Vars) == 0 {
		return "none"
	}
	keys := slices.Sorted(maps.Keys(s.Vars))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + s.Vars[k]
	}
	return strings.Join(parts, " ")
}

// Outcomes maps each test id to its final status word ("passed", "failed",
// "skipped", ...), for comparing runs.
func (s State) Outcomes(in *Instance) map[string]string {
	m := make(map[string]string, len(s.Tests))
	for i, ts := range s.Tests {
		m[in.Tests[i].ID] = ts.Status.String()
	}
	return m
}
