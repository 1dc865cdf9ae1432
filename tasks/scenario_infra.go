package tasks

import (
	"fmt"
	"strings"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/scenario/infra"
)

func init() {
	registerScenario("infra", "infrastructure provisioning: start and complete resources under a parallel limit, one voted call per event", runs.NoWorld,
		infra.DefaultSize, infra.Generate, (*infra.Instance).Validate, openInfra)
}

// openInfra is the execution of a infra run.
func openInfra(p Scenario[infra.Instance], _ runs.OpenOptions) (runs.Opened, error) {
	task, err := infra.New(p.Instance)
	if err != nil {
		return nil, runs.UsageErr("%v", err)
	}
	return runs.Execution[infra.State]{
		Task:   task,
		Oracle: task,
		Kind:   "scenario-infra",
		Params: p,
		Facts: func(res *maker.Result[infra.State]) []runs.Fact {
			facts := []runs.Fact{
				{Key: "resources", Label: "resources", Value: task.Resources()},
				{Key: "events", Value: res.Actions},
			}
			sc, err := task.Replay(res.Actions)
			if err != nil {
				return append(facts, runs.Fact{Key: "schedule_error", Label: "schedule", Value: err.Error(), Text: "invalid: " + err.Error()})
			}
			return append(facts,
				runs.Fact{Key: "schedule", Label: "schedule", Value: sc, Text: fmt.Sprintf("%d minutes, peak %d provisioning at once", sc.Minutes, sc.Peak)},
				runs.Fact{Label: "cost", Text: fmt.Sprintf("$%.4f during the rollout, $%.4f per hour when all is up\n%s", sc.CostUSD, sc.HourlyUSD, scheduleHead(sc.Entries, 12))},
			)
		},
	}, nil
}

// scheduleHead lists the first n entries of a schedule, one indented line
// each, and how many follow.
func scheduleHead(entries []infra.Entry, n int) string {
	var b strings.Builder
	for i, e := range entries {
		if i == n {
			fmt.Fprintf(&b, "  ... and %d more\n", len(entries)-i)
			break
		}
		fmt.Fprintf(&b, "  %-24s %5d -> %5d min  $%.3f/h\n", e.Name, e.Start, e.Finish, e.HourlyUSD)
	}
	return b.String()
}
