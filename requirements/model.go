package requirements

import (
	"context"

	"github.com/maker-go/maker"
)

// WithProposalTemperature wraps a model so that proposal steps are sampled
// at temperature temp (at least), whatever the engine asks. The engine
// draws a step's first sample at the first temperature (0 by default), which
// is right for a vote but would make every proposer write the same
// proposal. Voted steps pass through unchanged. The wrapper keeps the
// model's prices, its simulated mark and, when it has one, its batch call.
func WithProposalTemperature(m maker.Model, temp float64) maker.Model {
	w := proposalTemp{m: m, temp: temp}
	if bm, ok := m.(maker.BatchModel); ok {
		return batchProposalTemp{proposalTemp: w, bm: bm}
	}
	return w
}

type proposalTemp struct {
	m    maker.Model
	temp float64
}

func (w proposalTemp) adjust(req maker.Request) maker.Request {
	if h, ok := req.Hint.(Hint); ok && (h.Kind == KindPurposeProposal || h.Kind == KindFeatureProposal) && req.Temperature < w.temp {
		req.Temperature = w.temp
	}
	return req
}

// Generate implements [maker.Model].
func (w proposalTemp) Generate(ctx context.Context, req maker.Request) (maker.Response, error) {
	return w.m.Generate(ctx, w.adjust(req))
}

// Pricing implements [maker.Priced] with the wrapped model's prices.
func (w proposalTemp) Pricing() maker.Pricing {
	if p, ok := w.m.(maker.Priced); ok {
		return p.Pricing()
	}
	return maker.Pricing{}
}

// Simulated implements [maker.Simulated] for the wrapped model.
func (w proposalTemp) Simulated() bool { return maker.IsSimulated(w.m) }

type batchProposalTemp struct {
	proposalTemp
	bm maker.BatchModel
}

// GenerateBatch implements [maker.BatchModel].
func (w batchProposalTemp) GenerateBatch(ctx context.Context, req maker.Request, n int) ([]maker.Response, error) {
	return w.bm.GenerateBatch(ctx, w.adjust(req), n)
}
