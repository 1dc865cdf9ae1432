package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/scenario/infra"
)

func init() { openKind("scenario-infra", opener(infraExecution)) }

func newScenarioInfraCmd() *cobra.Command {
	var (
		f   runFlags
		src instanceFlags
	)
	cmd := &cobra.Command{
		Use:   "infra",
		Short: "Infrastructure provisioning: start and complete resources under a parallel limit, one voted call per event",
		Long: `Provision cloud resources with dependencies, at most a few at once (3 by default), one
model call per event. The rule: if fewer than the limit are provisioning and a resource is
ready, start the ready resource with the smallest name; otherwise complete the one that
finishes first. The model carries the clock, the resources provisioning with their finish
minutes, the ready list and the waiting counts. After the run the decided events are
replayed into a schedule with its length and cost.

An instance file is JSON: {"max_parallel": 3, "resources": [{"name": "prod-vpc", "deps": [],
"minutes": 3, "hourly_usd": 0.01}, ...]}. Unknown dependencies, cycles and impossible
durations are rejected before the run, naming the culprit.

Exit status: 0 solved, 1 a wrong or undecided step, 2 bad usage or instance, 3 budget reached.`,
		Example: `  maker scenario infra
  maker scenario infra --size 10000 --json
  maker scenario infra --instance stack.json --model openai/gpt-4.1-mini --k 3`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			in, err := scenarioInstance(cmd, &src, infra.Load, infra.Generate)
			if err != nil {
				return err
			}
			if stop, err := src.saveInstance(cmd, in, fmt.Sprintf("%d resources", len(in.Resources))); stop {
				return err
			}
			e, err := infraExecution(scenarioParams[infra.Instance]{Instance: in})
			if err != nil {
				return err
			}
			e.flags = &f
			return e.execute(cmd)
		},
	}
	src.register(cmd.Flags(), infra.DefaultSize, fmt.Sprintf("resources in the generated stack (1 to %d; a long run: %d)", infra.MaxSize, infra.LargeSize), "stack")
	f.register(cmd.Flags())
	return cmd
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

// infraExecution is the execution of a infra run.
func infraExecution(p scenarioParams[infra.Instance]) (execution[infra.State], error) {
	if p.Instance == nil {
		return execution[infra.State]{}, usageErr("no instance")
	}
	if err := p.Instance.Validate(); err != nil {
		return execution[infra.State]{}, usageErr("%v", err)
	}
	task, err := infra.New(p.Instance)
	if err != nil {
		return execution[infra.State]{}, usageErr("%v", err)
	}
	return execution[infra.State]{
		task:   task,
		oracle: task,
		kind:   "scenario-infra",
		params: p,
		facts: func(res *maker.Result[infra.State]) []fact {
			facts := []fact{
				{key: "resources", label: "resources", value: task.Resources()},
				{key: "events", value: res.Actions},
			}
			sc, err := task.Replay(res.Actions)
			if err != nil {
				return append(facts, fact{key: "schedule_error", label: "schedule", value: err.Error(), text: "invalid: " + err.Error()})
			}
			return append(facts,
				fact{key: "schedule", label: "schedule", value: sc, text: fmt.Sprintf("%d minutes, peak %d provisioning at once", sc.Minutes, sc.Peak)},
				fact{label: "cost", text: fmt.Sprintf("$%.4f during the rollout, $%.4f per hour when all is up\n%s", sc.CostUSD, sc.HourlyUSD, scheduleHead(sc.Entries, 12))},
			)
		},
	}, nil
}
