package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/scenario/deps"
	"github.com/maker-go/maker/tasks"
)

func newScenarioDepsCmd() *cobra.Command {
	var (
		f   runs.Flags
		src instanceFlags
	)
	cmd := &cobra.Command{
		Use:   "deps",
		Short: "Dependency resolution: the build order of a module graph, one voted call per module",
		Long: `Find the build order of a module graph, one model call per module. The procedure is
Kahn's algorithm with a stated tie-break: build the module with the smallest name among
those whose dependencies are all built. The model carries the ready list and the waiting
counts, and answers with the module and the next state; votes decide the pair. After the
run every decided step is checked against the procedure and the reference order.

An instance file is JSON: {"modules": [{"name": "api", "deps": ["core"]}, ...]}. Unknown
dependencies and cycles are rejected before the run, naming the culprit.

Exit status: 0 solved, 1 a wrong or undecided step, 2 bad usage or instance, 3 budget reached.`,
		Example: `  maker scenario deps
  maker scenario deps --size 10000 --json
  maker scenario deps --instance graph.json --model openai/gpt-4.1-mini --k 3`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			in, err := scenarioInstance(cmd, &src, deps.Load, deps.Generate)
			if err != nil {
				return err
			}
			if stop, err := src.saveInstance(cmd, in, fmt.Sprintf("%d modules", len(in.Modules))); stop {
				return err
			}
			return runTask(cmd, &f, "scenario-deps", tasks.Scenario[deps.Instance]{Instance: in})
		},
	}
	src.register(cmd.Flags(), deps.DefaultSize, fmt.Sprintf("modules in the generated graph (1 to %d; a long run: %d)", deps.MaxSize, deps.LargeSize), "graph")
	f.Register(cmd.Flags())
	return cmd
}
