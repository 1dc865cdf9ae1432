package main

import (
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/maker-go/maker/plan"
)

// TestDocNumbersMatchPlan recomputes the worked figures of the guides with
// the plan package and checks that the guides print them, so a change to the
// formulas or a typo in a table cannot go unnoticed.
func TestDocNumbersMatchPlan(t *testing.T) {
	read := func(name string) string {
		b, err := os.ReadFile("../../docs/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	concepts, costs := read("concepts.md"), read("cost-planning.md")
	const p, s20 = 0.9978, 1<<20 - 1
	var want []string

	// The k table: per-step error, whole-task success, expected votes.
	for _, k := range []int{2, 3} {
		step, _ := plan.SuccessPerStep(p, k)
		full, _ := plan.SuccessFull(p, k, s20, 1)
		votes, _ := plan.ExpectedVotes(p, k)
		want = append(want, fmt.Sprintf("| %d | %s | %.4f | %.4f |", k, sci(1-step), full, votes))
	}
	// k_min against the number of steps.
	for _, s := range []int{210, 1023, s20} {
		k, _ := plan.KMin(p, s, 0.95, 1)
		full, _ := plan.SuccessFull(p, k, s, 1)
		want = append(want, fmt.Sprintf("| %d | %.4f |", k, full))
	}
	// k_min against p.
	for _, row := range []struct {
		p      float64
		format string
	}{{0.99, "| 0.99 | %d | %.2f |"}, {0.9, "| 0.9 | %d | %.1f |"}, {0.7, "| 0.7 | %d | %.1f |"}} {
		k, _ := plan.KMin(row.p, s20, 0.95, 1)
		v, _ := plan.ExpectedVotes(row.p, k)
		want = append(want, fmt.Sprintf(row.format, k, v))
	}
	for _, w := range want {
		if !strings.Contains(concepts, w) {
			t.Errorf("docs/concepts.md lacks %q", w)
		}
	}

	// The 20-disk plan in the cost guide.
	pl, err := plan.Compute(plan.Input{P: p, Steps: s20, Prices: plan.Prices{InPerMTok: 0.40, OutPerMTok: 1.60}, InTokens: 600, OutTokens: 538, LatencySeconds: 2})
	if err != nil {
		t.Fatal(err)
	}
	u := pl.UndecidedAfterRound
	for _, w := range []string{
		fmt.Sprintf("| expected votes per step | %.4f |", pl.ExpectedVotesPerStep),
		fmt.Sprintf("| expected samples | %.2f million |", pl.ExpectedSamples/1e6),
		fmt.Sprintf("about $%s", thousands(math.Round(pl.ExpectedCostUSD/10)*10)),
		fmt.Sprintf("%s; %.1f; %.2f; %.3f", thousands(math.Round(u[0].Undecided)), u[1].Undecided, u[2].Undecided, u[3].Undecided),
		fmt.Sprintf("about %.1f days", pl.ExpectedWallSeconds/86400),
	} {
		if !strings.Contains(costs, w) {
			t.Errorf("docs/cost-planning.md lacks %q", w)
		}
	}
	sum, err := plan.Compute(plan.Input{P: p, Steps: 210, V: 0.99, Prices: plan.Prices{InPerMTok: 0.40, OutPerMTok: 1.60}, InTokens: 150, OutTokens: 40, LatencySeconds: 1})
	if err != nil {
		t.Fatal(err)
	}
	if w := fmt.Sprintf("k_min = %d, %.0f expected\nsamples, about $%.2f, and %.1f minutes", sum.KMin, sum.ExpectedSamples, sum.ExpectedCostUSD, sum.ExpectedWallSeconds/60); !strings.Contains(costs, w) {
		t.Errorf("docs/cost-planning.md lacks %q", w)
	}
	lo, hi, _ := plan.Wilson(998, 1000, 1.96)
	if w := fmt.Sprintf("%.4f to %.4f", lo, hi); !strings.Contains(costs, w) {
		t.Errorf("docs/cost-planning.md lacks %q", w)
	}
}

// sci writes 1.07e-08 as the guides do: 1.07 × 10⁻⁸.
func sci(x float64) string {
	exp := int(math.Floor(math.Log10(x)))
	mant := x / math.Pow(10, float64(exp))
	sup := strings.NewReplacer("-", "⁻", "0", "⁰", "1", "¹", "2", "²", "3", "³", "4", "⁴", "5", "⁵", "6", "⁶", "7", "⁷", "8", "⁸", "9", "⁹")
	return fmt.Sprintf("%.2f × 10%s", mant, sup.Replace(fmt.Sprint(exp)))
}

// thousands writes 3480 as 3,480.
func thousands(x float64) string {
	s := fmt.Sprintf("%.0f", x)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
