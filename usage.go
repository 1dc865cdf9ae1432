package maker

import (
	"fmt"
	"math"
	"strings"
)

// Usage is what samples consumed: tokens and their cost. It is the one
// spelling of the accounting, embedded in [SampleRecord], [StepRecord] and
// [Summary], so a sample, a step and a run are added up the same way.
type Usage struct {
	InputTokens       int64   `json:"input_tokens"`
	CachedInputTokens int64   `json:"cached_input_tokens"` // part of InputTokens served from a prompt cache
	OutputTokens      int64   `json:"output_tokens"`
	CostUSD           float64 `json:"cost_usd"` // at the catalog price (Pricing)
	// BilledCostUSD is the cost the provider itself reported (OpenRouter's
	// usage.cost) for the BilledSamples samples that came with one, and
	// BilledCatalogUSD their cost at the catalog price, so that the two
	// figures can be compared like for like. A catalog can be wrong or out
	// of date; the bill is what the account was charged.
	BilledCostUSD    float64 `json:"billed_cost_usd,omitempty"`
	BilledCatalogUSD float64 `json:"billed_catalog_cost_usd,omitempty"`
	BilledSamples    int64   `json:"billed_samples,omitempty"`
}

// ChargedUSD is the best known spend: the billed cost where the provider
// reported one, the catalog cost elsewhere. Budgets count it.
func (u Usage) ChargedUSD() float64 {
	return u.CostUSD - u.BilledCatalogUSD + u.BilledCostUSD
}

// Add adds o to u.
func (u *Usage) Add(o Usage) {
	u.InputTokens += o.InputTokens
	u.CachedInputTokens += o.CachedInputTokens
	u.OutputTokens += o.OutputTokens
	u.CostUSD += o.CostUSD
	u.BilledCostUSD += o.BilledCostUSD
	u.BilledCatalogUSD += o.BilledCatalogUSD
	u.BilledSamples += o.BilledSamples
}

// Usage is what the response used, priced at p.
// A cost the provider reported is kept beside it as billed.
func (r Response) Usage(p Pricing) Usage {
	u := Usage{
		InputTokens:       int64(r.InputTokens),
		CachedInputTokens: int64(r.CachedInputTokens),
		OutputTokens:      int64(r.OutputTokens),
		CostUSD:           p.Cost(r),
	}
	if r.CostReported {
		u.BilledCostUSD, u.BilledCatalogUSD, u.BilledSamples = r.BilledCostUSD, u.CostUSD, 1
	}
	return u
}

// writeBilled writes the summary's billed-cost line, when any sample's
// provider reported its cost: the bill beside the catalog figure for the
// same samples, and how far apart they are.
func (u Usage) writeBilled(b *strings.Builder, samples int64) {
	if u.BilledSamples == 0 {
		return
	}
	diff := ""
	switch d := u.BilledCostUSD - u.BilledCatalogUSD; {
	case u.BilledCatalogUSD > 0 && math.Abs(d) > 0.005*u.BilledCatalogUSD:
		diff = fmt.Sprintf("; MISMATCH: the bill is %+.1f%% of the catalog's", 100*d/u.BilledCatalogUSD)
	case u.BilledCatalogUSD == 0 && u.BilledCostUSD > 0:
		diff = "; MISMATCH: the catalog prices these samples at $0"
	}
	fmt.Fprintf(b, "billed      $%.4f by the provider for %s of %s samples (catalog $%.4f for them%s); charged $%.4f in all\n",
		u.BilledCostUSD, group(u.BilledSamples), group(samples), u.BilledCatalogUSD, diff, u.ChargedUSD())
}

// charsPerToken is the one estimate of prompt length in tokens the engine,
// the simulator and the rate limiter share: about four characters a token
// for English text and JSON.
const charsPerToken = 4

// EstimateTokens estimates the prompt's length in tokens before any model
// has counted it: its characters over [charsPerToken].
func (p Prompt) EstimateTokens() int {
	return (len(p.System) + len(p.User)) / charsPerToken
}
