package tasks

import (
	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/scenario/deps"
)

func init() {
	registerScenario("deps", "dependency resolution: the build order of a module graph, one voted call per module", runs.NoWorld,
		deps.DefaultSize, deps.Generate, func(in *deps.Instance) error {
			_, err := deps.New(in)
			return err
		})
}
