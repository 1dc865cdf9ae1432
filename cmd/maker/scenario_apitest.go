package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/scenario/apitest"
	"github.com/maker-go/maker/tasks"
)

func newScenarioAPITestCmd() *cobra.Command {
	var (
		f   runs.Flags
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
			return runTask(cmd, &f, "scenario-apitest", tasks.Scenario[apitest.Instance]{Instance: inst})
		},
	}
	src.register(cmd.Flags(), apitest.DefaultUsers, fmt.Sprintf("users in the generated suite (1 to %d; large: %d)", apitest.MaxUsers, apitest.LargeUsers), "suite")
	f.Register(cmd.Flags())
	return cmd
}
