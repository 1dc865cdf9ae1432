package main

import (
	"github.com/spf13/cobra"

	"github.com/maker-go/maker/internal/fileio"
	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/tasks"
)

func newRunCmd() *cobra.Command {
	var f runs.Flags
	cmd := &cobra.Command{
		Use:   "run TASK.yaml",
		Short: "Run a task declared in a YAML file (see docs/taskfile.md)",
		Long: `Run a task declared in a YAML file: the prompts, the initial state, the answer
format (a regular expression or a JSON schema), the vote-key rule, when it ends and,
optionally, the expected answer of every step. With expected answers the file runs on
the simulator (the default model) and every decided step is checked against them.

Exit status: 0 done, 1 a wrong or undecided step, 2 bad usage or a bad file,
3 budget reached.`,
		Example: `  maker run examples/yaml/running-sum.yaml
  maker run examples/yaml/text-transform.yaml --k 2 --json
  maker run task.yaml --model openai/gpt-4.1-mini --k 3`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := fileio.ReadCapped(cmd.Context(), args[0], fileio.MaxTaskFile)
			if err != nil {
				return usageErr("task file: %v", err)
			}
			return runTask(cmd, &f, "taskfile", tasks.TaskFile{File: args[0], YAML: string(data), Simulated: f.Simulated() && runs.Calibrating(cmd.Context()) == nil})
		},
	}
	f.Register(cmd.Flags())
	return cmd
}
