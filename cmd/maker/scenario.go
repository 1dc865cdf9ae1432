package main

import "github.com/spf13/cobra"

func init() { commands = append(commands, newScenarioCmd) }

// scenarioCmds holds one constructor per scenario; each scenario's file adds
// its own from init.
var scenarioCmds []func() *cobra.Command

func newScenarioCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "scenario NAME",
		Short: "Run a real-world scenario as a MAKER task",
		Args:  cobra.NoArgs,
	}
	for _, c := range scenarioCmds {
		cmd.AddCommand(c())
	}
	return cmd
}
