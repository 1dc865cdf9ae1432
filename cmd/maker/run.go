package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/fileio"
	"github.com/maker-go/maker/taskfile"
)

func init() { openKind("taskfile", opener(taskfileExecution)) }

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
			data, err := fileio.ReadCapped(cmd.Context(), args[0], fileio.MaxTaskFile)
			if err != nil {
				return usageErr("task file: %v", err)
			}
			e, err := taskfileExecution(taskfileParams{File: args[0], YAML: string(data), Simulated: f.simulated() && calibrating(cmd.Context()) == nil})
			if err != nil {
				return onClient(cmd.Context(), err)
			}
			e.flags = &f
			return e.execute(cmd)
		},
	}
	f.register(cmd.Flags())
	return cmd
}

// taskfileParams are what the journal keeps to rebuild a task-file run:
// the file's text, so a run resumes as it started even if the file has
// changed since.
type taskfileParams struct {
	File      string `json:"file"`
	YAML      string `json:"yaml"`
	Simulated bool   `json:"simulated,omitempty"` // the simulator answers from the expected steps
	// Data are the SHA-256 of the data files the task reads (inputs,
	// expected answers) when the run started: a resume refuses a file that
	// has changed since, as its steps would no longer match its records.
	Data map[string]string `json:"data,omitempty"`
	// Files are the data files' contents, by the name the task file gives
	// them, when a client sent them with the task file (maker submit): the
	// run reads them from here, never from the disk of the service that
	// runs it, and so does its resume.
	Files map[string]string `json:"files,omitempty"`
	// Client, for a task file a client sent a service, are the rules it
	// was accepted under; the journal keeps them, so that whoever resumes
	// the run (the service, a fleet's worker, maker resume) opens the file
	// under them again and never under the command line's. The service
	// sets them: a client's own are overwritten.
	Client *clientRules `json:"client,omitempty"`
	// paths are where the data files were read, by name (sendFiles).
	paths map[string]string
	// opts say what the file may reach: the command line's unless Client
	// is set.
	opts taskfile.Options
}

// clientRules are what a client's task file may reach on the machine that
// runs it: its data files only from those sent with it or inside AllowDirs,
// its program (execute) only when Execute and only inside AllowDirs.
type clientRules struct {
	AllowDirs []string `json:"allow_dirs,omitempty"`
	Execute   bool     `json:"execute,omitempty"`
}

// options are the task file options of the rules.
func (c *clientRules) options() taskfile.Options {
	return taskfile.Options{NoFiles: true, NoExecute: !c.Execute, AllowDirs: c.AllowDirs}
}

// taskfileExecution is the execution of a task file.
func taskfileExecution(p taskfileParams) (execution[string], error) {
	if p.Client != nil {
		p.opts = p.Client.options()
	}
	p.opts.Files = sentFiles(p.Files)
	task, err := taskfile.ParseWith(p.File, p.YAML, p.opts)
	if err != nil {
		return execution[string]{}, usageErr("%w", err)
	}
	data := task.DataFiles()
	p.paths = task.DataPaths()
	if p.Data == nil {
		p.Data = data
	} else if err := sameData(p.Data, data); err != nil {
		return execution[string]{}, usageErr("%v", err)
	}
	var run maker.Task[string] = task
	if a := task.Acting(); a != nil {
		run = a
	}
	var oracle maker.Oracle
	if p.Simulated {
		if oracle, err = task.Oracle(); err != nil {
			if errors.Is(err, taskfile.ErrNoExpected) {
				return execution[string]{}, usageErr("%v; or give --model provider/model", err)
			}
			return execution[string]{}, usageErr("%v", err)
		}
	}
	return execution[string]{
		task:   run,
		oracle: oracle,
		kind:   "taskfile",
		// The task's facts need no actions: a run over millions of inputs
		// keeps none in memory.
		configure: func(cfg *maker.Config) { cfg.DiscardActions = true },
		params:    p,
		facts: func(res *maker.Result[string]) []fact {
			return []fact{
				{key: "task_file", label: "task file", value: p.File},
				{key: "final_state", label: "final state", value: res.State},
			}
		},
	}, nil
}

// sameData refuses data files whose contents differ from those a run
// started with.
func sameData(was, now map[string]string) error {
	for name, sum := range was {
		if now[name] != sum {
			return fmt.Errorf("data file %s has changed since the run started (sha256 %.12s, was %.12s): restore it, or start a new run", name, now[name], sum)
		}
	}
	return nil
}
