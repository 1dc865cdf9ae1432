package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/scenario/infra"
	"github.com/maker-go/maker/tasks"
)

func newScenarioInfraCmd() *cobra.Command {
	var (
		f   runs.Flags
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
			return runTask(cmd, &f, "scenario-infra", tasks.Scenario[infra.Instance]{Instance: in})
		},
	}
	src.register(cmd.Flags(), infra.DefaultSize, fmt.Sprintf("resources in the generated stack (1 to %d; a long run: %d)", infra.MaxSize, infra.LargeSize), "stack")
	f.Register(cmd.Flags())
	return cmd
}
