package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/scenario/apitest"
)

func init() { openKind("scenario-apitest", worldOpener(apitestExecution)) }

func newScenarioAPITestCmd() *cobra.Command {
	var (
		f   runFlags
		src instanceFlags
	)
	cmd := &cobra.Command{
		Use:   "apitest",
		Short: "Run an API test suite against a live HTTP service, one voted decision per step",
		Long: `Run a suite of HTTP tests against a CRUD service started on 127.0.0.1. Tests share
data (the id "create" returns is what "update" sends), depend on each other, run at
most three at a time, are retried when the service fails them on purpose, and are
skipped below a critical test that failed for good. Each step the model decides which
test to start, retry, skip or await, and with what inputs; the runner really makes
the requests, and what they return is the next state.

--size is the number of users (about five tests each); --instance reads a suite from
a JSON file instead. Exit status: 0 success, 1 a wrong or undecided step, 2 bad
usage, 3 budget reached.`,
		Example: `  maker scenario apitest
  maker scenario apitest --size 100 --json
  maker scenario apitest --save-instance suite.json && maker scenario apitest --instance suite.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			inst, err := scenarioInstance(cmd, &src, apitest.Load, apitest.Generate)
			if err != nil {
				return err
			}
			if stop, err := src.saveInstance(cmd, inst, fmt.Sprintf("%d tests", len(inst.Tests))); stop {
				return err
			}
			e, end, err := apitestExecution(scenarioParams[apitest.Instance]{Instance: inst})
			if err != nil {
				return err
			}
			e.flags = &f
			return end(e.execute(cmd))
		},
	}
	src.register(cmd.Flags(), apitest.DefaultUsers, fmt.Sprintf("users in the generated suite (1 to %d; large: %d)", apitest.MaxUsers, apitest.LargeUsers), "suite")
	f.register(cmd.Flags())
	return cmd
}

// apitestExecution starts the service under test on the instance and
// returns the execution of a run against it, and end, which waits for the
// tests still running and stops the service. The service lives in this
// process: a resumed run starts a fresh one and replays the journaled
// steps on it (runs.ReplayedWorld).
func apitestExecution(p scenarioParams[apitest.Instance]) (execution[apitest.State], func(error) error, error) {
	var none execution[apitest.State]
	inst := p.Instance
	if inst == nil {
		return none, nil, usageErr("no instance")
	}
	if err := inst.Validate(); err != nil {
		return none, nil, usageErr("%v", err)
	}
	svc, err := apitest.StartService(inst)
	if err != nil {
		return none, nil, err
	}
	task, err := apitest.New(inst, svc.URL)
	if err != nil {
		svc.Close()
		return none, nil, usageErr("%v", err)
	}
	end := func(err error) error {
		task.Wait()
		svc.Close()
		return err
	}
	_, ref := inst.Reference()
	return execution[apitest.State]{
		task:   task,
		oracle: task,
		kind:   "scenario-apitest",
		params: p,
		facts: func(res *maker.Result[apitest.State]) []fact {
			outcomes := res.State.Outcomes(inst)
			counts := map[string]int{}
			for _, o := range outcomes {
				counts[o]++
			}
			matches := true
			for id, want := range ref.Outcomes(inst) {
				matches = matches && outcomes[id] == want
			}
			return []fact{
				{key: "tests", label: "tests", value: len(inst.Tests)},
				{key: "outcomes", label: "outcomes", value: counts},
				{key: "service_requests", label: "service requests", value: len(svc.Requests())},
				{key: "matches_reference", label: "matches reference", value: matches},
			}
		},
	}, end, nil
}
