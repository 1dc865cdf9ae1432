package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/calibrate"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/sim"
)

func newCalibrateCmd() *cobra.Command {
	var (
		f        runs.Flags
		taskName string
		disks    int
		samples  int
		perStep  int
		probe    uint64
		models   []string
		prompt   string
	)
	cmd := &cobra.Command{
		Use:   "calibrate [TASK [task flags]]",
		Short: "Measure a model's per-step error rate on random steps, then plan the full task",
		Long: `Measure any task: TASK and its flags are those of the task commands (hanoi, cube,
sudoku, requirements, run, scenario ...), e.g. maker calibrate run examples/yaml/ledger.yaml.
Without TASK, --task hanoi --disks N is measured.

Draw random steps of the task (states from the known solution), take independent
single samples on each without voting, and report the per-step error rate with a 95%
Wilson interval, the red-flag rate v, mean tokens, the error rate by answer length, and
collisions (steps where two samples are both wrong, a sign of correlated errors). The
error rate is given with red-flagging and with the parser alone, so the effect of
red-flagging shows. It ends with the plan for the full task at the measured rate and at
the interval's pessimistic end.

With several --model, every model answers the same steps and one table compares
them: p with its 95% interval, v, mean tokens, and the plan for the full task at
--target (k_min, cost per step, total cost and wall time at the measured p90
latency); the cheapest model that meets the target is marked. Each row's plan is
what maker plan prints for the same p, v, tokens, latency and model.

The steps' states and right answers come from the task's known answers: its oracle
(hanoi, cube, sudoku, the scenarios) or a task file's expected answers. A task with
none is measured by a pilot: its first --pilot-steps steps are decided by a vote at
--pilot-k on the first --model, and p is the agreement with those decisions, which
the output says, with its bias.

Hard steps: with --per-step 3 or more, the report estimates how p varies across
steps (hard_steps: the share of steps where the model errs often, their p and the
others'), from the steps where two samples were wrong; --follow-up N samples those
steps N more times to measure their p. The plan then plans for them (maker plan
--calibration FILE reads the JSON) and says when no k reaches the target.`,
		Example: `  maker calibrate run examples/yaml/ledger.yaml --samples 300 --model 'sim/a?error=0.01'
  maker calibrate sudoku --seed 7 --model 'sim/a?error=0.02' --model 'sim/b?error=0.005'
  maker calibrate hanoi --disks 14 --samples 24000 --per-step 8 --follow-up 40 --json > cal.json
  maker calibrate --task hanoi --disks 20 --samples 1000
  maker calibrate --task hanoi --disks 20 --samples 400 --model 'sim/mini?error=0.002' --model 'sim/nano?error=0.02&price_in=0.1&price_out=0.4'
  maker calibrate --task hanoi --disks 10 --model openai/gpt-4.1-mini --samples 2000 --concurrency 16`,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			own := pflag.NewFlagSet("calibrate", pflag.ContinueOnError)
			new(runs.Calibration).Register(own)
			own.AddFlagSet(cmd.Flags()) // --task hanoi names no task command
			if i := taskIndex(args, own); i >= 0 {
				return calibrateTask(cmd, args[:i], args[i:])
			}
			if err := cmd.Flags().Parse(args); err != nil {
				return usageErr("%v (see 'maker calibrate --help')", err)
			}
			if help, _ := cmd.Flags().GetBool("help"); help {
				return cmd.Help()
			}
			if cmd.Flags().NArg() > 0 {
				return usageErr("calibrate: %q is not a task (known: %s)", cmd.Flags().Arg(0), strings.Join(taskCommands(), ", "))
			}
			names, err := runs.CalibrationModels(models)
			if err != nil {
				return err
			}
			// The flags are checked against the whole list: --base-url,
			// say, is for the provider models among the simulated ones.
			f.SetModel(strings.Join(names, ","))
			if err := f.Validate(); err != nil {
				return err
			}
			if taskName != "hanoi" {
				return usageErr("--task %q is not known (known: hanoi)", taskName)
			}
			if disks < 1 || disks > hanoi.MaxDisks {
				return usageErr("--disks must be between 1 and %d, got %d", hanoi.MaxDisks, disks)
			}
			switch {
			case samples < 2 || samples > calibrate.MaxSamples:
				return usageErr("--samples: want 2 to %d model calls, got %d", calibrate.MaxSamples, samples)
			case perStep < 1 || perStep > samples:
				return usageErr("--per-step: want 1 to --samples (%d), got %d", samples, perStep)
			}
			task, err := hanoi.New(disks)
			if err != nil {
				return usageErr("%v", err)
			}
			if prompt != "" {
				tmpl, err := hanoi.LoadTemplate(cmd.Context(), prompt)
				if err != nil {
					return usageErr("%v", err)
				}
				task = task.WithTemplate(tmpl)
			}
			refs := hanoi.Draw(disks, max(1, samples/perStep), probe)
			probes := make([]calibrate.Probe[hanoi.State], len(refs))
			for i, r := range refs {
				probes[i] = calibrate.Probe[hanoi.State]{Step: r.Step, State: r.Before, Prev: r.Prev, Right: r.Right}
			}
			// Every model answers the same steps.
			reps := make([]*calibrate.Report, len(names))
			prices := make([]maker.Pricing, len(names))
			for i, name := range names {
				if reps[i], prices[i], err = runs.CalibrateModel(cmd.Context(), &f, name, task, task, probes, perStep); err != nil {
					return err
				}
			}
			if len(reps) > 1 {
				tab := runs.CompareModels(reps, prices, task.Steps(), f.Target())
				if f.JSON() {
					return runs.WriteJSON(cmd.OutOrStdout(), tab)
				}
				return tab.WriteText(cmd.OutOrStdout())
			}
			rep := reps[0]
			plans := runs.CalibrationPlans(rep, task.Steps(), f.Target())
			if f.JSON() {
				b, err := json.Marshal(struct {
					*calibrate.Report
					Plans map[string]any `json:"plans"`
				}{rep, plans})
				if err != nil {
					return err
				}
				_, err = fmt.Fprintln(cmd.OutOrStdout(), string(b))
				return err
			}
			return runs.WriteCalibration(cmd.OutOrStdout(), rep, plans)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&taskName, "task", "hanoi", "task to calibrate on")
	fs.IntVar(&disks, "disks", 10, "Hanoi disks")
	fs.IntVar(&samples, "samples", 1000, fmt.Sprintf("model calls to make in all (at most %d)", calibrate.MaxSamples))
	fs.IntVar(&perStep, "per-step", 2, "independent samples per step (two or more show collisions)")
	fs.Uint64Var(&probe, "probe-seed", 1, "seed that picks the steps")
	fs.StringVar(&prompt, "prompt-file", "", "user-prompt template, as maker hanoi takes it (Go text/template with {{.Prev}} and {{.State}})")
	// Calibration takes independent single samples: no voting, budget,
	// journal or report flags apply.
	fs.StringArrayVar(&models, "model", []string{sim.Name}, "model to measure: sim, sim/NAME?error=0.01&..., or provider/model; give it several times (or a comma list) to compare models on the same steps")
	f.RegisterOnly(fs, append(runs.Without(runs.ModelFlags, "model"), "concurrency", "temperature", "max-tokens", "min-chars", "target", "json")...)
	fs.Lookup("concurrency").DefValue = "8"
	_ = fs.Set("concurrency", "8")
	return cmd
}
