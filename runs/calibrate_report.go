package runs

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/calibrate"
	"github.com/maker-go/maker/plan"
)

// CalibrationPlans plans the full task at the measured rate among valid
// votes and at the pessimistic end of its interval.
func CalibrationPlans(rep *calibrate.Report, steps int, target float64) map[string]any {
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

// WriteCalibration prints one model's calibration and its plans for
// people.
func WriteCalibration(w io.Writer, rep *calibrate.Report, plans map[string]any) error {
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

// CalibrateModel measures the model name on the probes of task with the
// flags' model settings (independent single samples, perStep a step, at
// the flags' concurrency, temperature and red-flag limits), as maker
// calibrate --task does, and returns the report and the model's prices.
func CalibrateModel[S any](ctx context.Context, f *Flags, name string, task maker.Task[S], oracle maker.Oracle, probes []calibrate.Probe[S], perStep int) (*calibrate.Report, maker.Pricing, error) {
	g := *f
	g.model = name
	model, err := g.openModel(ctx, oracle)
	if err != nil {
		return nil, maker.Pricing{}, err
	}
	rep, err := calibrate.Run(ctx, task, model, probes, calibrate.Options{
		PerStep: perStep, Concurrency: max(1, g.concurrency), Temperature: g.temp, MaxTokens: g.maxTokens, MinChars: g.minChars,
	})
	if err != nil {
		return nil, maker.Pricing{}, &exitError{Code: exitFailed, Err: fmt.Errorf("--model %s: %w", name, err)}
	}
	rep.Model = name
	var price maker.Pricing
	if pr, ok := model.(maker.Priced); ok {
		price = pr.Pricing()
	}
	return rep, price, nil
}
