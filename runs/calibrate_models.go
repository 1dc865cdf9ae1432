package runs

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/calibrate"
	"github.com/maker-go/maker/plan"
	"github.com/maker-go/maker/sim"
)

// CalibrationModels are the models --model names for calibrate: each value
// one model or a comma list of them, each measured on its own (no weights:
// an ensemble is not calibrated as one model).
func CalibrationModels(values []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, v := range values {
		entries, err := parseModelList(v)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if e.weight != 0 {
				return nil, usageErr("--model %q: each model is measured and planned on its own, so it takes no weight", v)
			}
			short := sim.ShortName(e.name)
			if seen[short] {
				return nil, usageErr("--model %s is given twice", short)
			}
			seen[short] = true
			out = append(out, e.name)
		}
	}
	if len(out) == 0 {
		return nil, usageErr("--model: no model to calibrate")
	}
	return out, nil
}

// ensembleModels is the --model list of calibrate --ensemble: one model
// name, the ensemble as a run's --model takes it.
func ensembleModels(values []string) ([]string, error) {
	list := strings.Join(values, ",")
	entries, err := parseModelList(list)
	if err != nil {
		return nil, err
	}
	if len(entries) < 2 {
		return nil, usageErr("--ensemble: --model %q names one model; an ensemble has two or more", list)
	}
	return []string{list}, nil
}

// Without returns list less the names given.
func Without(list []string, names ...string) []string {
	out := make([]string, 0, len(list))
	for _, s := range list {
		drop := false
		for _, n := range names {
			drop = drop || s == n
		}
		if !drop {
			out = append(out, s)
		}
	}
	return out
}

// ModelChoice compares models measured on the same steps: what each would
// cost to run the whole task at the target, and which is cheapest.
type ModelChoice struct {
	Task   string      `json:"task,omitempty"`
	Steps  int         `json:"steps"` // of the whole task
	Target float64     `json:"target"`
	Probes int         `json:"probes,omitempty"` // steps every model answered (calibrate)
	Models []ChoiceRow `json:"models"`
	// Cheapest is the model with the lowest expected cost among those that
	// meet the target at a known price; "" when none does.
	Cheapest string `json:"cheapest"`
}

// ChoiceRow is one model of the comparison. Its plan is plan.Compute at
// the measured p and v, the mean tokens, the model's prices and the p90
// latency: what `maker plan` prints for the same inputs.
type ChoiceRow struct {
	Model             string        `json:"model"`
	Simulated         bool          `json:"simulated"`
	P                 float64       `json:"p"`
	PLo               float64       `json:"p_lo"`
	PHi               float64       `json:"p_hi"`
	V                 float64       `json:"v"`
	MeanInputTokens   float64       `json:"mean_input_tokens"`
	MeanOutputTokens  float64       `json:"mean_output_tokens"`
	LatencyP90Seconds float64       `json:"latency_p90_seconds"`
	Pricing           maker.Pricing `json:"pricing"`
	PriceKnown        bool          `json:"price_known"`
	KMin              int           `json:"k_min,omitempty"`
	CostPerStepUSD    float64       `json:"cost_per_step_usd"`
	CostUSD           float64       `json:"cost_usd"`
	WallSeconds       float64       `json:"wall_seconds"`
	MeetsTarget       bool          `json:"meets_target"`
	Cheapest          bool          `json:"cheapest"`
	// Error says why no plan reaches the target (p at or below 0.5, or a
	// k_min over the largest --k).
	Error       string            `json:"error,omitempty"`
	Plan        *plan.Plan        `json:"plan,omitempty"`
	Calibration *calibrate.Report `json:"calibration,omitempty"`
}

// CompareModels plans the task for each calibrated model and marks the
// cheapest that meets the target.
func CompareModels(reps []*calibrate.Report, prices []maker.Pricing, steps int, target float64) *ModelChoice {
	c := &ModelChoice{Task: reps[0].Task, Steps: steps, Target: target, Probes: reps[0].Steps}
	for i, rep := range reps {
		q := rep.VoteErrorRate
		row := ChoiceRow{
			Model: rep.Model, Simulated: rep.Simulated,
			P: 1 - q.Value, PLo: 1 - q.Hi, PHi: 1 - q.Lo, V: rep.V,
			MeanInputTokens: rep.MeanInputTokens, MeanOutputTokens: rep.MeanOutputTokens,
			LatencyP90Seconds: rep.LatencyP90Seconds,
			Pricing:           prices[i],
			Calibration:       rep,
		}
		if q.N == 0 {
			row.Error = fmt.Sprintf("no valid answer among %d samples", rep.Samples)
		}
		c.Models = append(c.Models, row)
	}
	c.Plan()
	return c
}

