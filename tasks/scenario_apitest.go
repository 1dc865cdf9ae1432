package tasks

import (
	"github.com/maker-go/maker"
	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/scenario/apitest"
)

func init() {
	registerScenario("apitest", "an API test suite run against a live HTTP service, one voted decision per step",
		// The service under test lives in the process that runs the run.
		runs.ReplayedWorld,
		apitest.DefaultUsers, apitest.Generate, (*apitest.Instance).Validate, openAPITest)
}

// openAPITest starts the service under test on the instance and
// returns the execution of a run against it, and end, which waits for the
// tests still running and stops the service. The service lives in this
// process: a resumed run starts a fresh one and replays the journaled
// steps on it (runs.ReplayedWorld).
func openAPITest(p Scenario[apitest.Instance], _ runs.OpenOptions) (runs.Opened, error) {
	inst := p.Instance
	svc, err := apitest.StartService(inst)
	if err != nil {
		return nil, err
	}
	task, err := apitest.New(inst, svc.URL)
	if err != nil {
		svc.Close()
		return nil, runs.UsageErr("%v", err)
	}
	end := func(err error) error {
		task.Wait()
		svc.Close()
		return err
	}
	_, ref := inst.Reference()
	return runs.WorldExecution[apitest.State]{E: runs.Execution[apitest.State]{
		Task:   task,
		Oracle: task,
		Kind:   "scenario-apitest",
		Params: p,
		Facts: func(res *maker.Result[apitest.State]) []runs.Fact {
			outcomes := res.State.Outcomes(inst)
			counts := map[string]int{}
			for _, o := range outcomes {
				counts[o]++
			}
			matches := true
			for id, want := range ref.Outcomes(inst) {
				matches = matches && outcomes[id] == want
			}
			return []runs.Fact{
				{Key: "tests", Label: "tests", Value: len(inst.Tests)},
				{Key: "outcomes", Label: "outcomes", Value: counts},
				{Key: "service_requests", Label: "service requests", Value: len(svc.Requests())},
				{Key: "matches_reference", Label: "matches reference", Value: matches},
			}
		},
	}, End: end}, nil
}
