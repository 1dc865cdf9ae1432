package maker

import (
	"errors"
	"fmt"
	"strings"
)

// Escalation is the stronger model a step goes to when voting on the run's
// model cannot decide it ([Config.Escalate]). Such a step is never decided
// by plurality: once it has drawn MaxSamples without a candidate ahead by
// k, its vote starts again, from an empty tally and a first sample at the
// first temperature, on Model, with the same k and cap. The samples the
// run's model drew stay in the step's record and cost; those the
// escalation model draws are marked [SampleRecord.Escalated] and carry its
// Name, which the record reports as the model that decided the step
// ([StepRecord.DecidedBy]). A step the escalation model cannot decide
// either stops the run with a [NoConsensusError], as without escalation.
type Escalation struct {
	// Name identifies the model in records and summaries.
	Name  string
	Model Model
}

func (e *Escalation) check() error {
	switch {
	case e == nil:
		return nil
	case e.Model == nil:
		return errors.New("config: escalate: no model")
	case e.Name == "":
		return errors.New("config: escalate: the model has no name")
	}
	return nil
}

// pricing is the escalation model's own prices, unless [Config.Pricing]
// sets every model's.
func (e *Escalation) pricing(cfg Config) Pricing {
	if !cfg.Pricing.Zero() {
		return cfg.Pricing
	}
	if p, ok := e.Model.(Priced); ok {
		return p.Pricing()
	}
	return Pricing{}
}

// The policies for a step without consensus, as the command line and task
// files write them (see [ParseOnNoConsensus]).
const (
	OnNoConsensusError    = "error"
	OnNoConsensusEscalate = "escalate:"
	// OnNoConsensusAsk puts the step to a person ([Approval.Ask]).
	OnNoConsensusAsk = "ask"
)

// ParseOnNoConsensus reads a policy for steps without consensus: "error"
// (or "", the default: the run stops), "escalate:MODEL" (the step is voted
// again on MODEL) or "ask" (a person decides it, see [Approval.Ask]). It
// returns the model to escalate to, "" for error and ask.
func ParseOnNoConsensus(s string) (model string, err error) {
	if s == "" || s == OnNoConsensusError || s == OnNoConsensusAsk {
		return "", nil
	}
	m, ok := strings.CutPrefix(s, OnNoConsensusEscalate)
	if !ok {
		return "", fmt.Errorf("want error, escalate:MODEL or ask, got %q", s)
	}
	if strings.TrimSpace(m) == "" || strings.TrimSpace(m) != m {
		return "", fmt.Errorf("escalate: want a model name after the colon, such as escalate:openai/gpt-4.1, got %q", s)
	}
	return m, nil
}

// escalate turns a vote that reached its cap without consensus over to the
// escalation model, and reports whether it did: only once, and only with
// an escalation configured. Nothing is in flight then (the vote gave up
// because nothing was left to wait for), so the arrivals to come are all
// the escalation model's. The sample indices start again at 0, so the
// escalation model's first sample is drawn at the first temperature and a
// seeded model's draws depend on the step and its own index alone; the
// records keep numbering on from the samples before.
func (d *decision[S]) escalate() bool {
	e := d.r.cfg.Escalate
	if e == nil || d.escalated {
		return false
	}
	d.r.cfg.Logger.Info("no consensus: voting the step again on the escalation model",
		"step", d.step+1, "samples", d.launched, "model", e.Name)
	d.escalated = true
	d.base = d.launched
	d.launched, d.nextIdx = 0, 0
	d.tally = NewTally(d.tally.K())
	d.cands = nil
	return true
}

// sampleModel is the model that draws the decision's samples now, and the
// price and name its samples are recorded with.
func (d *decision[S]) sampleModel() Model {
	if d.escalated {
		return d.r.cfg.Escalate.Model
	}
	return d.r.model
}

// DecidedBy names the model whose vote decided the step when the step was
// escalated ([Config.Escalate]), and is "" when the run's own model
// decided it. It is read from the samples, so a journaled record says it
// too.
func (rec *StepRecord) DecidedBy() string {
	for i := len(rec.Samples) - 1; i >= 0; i-- {
		if s := &rec.Samples[i]; s.Escalated {
			return s.Model
		}
	}
	return ""
}

// Escalations is what escalation did in a run: the steps voted again on
// the escalation model, and the samples that model drew and what they
// cost (the samples the run's model spent on those steps are in the run's
// totals, not here).
type Escalations struct {
	EscalatedSteps    int64   `json:"escalated_steps,omitempty"`
	EscalationSamples int64   `json:"escalation_samples,omitempty"`
	EscalationCostUSD float64 `json:"escalation_cost_usd,omitempty"`
	// EscalatedTo names the escalation model.
	EscalatedTo string `json:"escalated_to,omitempty"`
}

// addSample counts a sample the escalation model drew.
func (e *Escalations) addSample(sr *SampleRecord) {
	if !sr.Escalated {
		return
	}
	e.EscalationSamples++
	e.EscalationCostUSD += sr.CostUSD
	if e.EscalatedTo == "" {
		e.EscalatedTo = sr.Model
	}
}

// addDecision counts a step the escalation model decided.
func (e *Escalations) addDecision(rec *StepRecord) {
	if by := rec.DecidedBy(); by != "" {
		e.EscalatedSteps++
		if e.EscalatedTo == "" {
			e.EscalatedTo = by
		}
	}
}

// merge adds a later session's escalations.
func (e *Escalations) merge(o Escalations) {
	e.EscalatedSteps += o.EscalatedSteps
	e.EscalationSamples += o.EscalationSamples
	e.EscalationCostUSD += o.EscalationCostUSD
	if e.EscalatedTo == "" {
		e.EscalatedTo = o.EscalatedTo
	}
}

// EscalationText says for people what escalation did: the steps, the
// model, its samples and their cost; "" when nothing was escalated.
func (e *Escalations) EscalationText() string {
	if e.EscalatedSteps == 0 && e.EscalationSamples == 0 {
		return ""
	}
	return fmt.Sprintf("%s to %s: %s, $%.4f", count(e.EscalatedSteps, "step", "steps"), e.EscalatedTo,
		count(e.EscalationSamples, "sample", "samples"), e.EscalationCostUSD)
}

// writeText writes one line of the text summary when a step was escalated.
func (e *Escalations) writeText(b *strings.Builder) {
	if t := e.EscalationText(); t != "" {
		fmt.Fprintf(b, "escalated   %s\n", t)
	}
}
