package main

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/maker-go/maker/runs"
)

// taskCommands are the commands whose executions calibrate can measure.
func taskCommands() []string {
	var out []string
	for _, c := range newRoot(nil, nil).Commands() {
		if c.GroupID == groupTasks {
			out = append(out, c.Name())
		}
	}
	return out
}

// taskIndex is the place of the task command in calibrate's arguments, or
// -1: the first argument that names one and is not a flag's value.
func taskIndex(args []string, own *pflag.FlagSet) int {
	tasks := taskCommands()
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return -1
		}
		if strings.HasPrefix(a, "-") {
			name := strings.TrimLeft(a, "-")
			if strings.Contains(name, "=") {
				continue
			}
			fl := own.Lookup(name)
			if fl == nil && len(name) == 1 {
				fl = own.ShorthandLookup(name)
			}
			if fl != nil && fl.NoOptDefVal == "" {
				i++ // its value
			}
			continue
		}
		if slices.Contains(tasks, a) {
			return i
		}
		return -1
	}
	return -1
}

// calibrateTask runs `maker calibrate [flags] TASK [task flags]`: the task
// command, reading its own flags, under a calibration that holds the
// rest.
func calibrateTask(cmd *cobra.Command, before, task []string) error {
	c := new(runs.Calibration)
	fs := pflag.NewFlagSet("calibrate", pflag.ContinueOnError)
	fs.SetOutput(discard{})
	c.Register(fs)
	// Calibrate's flags may come before the task or after it; the task
	// command reads the others (--json, --target, ...) wherever they are.
	head, err := takeFlags(fs, before)
	if err != nil {
		return usageErr("calibrate: %v", err)
	}
	tail, err := takeFlags(fs, task[1:])
	if err != nil {
		return usageErr("calibrate: %v", err)
	}
	rest := append(append([]string{task[0]}, head...), tail...)
	if err := c.Check(); err != nil {
		return err
	}
	// The task command checks its flags against the models measured (a
	// provider's --base-url, say), as a run on them would.
	rest = append(rest, "--model", strings.Join(c.Models(), ","))
	root := newRoot(cmd.OutOrStdout(), cmd.ErrOrStderr())
	root.SetArgs(rest)
	return root.ExecuteContext(runs.WithCalibration(cmd.Context(), c))
}

// discard is an io.Writer that drops what is written: a flag set's usage
// text, which the one-line error replaces.
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
