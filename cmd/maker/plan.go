package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/calibrate"
	"github.com/maker-go/maker/internal/fileio"
	"github.com/maker-go/maker/plan"
	"github.com/maker-go/maker/provider"
	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/sim"
)

// modelPrices finds the prices of a named model for planning, without
// opening it (no API key is needed to plan): a simulated model's own (its
// name's price parameters, or the simulator's defaults), or those the
// registered provider charges a run (see provider.ModelPrice).
func modelPrices(name string) (maker.Pricing, bool, error) {
	if sim.IsName(name) {
		cfg, err := sim.ParseName(name, sim.DefaultConfig())
		if err != nil {
			return maker.Pricing{}, false, usageErr("--model: %v", err)
		}
		return cfg.Pricing, true, nil
	}
	p, ok := provider.ModelPrice(name)
	return p, ok, nil
}

func newPlanCmd() *cobra.Command {
	var (
		in       plan.Input
		models   []string
		ps, vs   []float64
		inToks   []float64
		outToks  []float64
		lats     []time.Duration
		spread   float64
		priceIn  float64
		priceOut float64
		priceC   float64
		jsonOut  bool
		calFile  string
	)
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Plan a run before paying for it: k_min, success, samples, cost and time",
		Long: `Plan a run from the model's measured per-step success rate p (see maker calibrate):
the smallest vote margin k_min that reaches the target, the success probability at
k_min and k_min-1, expected votes and samples per step, total samples and cost, how
many steps stay undecided after each round of votes, and the expected wall time.

With several --model, plan each at its own prices and print one table, the cheapest
model that meets the target marked, as maker calibrate does for several models.
--p, --v, --in-tokens, --out-tokens and --latency then take one value for every
model or one per model, in the order of --model.`,
		Example: `  maker plan --p 0.9978 --steps 1048575 --model sim
  maker plan --p 0.9978 --steps 1048575 --price-in 0.40 --price-out 1.60 --in-tokens 600 --out-tokens 538
  maker plan --p 0.99 --steps 1023 --latency 2s --concurrency 8 --json
  maker plan --steps 1048575 --model 'sim/mini?error=0.002' --model 'sim/nano?error=0.02&price_in=0.1&price_out=0.4' --p 0.998,0.98`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			names, err := planModels(models)
			if err != nil {
				return err
			}
			if calFile != "" {
				if len(ps) > 0 || cmd.Flags().Changed("hard-share") || cmd.Flags().Changed("hard-p") {
					return usageErr("--calibration gives p and the hard steps: leave out --p, --hard-share and --hard-p")
				}
				if len(names) > 1 {
					return usageErr("--calibration plans the one model it measured: give at most one --model")
				}
				return planFromCalibration(cmd, calFile, in, names, jsonOut)
			}
			if len(ps) == 0 || in.Steps == 0 {
				return usageErr("--p and --steps are required")
			}
			if (in.Hard.Share > 0) != (in.Hard.P > 0) {
				return usageErr("--hard-share and --hard-p go together")
			}
			if err := checkPlanFlags(in, ps, vs, inToks, outToks, lats, [3]float64{priceIn, priceOut, priceC}); err != nil {
				return err
			}
			if !(spread > 0 && spread <= maxLatencySpread) { // NaN fails too
				return usageErr("--latency-spread: want a log-normal sigma above 0, at most %g, got %v", float64(maxLatencySpread), spread)
			}
			in.LatencySpread = spread
			n := max(1, len(names))
			lists := []struct {
				name string
				n    int
			}{{"p", len(ps)}, {"v", len(vs)}, {"in-tokens", len(inToks)}, {"out-tokens", len(outToks)}, {"latency", len(lats)}}
			for _, l := range lists {
				if l.n != 1 && l.n != n {
					return usageErr("--%s takes one value, or one per --model (%d), got %d", l.name, n, l.n)
				}
			}
			at := func(i int) plan.Input {
				x := in
				pick := func(v []float64) float64 { return v[min(i, len(v)-1)] }
				x.P, x.V, x.InTokens, x.OutTokens = pick(ps), pick(vs), pick(inToks), pick(outToks)
				x.LatencySeconds = lats[min(i, len(lats)-1)].Seconds()
				return x
			}
			pricesOf := func(name string) (plan.Prices, error) {
				if priceIn > 0 || priceOut > 0 {
					return plan.Prices{InPerMTok: priceIn, OutPerMTok: priceOut, CachedInPerMTok: priceC}, nil
				}
				if name == "" {
					return plan.Prices{}, nil
				}
				p, ok, err := modelPrices(name)
				if err != nil {
					return plan.Prices{}, err
				}
				if !ok {
					return plan.Prices{}, usageErr("no price is known for %q; give --price-in and --price-out (USD per million tokens)", name)
				}
				return plan.Prices{InPerMTok: p.InPerMTok, OutPerMTok: p.OutPerMTok, CachedInPerMTok: p.CachedInPerMTok}, nil
			}
			out := cmd.OutOrStdout()
			if len(names) > 1 {
				c := &runs.ModelChoice{Steps: in.Steps, Target: in.Target}
				for i, name := range names {
					x := at(i)
					pr, err := pricesOf(name)
					if err != nil {
						return err
					}
					x.Prices = pr
					// Inputs out of range are the caller's mistake, not a
					// model that cannot meet the target.
					if _, err := plan.Compute(x); errors.Is(err, plan.ErrOutOfRange) {
						return usageErr("--model %s: %v", name, err)
					}
					c.Models = append(c.Models, runs.ChoiceRow{
						Model: name, Simulated: sim.IsName(name), P: x.P, PLo: x.P, PHi: x.P, V: x.V,
						MeanInputTokens: x.InTokens, MeanOutputTokens: x.OutTokens, LatencyP90Seconds: x.LatencySeconds,
						Pricing: maker.Pricing{InPerMTok: pr.InPerMTok, OutPerMTok: pr.OutPerMTok, CachedInPerMTok: pr.CachedInPerMTok},
					})
				}
				c.Plan()
				if jsonOut {
					return runs.WriteJSON(out, c)
				}
				return c.WriteText(out)
			}
			name := ""
			if len(names) == 1 {
				name = names[0]
			}
			x := at(0)
			if x.Prices, err = pricesOf(name); err != nil {
				return err
			}
			return printPlan(out, x, jsonOut)
		},
	}
	fs := cmd.Flags()
	fs.Float64SliceVar(&ps, "p", nil, "probability that one valid sample decides a step right (required; one per --model, or one for all)")
	fs.IntVar(&in.Steps, "steps", 0, "number of steps in the task (required; 2^n-1 for n-disk Hanoi)")
	fs.Float64Var(&in.Target, "target", plan.DefaultTarget, "required probability that the whole task succeeds")
	fs.Float64SliceVar(&vs, "v", []float64{1}, "share of samples that pass the red flags")
	fs.IntVar(&in.M, "m", 1, "steps per model call (1: maximal decomposition)")
	fs.StringArrayVar(&models, "model", nil, "model whose prices to use (or give --price-in/--price-out); several (repeated, or a comma list) for one row each")
	fs.Float64Var(&priceIn, "price-in", 0, "input price, USD per million tokens")
	fs.Float64Var(&priceOut, "price-out", 0, "output price, USD per million tokens")
	fs.Float64Var(&priceC, "price-cached", 0, "cached-input price, USD per million tokens")
	fs.Float64SliceVar(&inToks, "in-tokens", []float64{600}, "mean input tokens per call")
	fs.Float64SliceVar(&outToks, "out-tokens", []float64{540}, "mean output tokens per call")
	fs.Float64Var(&in.CachedInTokens, "cached-tokens", 0, "mean cached input tokens per call")
	fs.DurationSliceVar(&lats, "latency", []time.Duration{0}, "latency of one call (a high percentile: the wall time with and without speculation takes it as the 90th percentile of a log-normal latency)")
	fs.Float64Var(&spread, "latency-spread", plan.DefaultLatencySpread, "sigma of the log-normal call latency, for the wall time with and without speculation")
	fs.IntVar(&in.Concurrency, "concurrency", 0, "most calls in flight (0: k_min)")
	fs.IntVar(&in.Rounds, "rounds", 0, "rows of the undecided table (0: until under 0.01 steps)")
	fs.BoolVar(&jsonOut, "json", false, "print the plan as one JSON object")
	fs.Float64Var(&in.Hard.Share, "hard-share", 0, "share of the steps that are hard (see maker calibrate --per-step 3 or more): --p is then the other steps' p")
	fs.Float64Var(&in.Hard.P, "hard-p", 0, "p of a valid vote on a hard step (with --hard-share)")
	fs.StringVar(&calFile, "calibration", "", "plan from maker calibrate's JSON (one model): its p, v, tokens, latency, cost per sample and hard steps; give --steps")
	return cmd
}

