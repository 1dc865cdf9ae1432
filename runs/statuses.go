package runs

import (
	"fmt"
	"strings"

	"github.com/maker-go/maker"
)

// statusHelp says what each of [maker.RunStatuses] means, for every front
// end's help: the command line, the API's document, the MCP tools.
var statusHelp = map[string]string{
	maker.StatusRunning:     "running now",
	maker.StatusQueued:      "waiting for a fleet's worker, between chunks",
	maker.StatusWaiting:     "waiting for a person to approve an action or answer a step (maker approve, maker reject)",
	maker.StatusDone:        "finished, every checked step right",
	maker.StatusFailed:      "ended on a wrong step, no consensus or an error",
	maker.StatusBudget:      "stopped by a budget cap (max-cost, max-samples-total, max-wall); resume it with a higher cap",
	maker.StatusInterrupted: "cancelled or cut off; resume it",
	maker.StatusStopped:     "stopped by a step limit (max-steps); resume it",
}

// StatusHelp says what a run's status means ("" for no status).
func StatusHelp(status string) string { return statusHelp[status] }

// Statuses are the statuses a run has, in [maker.RunStatuses]' order.
func Statuses() []string { return append([]string(nil), maker.RunStatuses...) }

// StatusList is every status with its meaning, for help texts:
// "running (running now), queued (...), ...".
func StatusList() string {
	parts := make([]string, 0, len(maker.RunStatuses))
	for _, s := range maker.RunStatuses {
		parts = append(parts, fmt.Sprintf("%s (%s)", s, statusHelp[s]))
	}
	return strings.Join(parts, ", ")
}

// Live reports whether a run of this status may still decide steps
// without being resumed: running, waiting for a person, or queued for a
// fleet.
func Live(status string) bool {
	return status == maker.StatusRunning || status == maker.StatusQueued || status == maker.StatusWaiting
}

// LiveStatuses are the statuses of runs that go on (see [Live]), in
// [maker.RunStatuses]' order.
func LiveStatuses() []string { return filterStatuses(true) }

// EndStatuses are the statuses of runs that have ended: they go on only
// when resumed.
func EndStatuses() []string { return filterStatuses(false) }

func filterStatuses(live bool) []string {
	var out []string
	for _, s := range maker.RunStatuses {
		if Live(s) == live {
			out = append(out, s)
		}
	}
	return out
}
