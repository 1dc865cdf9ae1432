package tasks

import (
	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/scenario/apitest"
)

func init() {
	registerScenario("apitest", "an API test suite run against a live HTTP service, one voted decision per step",
		// The service under test lives in the process that runs the run.
		runs.ReplayedWorld,
		apitest.DefaultUsers, apitest.Generate, (*apitest.Instance).Validate)
}