// maxPlanTokens bounds the mean tokens of one call that plan takes: far
// above any model's context, so only a mistyped number is refused.
const maxPlanTokens = 1e9

// maxLatencySpread bounds --latency-spread: at sigma 3 the 90th percentile
// is 47 times the median, far past any endpoint worth planning for.
const maxLatencySpread = 3

// checkPlanFlags refuses a number no plan can be made of, with a one-line
// usage error naming its flag, before plan.Compute names its field: a
// negative or NaN price would otherwise be left out as if not given.
func checkPlanFlags(in plan.Input, ps, vs, inToks, outToks []float64, lats []time.Duration, prices [3]float64) error {
	for i, name := range []string{"price-in", "price-out", "price-cached"} {
		if err := maker.CheckPrice(prices[i]); err != nil {
			return usageErr("--%s: %v", name, err)
		}
	}
	in01 := func(x float64, open bool) bool {
		return !math.IsNaN(x) && x > 0 && (x < 1 || !open && x == 1)
	}
	for _, c := range []struct {
		name string
		bad  bool
		want string
		got  any
	}{
		{"steps", in.Steps < 1, "a whole number of steps, 1 or more", in.Steps},
		{"target", !in01(in.Target, true), "a probability between 0 and 1, both excluded", in.Target},
		{"m", in.M < 1 || in.M > in.Steps, fmt.Sprintf("1 to --steps (%d) steps per call", in.Steps), in.M},
		{"cached-tokens", math.IsNaN(in.CachedInTokens) || in.CachedInTokens < 0 || in.CachedInTokens > maxPlanTokens, fmt.Sprintf("tokens from 0 to %g", float64(maxPlanTokens)), in.CachedInTokens},
		{"concurrency", in.Concurrency < 0, "0 (k_min) or more calls", in.Concurrency},
		{"rounds", in.Rounds < 0 || in.Rounds > 1000, "0 (until under 0.01 steps) to 1000 rows", in.Rounds},
	} {
		if c.bad {
			return usageErr("--%s: want %s, got %v", c.name, c.want, c.got)
		}
	}
	for _, l := range []struct {
		name string
		vals []float64
		ok   func(float64) bool
		want string
	}{
		{"p", ps, func(x float64) bool { return in01(x, false) }, "a probability above 0, at most 1"},
		{"v", vs, func(x float64) bool { return in01(x, false) }, "a share above 0, at most 1"},
		{"in-tokens", inToks, func(x float64) bool { return x >= 0 && x <= maxPlanTokens }, fmt.Sprintf("tokens from 0 to %g", float64(maxPlanTokens))},
		{"out-tokens", outToks, func(x float64) bool { return x >= 0 && x <= maxPlanTokens }, fmt.Sprintf("tokens from 0 to %g", float64(maxPlanTokens))},
	} {
		for _, x := range l.vals {
			if !l.ok(x) { // NaN fails every comparison
				return usageErr("--%s: want %s, got %v", l.name, l.want, x)
			}
		}
	}
	for _, d := range lats {
		if d < 0 {
			return usageErr("--latency: want 0 or more, got %v", d)
		}
	}
	return nil
}

