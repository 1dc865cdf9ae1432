package tasks

import (
	"slices"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/scenario"
	"github.com/maker-go/maker/scenario/deps"
)

func init() {
	registerScenario("deps", "dependency resolution: the build order of a module graph, one voted call per module", runs.NoWorld,
		deps.DefaultSize, deps.Generate, func(in *deps.Instance) error {
			_, err := deps.New(in)
			return err
		}, openDeps)
}

// openDeps is the execution of a deps run.
func openDeps(p Scenario[deps.Instance], _ runs.OpenOptions) (runs.Opened, error) {
	task, err := deps.New(p.Instance)
	if err != nil {
		return nil, runs.UsageErr("%v", err)
	}
	return runs.Execution[deps.State]{
		Task:   task,
		Oracle: task,
		Kind:   "scenario-deps",
		Params: p,
		Facts: func(res *maker.Result[deps.State]) []runs.Fact {
			expected := slices.Equal(res.Actions, task.Order())
			return []runs.Fact{
				{Key: "modules", Label: "modules", Value: len(task.Graph().Names)},
				{Key: "build_order", Label: "build order", Value: res.Actions, Text: scenario.FormatHead(res.Actions, 12)},
				{Key: "order_is_expected", Label: "expected", Value: expected},
			}
		},
	}, nil
}
