package tasks

import (
	"github.com/maker-go/maker/scenario/apitest"
)

func init() {
	registerScenario("apitest", "an API test suite run against a live HTTP service, one voted decision per step",
		apitest.DefaultUsers, apitest.Generate, (*apitest.Instance).Validate)
}