// planModels are the models --model names for plan, each value one model
// or a comma list (no weights: each model is planned on its own).
func planModels(values []string) ([]string, error) {
	if len(values) == 0 {
		return nil, nil
	}
	return runs.CalibrationModels(values)
}

// printPlan computes the plan and prints it. A plan whose hard steps no
// margin gets through is a failure (exit 1) that says what would help,
// not bad usage.
func printPlan(out io.Writer, x plan.Input, jsonOut bool) error {
	pl, err := plan.Compute(x)
	if errors.Is(err, plan.ErrUnreachable) {
		return &exitError{Code: exitFailed, Err: err}
	}
	if err != nil {
		return usageErr("%v", err)
	}
	if jsonOut {
		return runs.WriteJSON(out, pl)
	}
	_, err = fmt.Fprint(out, planText(pl))
	return err
}

// planFromCalibration plans from calibrate's JSON: the report's measured
// p, v, tokens, p90 latency and cost per sample, and its hard steps, for
// the task of --steps steps at --target.
func planFromCalibration(cmd *cobra.Command, file string, in plan.Input, names []string, jsonOut bool) error {
	if in.Steps == 0 {
		return usageErr("--calibration needs --steps: the task's length")
	}
	b, err := fileio.ReadCapped(cmd.Context(), file, 64<<20)
	if err != nil {
		return usageErr("--calibration: %v", err)
	}
	var rep calibrate.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		return usageErr("--calibration %s: not calibrate's JSON: %v", file, err)
	}
	if rep.Samples == 0 || rep.VoteErrorRate.N == 0 {
		return usageErr("--calibration %s: no measured sample (is it the JSON of maker calibrate with one --model?)", file)
	}
	x := rep.PlanInput(in.Steps, in.Target)
	x.M, x.Concurrency, x.Rounds, x.LatencySpread = in.M, in.Concurrency, in.Rounds, in.LatencySpread
	if len(names) == 1 {
		p, ok, err := modelPrices(names[0])
		if err != nil {
			return err
		}
		if ok {
			x.Prices = plan.Prices{InPerMTok: p.InPerMTok, OutPerMTok: p.OutPerMTok, CachedInPerMTok: p.CachedInPerMTok}
			x.InTokens = rep.MeanInputTokens
		}
	}
	return printPlan(cmd.OutOrStdout(), x, jsonOut)
}

