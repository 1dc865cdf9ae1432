package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/scenario/infra"
)

func init() { scenarioCmds = append(scenarioCmds, newScenarioInfraCmd) }

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
			task, err := infra.New(in)
			if err != nil {
				return usageErr("%v", err)
			}
			return execution[infra.State]{
				flags:  &f,
				task:   task,
				oracle: task,
				extra: func(res *maker.Result[infra.State]) map[string]any {
					out := map[string]any{"resources": task.Resources(), "events": res.Actions}
					if sc, err := task.Replay(res.Actions); err != nil {
						out["schedule_error"] = err.Error()
					} else {
						out["schedule"] = sc
					}
					return out
				},
				after: func(cmd *cobra.Command, res *maker.Result[infra.State]) {
					w := cmd.OutOrStdout()
					fmt.Fprintf(w, "resources   %d\n", task.Resources())
					sc, err := task.Replay(res.Actions)
					if err != nil {
						fmt.Fprintf(w, "schedule    invalid: %v\n", err)
						return
					}
					fmt.Fprintf(w, "schedule    %d minutes, peak %d provisioning at once\ncost        $%.4f during the rollout, $%.4f per hour when all is up\n", sc.Minutes, sc.Peak, sc.CostUSD, sc.HourlyUSD)
					for i, e := range sc.Entries {
						if i == 12 {
							fmt.Fprintf(w, "  ... and %d more\n", len(sc.Entries)-i)
							break
						}
						fmt.Fprintf(w, "  %-24s %5d -> %5d min  $%.3f/h\n", e.Name, e.Start, e.Finish, e.HourlyUSD)
					}
				},
			}.execute(cmd)
		},
	}
	src.register(cmd.Flags(), infra.DefaultSize, fmt.Sprintf("resources in the generated stack (1 to %d; a long run: %d)", infra.MaxSize, infra.LargeSize), "stack")
	f.register(cmd.Flags())
	return cmd
}
