package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/taskfile"
)

func newRunCmd() *cobra.Command {
	var f runFlags
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
			task, err := taskfile.Load(args[0])
			if err != nil {
				return usageErr("%v", err)
			}
			var oracle maker.Oracle
			if f.simulated() {
				if oracle, err = task.Oracle(); err != nil {
					if errors.Is(err, taskfile.ErrNoExpected) {
						return usageErr("%v; or give --model provider/model", err)
					}
					return usageErr("%v", err)
				}
			}
			return execution[string]{
				flags:  &f,
				task:   task,
				oracle: oracle,
				facts: func(res *maker.Result[string]) []fact {
					return []fact{
						{key: "task_file", label: "task file", value: args[0]},
						{key: "final_state", label: "final state", value: res.State},
					}
				},
			}.execute(cmd)
		},
	}
	f.register(cmd.Flags())
	return cmd
}
