package plan

import (
	"fmt"
	"io"
	"sort"

	"github.com/maker-go/maker"
)

// Projection sets a run's plan beside what the run measured, so a wrong
// guess of p shows up as soon as a run ends (or while it is resumed).
type Projection struct {
	P                        float64     `json:"p_planned"`
	PMeasured                float64     `json:"p_measured"`
	VMeasured                float64     `json:"v_measured"`
	SamplesPerStepPlanned    float64     `json:"samples_per_step_planned"`
	SamplesPerStepMeasured   float64     `json:"samples_per_step_measured"`
	CostPlannedUSD           float64     `json:"cost_planned_usd"`
	CostMeasuredUSD          float64     `json:"cost_measured_usd"`
	UndecidedAfterRound      []RoundPair `json:"undecided_after_round"`
	StepsCompared            int         `json:"steps_compared"`
	CostPerSampleMeasuredUSD float64     `json:"cost_per_sample_measured_usd"`
}

// RoundPair is the planned and measured number of steps still undecided
// after a number of valid votes.
type RoundPair struct {
	Votes    int     `json:"votes"`
	Planned  float64 `json:"planned"`
	Measured int64   `json:"measured"`
}

// Project compares a summary with the plan for its steps at success rate p.
// The plan uses the run's own measured cost per sample, so the cost lines
// differ only by the number of samples. Only the steps this run decided
// count (a resumed run's earlier steps are not in its histogram).
func Project(sum *maker.Summary, p float64, k int) (Projection, error) {
	steps := sum.Steps - sum.StartStep
	if steps <= 0 || sum.Samples == 0 {
		return Projection{}, fmt.Errorf("projection: the run decided no steps")
	}
	pr := Projection{P: p, StepsCompared: steps}
	pr.CostPerSampleMeasuredUSD = sum.CostUSD / float64(sum.Samples)
	pr.SamplesPerStepMeasured = float64(sum.Samples) / float64(steps)
	pr.CostMeasuredUSD = sum.CostUSD
	if sum.ValidVotes > 0 {
		// The one measured p, which the HTML report shows too.
		pr.PMeasured = sum.MeasuredP()
		pr.VMeasured = float64(sum.ValidVotes) / float64(sum.Samples-sum.Cancelled)
	}
	votes, err := ExpectedVotes(p, k)
	if err != nil {
		return Projection{}, err
	}
	pr.SamplesPerStepPlanned = votes
	pr.CostPlannedUSD = votes * float64(steps) * pr.CostPerSampleMeasuredUSD
	table, err := UndecidedTable(p, k, steps, 4)
	if err != nil {
		return Projection{}, err
	}
	for _, row := range table {
		var open int64
		for v, n := range sum.VotesHistogram {
			if v > row.Votes {
				open += n
			}
		}
		pr.UndecidedAfterRound = append(pr.UndecidedAfterRound, RoundPair{Votes: row.Votes, Planned: row.Undecided, Measured: open})
	}
	sort.Slice(pr.UndecidedAfterRound, func(i, j int) bool { return pr.UndecidedAfterRound[i].Votes < pr.UndecidedAfterRound[j].Votes })
	return pr, nil
}

// WriteText writes the projection for people.
func (pr Projection) WriteText(w io.Writer) error {
	_, err := fmt.Fprintf(w, "plan vs run  p %.5f planned, %.5f measured (v %.4f)\n"+
		"             samples/step %.4f planned, %.4f measured\n"+
		"             cost $%.4f planned, $%.4f measured\n",
		pr.P, pr.PMeasured, pr.VMeasured, pr.SamplesPerStepPlanned, pr.SamplesPerStepMeasured, pr.CostPlannedUSD, pr.CostMeasuredUSD)
	if err != nil {
		return err
	}
	for _, r := range pr.UndecidedAfterRound {
		votes := "votes"
		if r.Votes == 1 {
			votes = "vote"
		}
		if _, err := fmt.Fprintf(w, "             undecided after %d %s: %.4g planned, %d measured\n", r.Votes, votes, r.Planned, r.Measured); err != nil {
			return err
		}
	}
	return nil
}
