package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/calibrate"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/plan"
	"github.com/maker-go/maker/sim"
)

func newCalibrateCmd() *cobra.Command {
	var (
		f        runFlags
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
			new(calibration).register(own)
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
			names, err := calibrationModels(models)
			if err != nil {
				return err
			}
			// The flags are checked against the whole list: --base-url,
			// say, is for the provider models among the simulated ones.
			f.model = strings.Join(names, ",")
			if err := f.validate(); err != nil {
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
				f.model = name
				model, err := f.openModel(cmd.Context(), task)
				if err != nil {
					return err
				}
				rep, err := calibrate.Run(cmd.Context(), task, model, probes, calibrate.Options{
					PerStep: perStep, Concurrency: max(1, f.concurrency), Temperature: f.temp, MaxTokens: f.maxTokens, MinChars: f.minChars,
				})
				if err != nil {
					return &exitError{code: exitFailed, err: fmt.Errorf("--model %s: %w", name, err)}
				}
				rep.Model = name
				reps[i] = rep
				if pr, ok := model.(maker.Priced); ok {
					prices[i] = pr.Pricing()
				}
			}
			if len(reps) > 1 {
				tab := compareModels(reps, prices, task.Steps(), f.target)
				if f.jsonOut {
					return writeJSON(cmd.OutOrStdout(), tab)
				}
				return tab.writeText(cmd.OutOrStdout())
			}
			rep := reps[0]
			plans := calibrationPlans(rep, task.Steps(), f.target)
			if f.jsonOut {
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
			return writeCalibration(cmd.OutOrStdout(), rep, plans)
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
	f.registerOnly(fs, append(without(modelFlags, "model"), "concurrency", "temperature", "max-tokens", "min-chars", "target", "json")...)
	fs.Lookup("concurrency").DefValue = "8"
	_ = fs.Set("concurrency", "8")
	return cmd
}

// calibrationPlans plans the full task at the measured rate among valid
// votes and at the pessimistic end of its interval.
func calibrationPlans(rep *calibrate.Report, steps int, target float64) map[string]any {
	out := map[string]any{}
	if rep.VoteErrorRate.N == 0 {
		no := map[string]string{"error": fmt.Sprintf("no plan: none of the %d samples passed the red flags (flagged %v), so the measured p is 0 and voting cannot help (p <= 0.5)", rep.Samples, rep.Flagged)}
		return map[string]any{"measured": no, "pessimistic": no}
	}
	if rep.Hard.Share > 0 {
		out["hard_steps"] = hardPlan(rep, steps, target)
	}
	for name, q := range map[string]float64{"measured": rep.VoteErrorRate.Value, "pessimistic": rep.VoteErrorRate.Hi} {
		in := plan.Input{P: 1 - q, Steps: steps, Target: target, V: rep.V, InTokens: rep.MeanInputTokens, OutTokens: rep.MeanOutputTokens}
		if rep.Samples > 0 && rep.CostUSD > 0 {
			// Price the plan at the measured cost per sample.
			in.Prices = plan.Prices{OutPerMTok: rep.CostUSD / float64(rep.Samples) / rep.MeanOutputTokens * 1e6}
			in.InTokens = 0
		}
		pl, err := plan.Compute(in)
		if err != nil {
			out[name] = map[string]string{"error": err.Error()}
			continue
		}
		out[name] = pl
	}
	return out
}

func writeCalibration(w io.Writer, rep *calibrate.Report, plans map[string]any) error {
	var b strings.Builder
	sim := ""
	if rep.Simulated {
		sim = " (SIMULATED: no LLM was called)"
	}
	fmt.Fprintf(&b, "task        %s\nmodel       %s%s\n", rep.Task, rep.Model, sim)
	if rep.Truth == "pilot" {
		fmt.Fprintf(&b, "truth       PILOT: %s\n", rep.TruthNote)
	} else if rep.TruthNote != "" {
		fmt.Fprintf(&b, "truth       %s: %s\n", rep.Truth, rep.TruthNote)
	}
	fmt.Fprintf(&b, "sampled     %d steps, %d samples, $%.4f\n", rep.Steps, rep.Samples, rep.CostUSD)
	iv := func(name string, i calibrate.Interval) {
		fmt.Fprintf(&b, "%-11s %.5f (95%% CI %.5f-%.5f, n=%d)\n", name, i.Value, i.Lo, i.Hi, i.N)
	}
	q := rep.VoteErrorRate
	fmt.Fprintf(&b, "p           %.5f (95%% CI %.5f-%.5f): one valid vote's success rate, 1 - vote errors\n", 1-q.Value, 1-q.Hi, 1-q.Lo)
	iv("error rate", rep.ErrorRate)
	iv("vote errors", rep.VoteErrorRate)
	iv("no flags", rep.NoFlagErrorRate)
	fmt.Fprintf(&b, "valid (v)   %.4f; flagged %v\n", rep.V, rep.Flagged)
	fmt.Fprintf(&b, "tokens      %.0f in, %.0f out per sample\n", rep.MeanInputTokens, rep.MeanOutputTokens)
	b.WriteString("error rate by answer length (output tokens):\n")
	for _, bk := range rep.ByLength {
		hi := "   +"
		if bk.MaxTokens > 0 {
			hi = fmt.Sprintf("%4d", bk.MaxTokens)
		}
		fmt.Fprintf(&b, "  %4d-%s  %6d answers  %.4f\n", bk.MinTokens, hi, bk.Answers, bk.Rate)
	}
	fmt.Fprintf(&b, "collisions  %d (%.2f expected if errors were independent)", rep.Collisions, rep.ExpectedCollisions)
	if len(rep.CollisionSteps) > 0 {
		fmt.Fprintf(&b, " at steps %v", rep.CollisionSteps)
	}
	b.WriteString("\n")
	h := rep.Hard
	switch {
	case h.Share > 0:
		fmt.Fprintf(&b, "hard steps  %.3g%% of the steps at p = %.4f, the others at p = %.5f (%d steps measured", 100*h.Share, h.P, h.BaseP, h.StepsMeasured)
		if rep.FollowUpSamples > 0 {
			fmt.Fprintf(&b, ", %d follow-up samples", rep.FollowUpSamples)
		}
		b.WriteString(")\n")
	case h.StepsMeasured > 0:
		fmt.Fprintf(&b, "hard steps  none told apart (%d steps measured; %.3g%% of them under p = %g)\n", h.StepsMeasured, 100*h.Below, h.Threshold)
	}
	for _, name := range []string{"hard_steps", "measured", "pessimistic"} {
		switch pl := plans[name].(type) {
		case plan.Plan:
			if pl.Flat != nil {
				fmt.Fprintf(&b, "plan (hard steps): k_min %d, success %.4f, %.0f samples, $%.2f; a plan at the average p = %.5f would take k = %d and promise %.4f, but succeed %.4f\n",
					pl.KMin, pl.PFull, pl.ExpectedSamples, pl.ExpectedCostUSD, pl.Flat.P, pl.Flat.KMin, pl.Flat.PFull, pl.Flat.TruePFull)
				continue
			}
			fmt.Fprintf(&b, "plan (%s p = %.5f): k_min %d, success %.4f, %.0f samples, $%.2f\n", name, pl.P, pl.KMin, pl.PFull, pl.ExpectedSamples, pl.ExpectedCostUSD)
		case map[string]string:
			fmt.Fprintf(&b, "plan (%s): %s\n", name, pl["error"])
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
