package main

import (
	"github.com/spf13/cobra"
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
