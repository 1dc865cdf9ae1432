package migrate

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/maker-go/maker"
)

// Verbs of an action.
const (
	VerbBackup      = "backup"      // backup N: VACUUM INTO a file for position N
	VerbMaintenance = "maintenance" // maintenance on|off
	VerbApply       = "apply"       // apply MNN
	VerbValidate    = "validate"    // validate MNN
	VerbRestore     = "restore"     // restore N: the backup taken at position N
	VerbHalt        = "halt"        // stop after a failure with no backup
	VerbVerify      = "verify"      // compare the content with the baseline
)

// Action is one decision.
type Action struct {
	Verb string
	Arg  string // migration id, position, or on/off; "" for halt and verify
}

func (a Action) String() string {
	if a.Arg == "" {
		return a.Verb
	}
	return a.Verb + " " + a.Arg
}

var posRe = regexp.MustCompile(`^(0|[1-9][0-9]?)$`)

// ParseAction reads an action strictly; whether it is the right one is the
// checker's business.
func ParseAction(text string) (Action, error) {
	f := strings.Fields(text)
	if len(f) == 0 {
		return Action{}, fmt.Errorf("migrate: %w: empty", maker.ErrMalformed)
	}
	a := Action{Verb: f[0]}
	if len(f) > 2 {
		return Action{}, fmt.Errorf("migrate: %w: %q has words after its argument", maker.ErrMalformed, text)
	}
	if len(f) == 2 {
		a.Arg = f[1]
	}
	switch a.Verb {
	case VerbHalt, VerbVerify:
		if a.Arg != "" {
			return Action{}, fmt.Errorf("migrate: %w: %s takes no argument", maker.ErrMalformed, a.Verb)
		}
	case VerbApply, VerbValidate:
		if planIndex(a.Arg) < 0 {
			return Action{}, fmt.Errorf("migrate: %w: %s needs a migration M01 to M%02d, got %q", maker.ErrMalformed, a.Verb, len(Plan), a.Arg)
		}
	case VerbBackup, VerbRestore:
		if !posRe.MatchString(a.Arg) {
			return Action{}, fmt.Errorf("migrate: %w: %s needs a position 0 to %d, got %q", maker.ErrMalformed, a.Verb, len(Plan), a.Arg)
		}
		if n, _ := strconv.Atoi(a.Arg); n > len(Plan) {
			return Action{}, fmt.Errorf("migrate: %w: position %d is past the plan", maker.ErrMalformed, n)
		}
	case VerbMaintenance:
		if a.Arg != "on" && a.Arg != "off" {
			return Action{}, fmt.Errorf("migrate: %w: maintenance on or off, got %q", maker.ErrMalformed, a.Arg)
		}
	default:
		return Action{}, fmt.Errorf("migrate: %w: unknown verb %q", maker.ErrMalformed, a.Verb)
	}
	return a, nil
}

var expectRe = regexp.MustCompile(`^applied=([0-9]+) pending=(none|M[0-9]{2}) backup=(none|[0-9]+) maintenance=(on|off) halted=(yes|no) verified=(yes|no)$`)

// parseExpect checks the expected summary's form.
func parseExpect(s string) (string, error) {
	s = strings.Join(strings.Fields(s), " ")
	if !expectRe.MatchString(s) {
		return "", fmt.Errorf("migrate: %w: expected %q, want applied=N pending=MNN|none backup=N|none maintenance=on|off halted=yes|no verified=yes|no", maker.ErrMalformed, s)
	}
	return s, nil
}

// Next is the procedure the prompt states: the one right action from s.
// ok is false once the data has been verified.
func Next(s State) (Action, bool) {
	if s.Verified != "" {
		return Action{}, false
	}
	if s.Pending != "" {
		return Action{VerbValidate, s.Pending}, true
	}
	if s.Failed != "" {
		if s.Backup >= 0 {
			return Action{VerbRestore, strconv.Itoa(s.Backup)}, true
		}
		return Action{VerbHalt, ""}, true
	}
	n := s.next()
	finished := s.Halted || n == len(Plan)
	if s.Maintenance && (finished || !Plan[n].Downtime) {
		return Action{VerbMaintenance, "off"}, true
	}
	if finished {
		return Action{VerbVerify, ""}, true
	}
	if Plan[n].Risky && s.Backup != len(s.Applied) {
		return Action{VerbBackup, strconv.Itoa(len(s.Applied))}, true
	}
	if Plan[n].Downtime && !s.Maintenance {
		return Action{VerbMaintenance, "on"}, true
	}
	return Action{VerbApply, Plan[n].ID}, true
}

// Intended is the state an action leads to when it succeeds: what the
// agent is asked to expect.
func Intended(s State, a Action) State {
	n := s.Clone()
	switch a.Verb {
	case VerbBackup:
		n.Backup, _ = strconv.Atoi(a.Arg)
	case VerbMaintenance:
		n.Maintenance = a.Arg == "on"
	case VerbApply:
		n.Pending = a.Arg
	case VerbValidate:
		n.Pending = ""
		n.Applied = append(n.Applied, a.Arg)
	case VerbRestore:
		p, _ := strconv.Atoi(a.Arg)
		n.Applied = n.Applied[:min(p, len(n.Applied))]
		n.Pending, n.Failed, n.Halted, n.Backup = "", "", true, p
	case VerbHalt:
		n.Pending, n.Failed, n.Halted = "", "", true
	case VerbVerify:
		n.Verified = "intact"
	}
	return n
}

// Reference plays the procedure with the instance's injected failure and
// returns the number of steps and the final state: it sets the task's step
// count (and so k_min) and is what a run's end is compared with.
func Reference(in Instance) (int, State) {
	s := State{Backup: -1}
	steps := 0
	for {
		a, ok := Next(s)
		if !ok {
			return steps, s
		}
		steps++
		if a.Verb == VerbValidate && a.Arg == in.FailAt {
			s = s.Clone()
			s.Pending, s.Failed = "", a.Arg
			continue
		}
		s = Intended(s, a)
	}
}
