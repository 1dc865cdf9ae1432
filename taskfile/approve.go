package taskfile

import (
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/maker-go/maker"
)

// approval is `execute.approve`: whether a person approves each action
// before it runs, and how long a question waits before its default answer.
type approval struct {
	on      bool
	timeout time.Duration // 0: no timeout
	deflt   string        // maker.AnswerApprove or maker.AnswerReject
}

// Approval says whether each action waits for a person's approval
// (`execute.approve: true`), and the timeout after which a question takes
// its default answer (`approve_timeout`, 0 for none; `approve_default`,
// reject unless the file says approve).
func (t *Task) Approval() (approve bool, timeout time.Duration, deflt string) {
	if t.exec == nil {
		return false, 0, ""
	}
	a := t.exec.approval
	return a.on, a.timeout, a.deflt
}

// approval reads execute.approve, execute.approve_timeout and
// execute.approve_default; the last two need the first.
func (d *decoder) approval(m map[string]*yaml.Node, spec *execSpec) error {
	a := approval{deflt: maker.AnswerReject}
	if n, ok := m["approve"]; ok {
		s, err := d.scalar(n, "execute.approve")
		if err != nil {
			return err
		}
		switch s {
		case "true":
			a.on = true
		case "false":
		default:
			return d.errf(n, "execute.approve", "want true or false, got %q", s)
		}
	}
	if n, ok := m["approve_timeout"]; ok {
		s, err := d.scalar(n, "execute.approve_timeout")
		if err != nil {
			return err
		}
		if a.timeout, err = time.ParseDuration(s); err != nil || a.timeout <= 0 {
			return d.errf(n, "execute.approve_timeout", "want a positive duration such as 30m, got %q", s)
		}
		if !a.on {
			return d.errf(n, "execute.approve_timeout", "applies only with approve: true")
		}
	}
	if n, ok := m["approve_default"]; ok {
		s, err := d.scalar(n, "execute.approve_default")
		if err != nil {
			return err
		}
		if a.deflt, err = maker.ParseApproveDefault(s); err != nil {
			return d.errf(n, "execute.approve_default", "%v", err)
		}
		if a.timeout == 0 {
			return d.errf(n, "execute.approve_default", "is the answer a timeout gives: set approve_timeout too")
		}
	}
	spec.approval = a
	return nil
}