// Plan computes each row's plan and marks the cheapest row that meets the
// target at a known price.
func (c *ModelChoice) Plan() {
	best := -1
	for i := range c.Models {
		row := &c.Models[i]
		row.PriceKnown = !row.Pricing.Zero()
		if row.Error != "" {
			continue
		}
		pl, err := plan.Compute(choiceInput(*row, c.Steps, c.Target))
		switch {
		case err != nil:
			row.Error = err.Error()
		case pl.KMin > maxK:
			row.Error = fmt.Sprintf("k_min %d is over the largest k, %d", pl.KMin, maxK)
		default:
			row.Plan = &pl
			row.KMin = pl.KMin
			row.CostUSD = pl.ExpectedCostUSD
			row.CostPerStepUSD = pl.ExpectedCostUSD / float64(c.Steps)
			row.WallSeconds = pl.ExpectedWallSeconds
			row.MeetsTarget = true
			if row.PriceKnown && (best < 0 || row.CostUSD < c.Models[best].CostUSD) {
				best = i
			}
		}
	}
	if best >= 0 {
		c.Models[best].Cheapest = true
		c.Cheapest = c.Models[best].Model
	}
}

// choiceInput is the plan input of a row: the same one `maker plan --p P
// --v V --in-tokens I --out-tokens O --latency L --model M` builds.
func choiceInput(r ChoiceRow, steps int, target float64) plan.Input {
	return plan.Input{
		P: r.P, Steps: steps, Target: target, V: r.V,
		Prices:   plan.Prices{InPerMTok: r.Pricing.InPerMTok, OutPerMTok: r.Pricing.OutPerMTok, CachedInPerMTok: r.Pricing.CachedInPerMTok},
		InTokens: r.MeanInputTokens, OutTokens: r.MeanOutputTokens,
		LatencySeconds: r.LatencyP90Seconds,
	}
}

// WriteText prints the comparison as one table, the cheapest model that
// meets the target marked with '*'.
func (c *ModelChoice) WriteText(w io.Writer) error {
	var b strings.Builder
	if c.Probes > 0 {
		fmt.Fprintf(&b, "task %s, %d steps, target %g; every model answered the same %d steps\n", c.Task, c.Steps, c.Target, c.Probes)
	} else {
		fmt.Fprintf(&b, "%d steps, target %g\n", c.Steps, c.Target)
	}
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\tmodel\tp\t95% CI\tv\ttokens in/out\tk_min\tcost/step\ttotal cost\twall\t")
	for _, r := range c.Models {
		mark := ""
		if r.Cheapest {
			mark = "*"
		}
		name := sim.ShortName(r.Model)
		if r.Simulated {
			name += " (sim)"
		}
		ci := "-" // a planned p is given, not measured
		if r.Calibration != nil {
			ci = fmt.Sprintf("%.5f-%.5f", r.PLo, r.PHi)
		}
		head := fmt.Sprintf("%s\t%s\t%.5f\t%s\t%.4f\t%.0f/%.0f\t", mark, name, r.P, ci, r.V, r.MeanInputTokens, r.MeanOutputTokens)
		switch {
		case !r.MeetsTarget:
			fmt.Fprintf(tw, "%s-\t-\t-\t-\t\n", head)
		case !r.PriceKnown:
			fmt.Fprintf(tw, "%s%d\tprice unknown\t-\t%s\t\n", head, r.KMin, wallText(r.WallSeconds))
		default:
			fmt.Fprintf(tw, "%s%d\t$%.6f\t$%.2f\t%s\t\n", head, r.KMin, r.CostPerStepUSD, r.CostUSD, wallText(r.WallSeconds))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range c.Models {
		if r.Error != "" {
			fmt.Fprintf(&b, "%s: cannot meet the target: %s\n", r.Model, r.Error)
		}
	}
	if c.Cheapest != "" {
		fmt.Fprintf(&b, "* cheapest that meets the target: %s\n", c.Cheapest)
	} else {
		b.WriteString("no model with a known price meets the target\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// wallText is an expected wall time, "-" when no latency was measured.
func wallText(sec float64) string {
	if sec <= 0 {
		return "-"
	}
	return time.Duration(sec * float64(time.Second)).Round(time.Second).String()
}

// WriteJSON prints v as one JSON object.
func WriteJSON(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(w, string(b))
	return err
}