func planText(pl plan.Plan) string {
	var b strings.Builder
	fmt.Fprintf(&b, "steps              %d (p = %g, target %g", pl.Steps, pl.P, pl.Target)
	if pl.V != 1 {
		fmt.Fprintf(&b, ", v = %g", pl.V)
	}
	b.WriteString(")\n")
	if pl.Hard.Share > 0 {
		fmt.Fprintf(&b, "hard steps         %.3g%% of the steps at p = %g (p above is the others')\n", 100*pl.Hard.Share, pl.Hard.P)
	}
	fmt.Fprintf(&b, "k_min              %d\n", pl.KMin)
	fmt.Fprintf(&b, "success at k_min   %.6f\n", pl.PFull)
	if pl.PFullKMinus1 != nil {
		fmt.Fprintf(&b, "success at k_min-1 %.6f\n", *pl.PFullKMinus1)
	}
	if f := pl.Flat; f != nil {
		fmt.Fprintf(&b, "flat-p plan        at the average p = %.6f: k = %d, promising %.6f, but %.6f with the hard steps; at k_min it promises %.6f\n",
			f.P, f.KMin, f.PFull, f.TruePFull, f.PFullAtK)
	}
	fmt.Fprintf(&b, "votes per step     %.4f expected\n", pl.ExpectedVotesPerStep)
	fmt.Fprintf(&b, "samples per step   %.4f expected\n", pl.ExpectedSamplesPerStep)
	fmt.Fprintf(&b, "samples            %.0f expected\n", pl.ExpectedSamples)
	fmt.Fprintf(&b, "cost               $%.2f expected ($%.6f a sample)\n", pl.ExpectedCostUSD, pl.CostPerSampleUSD)
	if pl.LatencySeconds > 0 {
		fmt.Fprintf(&b, "wall time          %s expected (rounds of calls, each --latency long)\n", seconds(pl.ExpectedWallSeconds))
		writeSpeculationPlan(&b, pl)
	}
	b.WriteString("undecided steps after n votes (expected):\n")
	for _, row := range pl.UndecidedAfterRound {
		fmt.Fprintf(&b, "  %4d  %.4g\n", row.Votes, row.Undecided)
	}
	return b.String()
}

// writeSpeculationPlan prints the wall time with and without speculation
// under the log-normal latency model, and what speculation throws away.
func writeSpeculationPlan(b *strings.Builder, pl plan.Plan) {
	fmt.Fprintf(b, "latency model      log-normal calls: 90th percentile %s (--latency), median %s, sigma %g\n",
		seconds(pl.LatencySeconds), seconds(pl.MedianLatencySeconds), pl.LatencySpread)
	fmt.Fprintf(b, "no speculation     %s expected (each step waits for the one before to be decided)\n", seconds(pl.WallSeconds))
	if pl.SpeculationDepth == 0 {
		fmt.Fprintf(b, "with speculation   off: at p = %g leaders change too often to vote ahead within %.0f%% extra samples\n", pl.P, 100*maker.MaxSpeculationWaste)
		return
	}
	fmt.Fprintf(b, "with speculation   %s expected at depth %d (each step starts on the leading answer of the one before)\n", seconds(pl.SpeculativeWallSeconds), pl.SpeculationDepth)
	fmt.Fprintf(b, "extra samples      %.0f expected (%.2f%%), thrown away when a leader changes\n", pl.SpeculativeExtraSamples, 100*pl.SpeculativeExtraSamples/pl.ExpectedSamples)
}

// seconds is a duration in seconds for people, to the second (to the
// millisecond under a minute).
func seconds(s float64) string {
	d := time.Duration(s * float64(time.Second))
	if d < time.Minute {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}
