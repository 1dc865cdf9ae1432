package main

import (
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/scenario"
	"github.com/maker-go/maker/scenario/deps"
)

func init() { openKind("scenario-deps", opener(depsExecution)) }

func newScenarioDepsCmd() *cobra.Command {
	var (
		f   runFlags
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
			e, err := depsExecution(scenarioParams[deps.Instance]{Instance: in})
			if err != nil {
				return err
			}
			e.flags = &f
			return e.execute(cmd)
		},
	}
	src.register(cmd.Flags(), deps.DefaultSize, fmt.Sprintf("modules in the generated graph (1 to %d; a long run: %d)", deps.MaxSize, deps.LargeSize), "graph")
	f.register(cmd.Flags())
	return cmd
}

// depsExecution is the execution of a deps run.
func depsExecution(p scenarioParams[deps.Instance]) (execution[deps.State], error) {
	if p.Instance == nil {
		return execution[deps.State]{}, usageErr("no instance")
	}
	task, err := deps.New(p.Instance)
	if err != nil {
		return execution[deps.State]{}, usageErr("%v", err)
	}
	return execution[deps.State]{
		task:   task,
		oracle: task,
		kind:   "scenario-deps",
		params: p,
		facts: func(res *maker.Result[deps.State]) []fact {
			expected := slices.Equal(res.Actions, task.Order())
			return []fact{
				{key: "modules", label: "modules", value: len(task.Graph().Names)},
				{key: "build_order", label: "build order", value: res.Actions, text: scenario.FormatHead(res.Actions, 12)},
				{key: "order_is_expected", label: "expected", value: expected},
			}
		},
	}, nil
}
