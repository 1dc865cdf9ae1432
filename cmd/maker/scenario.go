package main

import (
	"github.com/spf13/cobra"

	"github.com/maker-go/maker/tasks"
)

func newScenarioCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "scenario NAME",
		Short: "Run a real-world scenario as a MAKER task",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(
		newScenarioDepsCmd(),
		newScenarioInfraCmd(),
		newScenarioInterviewCmd(),
		newScenarioAPITestCmd(),
		newScenarioDeployCmd(),
		newScenarioMigrateCmd(),
	)
	return cmd
}

// scenarioParams are what the journal keeps to rebuild a scenario run: the
// instance itself, generated or read, so a run resumes on the instance it
// started with.
type scenarioParams[I any] = tasks.Scenario[I]
