package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/plan"
	"github.com/maker-go/maker/provider"
	"github.com/maker-go/maker/sim"
)

// modelPrices finds the prices of a named model for planning, without
// opening it (no API key is needed to plan): the simulator's own, or those
// the registered provider charges a run (see provider.ModelPrice).
func modelPrices(name string) (maker.Pricing, bool) {
	if name == sim.Name {
		return sim.DefaultConfig().Pricing, true
	}
	return provider.ModelPrice(name)
}

func newPlanCmd() *cobra.Command {
	var (
		in       plan.Input
		model    string
		priceIn  float64
		priceOut float64
		priceC   float64
		latency  time.Duration
		jsonOut  bool
	)
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Plan a run before paying for it: k_min, success, samples, cost and time",
		Long: `Plan a run from the model's measured per-step success rate p (see maker calibrate):
the smallest vote margin k_min that reaches the target, the success probability at
k_min and k_min-1, expected votes and samples per step, total samples and cost, how
many steps stay undecided after each round of votes, and the expected wall time.`,
		Example: `  maker plan --p 0.9978 --steps 1048575 --model sim
  maker plan --p 0.9978 --steps 1048575 --price-in 0.40 --price-out 1.60 --in-tokens 600 --out-tokens 538
  maker plan --p 0.99 --steps 1023 --latency 2s --concurrency 8 --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if in.P == 0 || in.Steps == 0 {
				return usageErr("--p and --steps are required")
			}
			switch {
			case priceIn > 0 || priceOut > 0:
				in.Prices = plan.Prices{InPerMTok: priceIn, OutPerMTok: priceOut, CachedInPerMTok: priceC}
			case model != "":
				p, ok := modelPrices(model)
				if !ok {
					return usageErr("no price is known for %q; give --price-in and --price-out (USD per million tokens)", model)
				}
				in.Prices = plan.Prices{InPerMTok: p.InPerMTok, OutPerMTok: p.OutPerMTok, CachedInPerMTok: p.CachedInPerMTok}
			}
			in.LatencySeconds = latency.Seconds()
			pl, err := plan.Compute(in)
			if err != nil {
				return usageErr("%v", err)
			}
			out := cmd.OutOrStdout()
			if jsonOut {
				b, err := json.Marshal(pl)
				if err != nil {
					return err
				}
				_, err = fmt.Fprintln(out, string(b))
				return err
			}
			_, err = fmt.Fprint(out, planText(pl))
			return err
		},
	}
	fs := cmd.Flags()
	fs.Float64Var(&in.P, "p", 0, "probability that one valid sample decides a step right (required)")
	fs.IntVar(&in.Steps, "steps", 0, "number of steps in the task (required; 2^n-1 for n-disk Hanoi)")
	fs.Float64Var(&in.Target, "target", plan.DefaultTarget, "required probability that the whole task succeeds")
	fs.Float64Var(&in.V, "v", 1, "share of samples that pass the red flags")
	fs.IntVar(&in.M, "m", 1, "steps per model call (1: maximal decomposition)")
	fs.StringVar(&model, "model", "", "model whose prices to use (or give --price-in/--price-out)")
	fs.Float64Var(&priceIn, "price-in", 0, "input price, USD per million tokens")
	fs.Float64Var(&priceOut, "price-out", 0, "output price, USD per million tokens")
	fs.Float64Var(&priceC, "price-cached", 0, "cached-input price, USD per million tokens")
	fs.Float64Var(&in.InTokens, "in-tokens", 600, "mean input tokens per call")
	fs.Float64Var(&in.OutTokens, "out-tokens", 540, "mean output tokens per call")
	fs.Float64Var(&in.CachedInTokens, "cached-tokens", 0, "mean cached input tokens per call")
	fs.DurationVar(&latency, "latency", 0, "latency of one call (a high percentile)")
	fs.IntVar(&in.Concurrency, "concurrency", 0, "most calls in flight (0: k_min)")
	fs.IntVar(&in.Rounds, "rounds", 0, "rows of the undecided table (0: until under 0.01 steps)")
	fs.BoolVar(&jsonOut, "json", false, "print the plan as one JSON object")
	return cmd
}

func planText(pl plan.Plan) string {
	var b strings.Builder
	fmt.Fprintf(&b, "steps              %d (p = %g, target %g", pl.Steps, pl.P, pl.Target)
	if pl.V != 1 {
		fmt.Fprintf(&b, ", v = %g", pl.V)
	}
	b.WriteString(")\n")
	fmt.Fprintf(&b, "k_min              %d\n", pl.KMin)
	fmt.Fprintf(&b, "success at k_min   %.6f\n", pl.PFull)
	if pl.PFullKMinus1 != nil {
		fmt.Fprintf(&b, "success at k_min-1 %.6f\n", *pl.PFullKMinus1)
	}
	fmt.Fprintf(&b, "votes per step     %.4f expected\n", pl.ExpectedVotesPerStep)
	fmt.Fprintf(&b, "samples per step   %.4f expected\n", pl.ExpectedSamplesPerStep)
	fmt.Fprintf(&b, "samples            %.0f expected\n", pl.ExpectedSamples)
	fmt.Fprintf(&b, "cost               $%.2f expected ($%.6f a sample)\n", pl.ExpectedCostUSD, pl.CostPerSampleUSD)
	if pl.LatencySeconds > 0 {
		fmt.Fprintf(&b, "wall time          %s expected\n", time.Duration(pl.ExpectedWallSeconds*float64(time.Second)).Round(time.Second))
	}
	b.WriteString("undecided steps after n votes (expected):\n")
	for _, row := range pl.UndecidedAfterRound {
		fmt.Fprintf(&b, "  %4d  %.4g\n", row.Votes, row.Undecided)
	}
	return b.String()
}
