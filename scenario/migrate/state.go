package migrate

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// State is what the database reports after a step, as recorded in its
// progress table. In a candidate (a parsed answer) only Expect is set.
type State struct {
	// Steps is the number of actions executed so far.
	Steps int `json:"steps"`
	// Applied are the migrations applied and validated, in order.
	Applied []string `json:"applied"`
	// Pending is a migration applied but not yet validated.
	Pending string `json:"pending,omitempty"`
	// Failed is a migration whose apply or validation failed, until the
	// database is restored.
	Failed string `json:"failed,omitempty"`
	// Backup is the number of applied migrations in the latest backup, or
	// -1 before the first.
	Backup int `json:"backup"`
	// Maintenance is on while the application is held off; MaintSince is
	// when it was switched on (Unix milliseconds) and DowntimeMS the time
	// spent in maintenance before that.
	Maintenance bool  `json:"maintenance"`
	MaintSince  int64 `json:"maint_since,omitempty"`
	DowntimeMS  int64 `json:"downtime_ms"`
	// Halted is set once a failed migration has been rolled back: no
	// further migration runs.
	Halted bool `json:"halted"`
	// Verified is the final data check: "" before it, "intact" or what is
	// wrong after.
	Verified string `json:"verified,omitempty"`
	// Customers and Orders are the row counts the database reported.
	Customers int64 `json:"customers"`
	Orders    int64 `json:"orders"`
	// Last is the outcome of the previous action, in words.
	Last string `json:"last"`
	// Expect is the agent's expected summary, set in candidates only.
	Expect string `json:"-"`
}

// Clone returns a deep copy.
func (s State) Clone() State {
	c := s
	c.Applied = slices.Clone(s.Applied)
	return c
}

// next is the plan index of the first migration not applied, or len(Plan).
func (s State) next() int {
	for i, m := range Plan {
		if !slices.Contains(s.Applied, m.ID) {
			return i
		}
	}
	return len(Plan)
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// Summary is the part of the state an action sets by design, which the
// agent states as its expectation: applied=4 pending=M05 backup=4
// maintenance=off halted=no verified=no.
func (s State) Summary() string {
	backup := "none"
	if s.Backup >= 0 {
		backup = strconv.Itoa(s.Backup)
	}
	return fmt.Sprintf("applied=%d pending=%s backup=%s maintenance=%s halted=%s verified=%s",
		len(s.Applied), orNone(s.Pending), backup, onOff(s.Maintenance), yesNo(s.Halted), yesNo(s.Verified != ""))
}

// report is the state as the prompt shows it.
func (s State) report(budgetMS int64) string {
	var b strings.Builder
	last := "none"
	if len(s.Applied) > 0 {
		last = s.Applied[len(s.Applied)-1]
	}
	fmt.Fprintf(&b, "Applied and validated: %d of %d (last %s)\n", len(s.Applied), len(Plan), last)
	fmt.Fprintf(&b, "Awaiting validation: %s\n", orNone(s.Pending))
	fmt.Fprintf(&b, "Failed: %s\n", orNone(s.Failed))
	if s.Backup >= 0 {
		fmt.Fprintf(&b, "Latest backup: taken with %d migrations applied\n", s.Backup)
	} else {
		b.WriteString("Latest backup: none\n")
	}
	fmt.Fprintf(&b, "Maintenance: %s (downtime used %d ms of %d ms)\n", onOff(s.Maintenance), s.DowntimeMS, budgetMS)
	fmt.Fprintf(&b, "Halted: %s\n", yesNo(s.Halted))
	fmt.Fprintf(&b, "Verified: %s\n", orNone(s.Verified))
	fmt.Fprintf(&b, "Rows: customers %d, orders %d", s.Customers, s.Orders)
	return b.String()
}
