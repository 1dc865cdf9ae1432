package maker

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Member is one model of an [Ensemble] with its share of the samples.
type Member struct {
	// Name identifies the model in the summary's per-model table.
	Name  string
	Model Model
	// Weight is the model's share of a step's samples relative to the
	// others' (0 is taken as 1).
	Weight int
}

// Ensemble draws a step's samples across several models, so that the
// errors one model repeats are outvoted by the others. Every vote counts
// alike, whichever model cast it.
//
// The model of a sample follows from its step and its index within the
// step alone, so a simulated run stays reproducible whatever the timing
// (and a step voted again after a discarded speculation asks the same
// models). The members take turns by smooth weighted round-robin in order
// (weights a=2,b=1 give the cycle a, b, a), and step i starts i places into
// the cycle: over as many steps as the weights add up to, every member
// draws its share of the samples even when most steps take only their
// first k, and the first sample of a step, the one drawn at the first
// temperature, rotates across the members too. An ensemble does not batch: each
// sample is its own request, to the model its index names.
//
// Run prices each sample at its own member's prices (unless
// [Config.Pricing] overrides them all) and reports per member its samples,
// votes, agreement with the decided winners and cost in [Summary.Models].
type Ensemble struct {
	members []Member
	cycle   []int // member index of each sample index modulo len(cycle)
}

var (
	_ Model     = (*Ensemble)(nil)
	_ Simulated = (*Ensemble)(nil)
)

// maxCycle bounds the sum of the weights: the assignment repeats after it.
const maxCycle = 1000

// NewEnsemble returns an ensemble of the members, each named once.
func NewEnsemble(members ...Member) (*Ensemble, error) {
	if len(members) == 0 {
		return nil, errors.New("ensemble: no models")
	}
	seen := map[string]bool{}
	total := 0
	ms := make([]Member, len(members))
	for i, m := range members {
		switch {
		case m.Model == nil:
			return nil, fmt.Errorf("ensemble: model %q is nil", m.Name)
		case m.Name == "":
			return nil, fmt.Errorf("ensemble: model %d has no name", i+1)
		case seen[m.Name]:
			return nil, fmt.Errorf("ensemble: model %q is listed twice", m.Name)
		case m.Weight < 0:
			return nil, fmt.Errorf("ensemble: model %q: weight must be positive, got %d", m.Name, m.Weight)
		}
		seen[m.Name] = true
		if m.Weight == 0 {
			m.Weight = 1
		}
		total += m.Weight
		ms[i] = m
	}
	if total > maxCycle {
		return nil, fmt.Errorf("ensemble: the weights add up to %d, more than %d", total, maxCycle)
	}
	return &Ensemble{members: ms, cycle: smoothCycle(ms, total)}, nil
}

// smoothCycle is one period of smooth weighted round-robin: at each turn
// every member gains its weight, and the one with the most credit (the
// first among equals) is chosen and pays the total. Each member is chosen
// Weight times per period, spread out rather than in a run.
func smoothCycle(ms []Member, total int) []int {
	credit := make([]int, len(ms))
	out := make([]int, total)
	for t := range out {
		best := 0
		for i, m := range ms {
			credit[i] += m.Weight
			if credit[i] > credit[best] {
				best = i
			}
		}
		credit[best] -= total
		out[t] = best
	}
	return out
}

// Members returns the ensemble's models, weights filled in.
func (e *Ensemble) Members() []Member { return append([]Member(nil), e.members...) }

// Member returns the member that draws sample (its index within the
// step) of step.
func (e *Ensemble) Member(step, sample int) Member {
	n := len(e.cycle)
	pos := (step%n + sample%n) % n
	if pos < 0 {
		pos += n
	}
	return e.members[e.cycle[pos]]
}

// Generate implements [Model]: the member the request's step and sample
// name answers.
func (e *Ensemble) Generate(ctx context.Context, req Request) (Response, error) {
	return e.Member(req.Step, req.Sample).Model.Generate(ctx, req)
}

// Simulated implements [Simulated]: an ensemble with a simulated member is
// simulated, so no summary passes simulated votes off as an LLM's.
func (e *Ensemble) Simulated() bool {
	for _, m := range e.members {
		if IsSimulated(m.Model) {
			return true
		}
	}
	return false
}

// pricing is the member's own prices, zero when it has none.
func (m Member) pricing() Pricing {
	if p, ok := m.Model.(Priced); ok {
		return p.Pricing()
	}
	return Pricing{}
}

// dearest is the highest price of any member, per kind of token: what a
// budget assumes a sample it has not seen may cost.
func (e *Ensemble) dearest() Pricing {
	var d Pricing
	for _, m := range e.members {
		p := m.pricing()
		d.InPerMTok = max(d.InPerMTok, p.InPerMTok)
		d.CachedInPerMTok = max(d.CachedInPerMTok, p.CachedInPerMTok)
		d.OutPerMTok = max(d.OutPerMTok, p.OutPerMTok)
	}
	return d
}

// samplePricing is the price of a step's sample with this index and, for
// an ensemble, the name of the member that drew it.
func (r *runner[S]) samplePricing(step, idx int) (Pricing, string) {
	if r.ensemble == nil {
		return r.pricing, ""
	}
	m := r.ensemble.Member(step, idx)
	if !r.cfg.Pricing.Zero() {
		return r.pricing, m.Name
	}
	return m.pricing(), m.Name
}

// PriceNote says which members have no known price, so that their cost,
// counted as zero, is not taken for free (see provider.PriceNote, whose
// interface this satisfies).
func (e *Ensemble) PriceNote() string {
	var notes []string
	for _, m := range e.members {
		if n, ok := m.Model.(interface{ PriceNote() string }); ok {
			if s := n.PriceNote(); s != "" {
				notes = append(notes, m.Name+": "+s)
			}
		}
	}
	return strings.Join(notes, "; ")
}
