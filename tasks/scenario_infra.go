package tasks

import (
	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/scenario/infra"
)

func init() {
	registerScenario("infra", "infrastructure provisioning: start and complete resources under a parallel limit, one voted call per event", runs.NoWorld,
		infra.DefaultSize, infra.Generate, (*infra.Instance).Validate)
}
