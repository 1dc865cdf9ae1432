package maker

import (
	"fmt"
	"strings"
)

// ModelStats is what one model of an [Ensemble] did in a run. Samples and
// usage count every sample the model drew; votes, agreement and flags count
// the samples of decided steps, where a winner is known.
type ModelStats struct {
	Model   string `json:"model"`
	Samples int64  `json:"samples"`
	// Votes are the model's valid votes in decided steps, Agreed those for
	// the step's winner and Right those that were right by the rule of
	// [RightVotes] (the winner's, unless the task's checker rejected it).
	// P, Right over Votes, is the model's measured p, the estimate
	// [Summary.MeasuredP] makes for the run.
	Votes   int64   `json:"valid_votes"`
	Agreed  int64   `json:"agreed"`
	Right   int64   `json:"right"`
	P       float64 `json:"p_measured"`
	Flagged int64   `json:"flagged"`
	Usage
}

// ModelTable is the per-model part of a summary, in the order the models
// first drew a sample.
type ModelTable []ModelStats

// row returns the stats of model, adding a row for a model not seen yet.
func (t *ModelTable) row(model string) *ModelStats {
	for i := range *t {
		if (*t)[i].Model == model {
			return &(*t)[i]
		}
	}
	*t = append(*t, ModelStats{Model: model})
	return &(*t)[len(*t)-1]
}

// addSample counts a sample that an ensemble member drew.
func (t *ModelTable) addSample(sr *SampleRecord) {
	if sr.Model == "" {
		return
	}
	m := t.row(sr.Model)
	m.Samples++
	m.Usage.Add(sr.Usage)
}

// addDecision counts the votes and flags of a decided step by model.
func (t *ModelTable) addDecision(rec *StepRecord) {
	for i := range rec.Samples {
		sr := &rec.Samples[i]
		if sr.Model == "" {
			continue
		}
		m := t.row(sr.Model)
		switch {
		case sr.Voted:
			m.Votes++
			if sr.Key == rec.Key {
				m.Agreed++
			}
			if (sr.Key == rec.Key) != rec.Wrong {
				m.Right++
			}
		case !sr.Cancelled && sr.Flag != FlagNone:
			m.Flagged++
		}
	}
}

// merge adds o's rows to t's, model by model.
func (t *ModelTable) merge(o ModelTable) {
	for _, r := range o {
		m := t.row(r.Model)
		m.Samples += r.Samples
		m.Votes += r.Votes
		m.Agreed += r.Agreed
		m.Right += r.Right
		m.Flagged += r.Flagged
		m.Usage.Add(r.Usage)
	}
}

// derive computes each row's measured p.
func (t ModelTable) derive() {
	for i := range t {
		t[i].P = 0
		if t[i].Votes > 0 {
			t[i].P = float64(t[i].Right) / float64(t[i].Votes)
		}
	}
}

// writeText writes the table for people: a heading and one line a model.
func (t ModelTable) writeText(b *strings.Builder) {
	if len(t) == 0 {
		return
	}
	w := len("model")
	for _, m := range t {
		w = max(w, len(m.Model))
	}
	fmt.Fprintf(b, "models      %-*s %9s %9s %9s %8s %12s\n", w, "model", "samples", "votes", "p", "flagged", "cost")
	for _, m := range t {
		fmt.Fprintf(b, "            %-*s %9s %9s %9.5f %8s %12s\n", w, m.Model, group(m.Samples), group(m.Votes), m.P, group(m.Flagged), fmt.Sprintf("$%.4f", m.CostUSD))
	}
}
