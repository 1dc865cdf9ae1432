package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/maker-go/maker/runs"
)

func newSubmitCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "submit --server URL TASK [flags]",
		Short: "Start a run on a maker service instead of here",
		Long: `Start a run on a maker service (maker serve): TASK and its flags are those of the
task commands (hanoi, cube, sudoku, requirements, run, scenario ...), read here, and
the run is journaled and carried out by the service. It prints the run's id at
once; follow it with maker watch.

A task file (run TASK.yaml) is sent with the data files it names (inputs,
expected_file), read here, so the service needs none of this machine's files;
a program it runs (execute) must be in a directory the service allows
(maker serve --allow-execute --allow-dir DIR).

The service refuses the flags that would make it read or write a file of its
own (--db, --events, --report) and those that name a key's variable or an
endpoint (--api-key-env, --base-url): those are the service's settings.`,
		Example: `  maker submit --server http://127.0.0.1:7777 hanoi --disks 12 --k 3
  maker submit --server http://127.0.0.1:7777 run examples/yaml/running-sum.yaml --json`,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			var c clientFlags
			fs := pflag.NewFlagSet("submit", pflag.ContinueOnError)
			c.register(fs)
			rest, err := takeFlags(fs, args)
			if err != nil {
				return usageErr("%v", err)
			}
			if len(rest) == 0 || rest[0] == "-h" || rest[0] == "--help" {
				return cmd.Help()
			}
			if c.server == "" {
				return usageErr("submit needs --server URL (the maker service)")
			}
			root := newRoot(cmd.OutOrStdout(), cmd.ErrOrStderr())
			root.SetArgs(rest)
			return root.ExecuteContext(withSubmit(cmd.Context(), c.client()))
		},
	}
	return cmd
}

// takeFlags takes the flags of fs out of args (anywhere among them, up to
// a "--") and returns the others, in order: how maker submit and maker
// calibrate find their own flags among a task command's.
func takeFlags(fs *pflag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			// What follows is the command's own, flags or not.
			return append(rest, args[i:]...), nil
		}
		name, val, hasVal := strings.Cut(strings.TrimPrefix(a, "--"), "=")
		fl := fs.Lookup(name)
		if !strings.HasPrefix(a, "--") || fl == nil {
			rest = append(rest, a)
			continue
		}
		if !hasVal && fl.NoOptDefVal != "" {
			val = fl.NoOptDefVal // a switch: --ensemble
		} else if !hasVal {
			if i+1 >= len(args) {
				return nil, fmt.Errorf("flag needs an argument: --%s", name)
			}
			i++
			val = args[i]
		}
		if err := fs.Set(name, val); err != nil {
			return nil, fmt.Errorf("--%s: %v", name, err)
		}
	}
	return rest, nil
}

// submitSession are the run flags that belong to this command line, not to
// the run a service carries out.
var submitSession = map[string]bool{"json": true, "quiet": true, "db": true, "no-journal": true}

// submit sends the run to the service instead of running it: its kind,
// params and the run flags given on the command line.
func submit(cmd *cobra.Command, f *runs.Flags, x runs.Opened) error {
	c := submitTo(cmd.Context())
	params, err := submitParams(cmd.Context(), x.RunParams())
	if err != nil {
		return err
	}
	run := pflag.NewFlagSet("run flags", pflag.ContinueOnError)
	new(runs.Flags).Register(run)
	d := runs.Spec{Kind: x.RunKind(), Params: params}
	var setErr error
	cmd.Flags().Visit(func(fl *pflag.Flag) {
		if run.Lookup(fl.Name) == nil || submitSession[fl.Name] || setErr != nil {
			return
		}
		v, _ := json.Marshal(fl.Value.String())
		if err := d.Settings.Set(fl.Name, v); err != nil {
			setErr = usageErr("--%s: %v", fl.Name, err)
		}
	})
	if setErr != nil {
		return setErr
	}
	id, err := c.Start(cmd.Context(), d)
	if err != nil {
		return clientErr(err)
	}
	if f.JSON() {
		_, err = fmt.Fprintf(cmd.OutOrStdout(), "{\"run_id\":%q}\n", id)
		return err
	}
	_, err = fmt.Fprintf(cmd.OutOrStdout(), "run %s started on %s (maker watch %s --server %s)\n", id, c.Base, id, c.Base)
	return err
}
