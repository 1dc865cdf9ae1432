package maker

// Usage is what samples consumed: tokens and their cost. It is the one
// spelling of the accounting, embedded in [SampleRecord], [StepRecord] and
// [Summary], so a sample, a step and a run are added up the same way.
type Usage struct {
	InputTokens       int64   `json:"input_tokens"`
	CachedInputTokens int64   `json:"cached_input_tokens"` // part of InputTokens served from a prompt cache
	OutputTokens      int64   `json:"output_tokens"`
	CostUSD           float64 `json:"cost_usd"`
}

// Add adds o to u.
func (u *Usage) Add(o Usage) {
	u.InputTokens += o.InputTokens
	u.CachedInputTokens += o.CachedInputTokens
	u.OutputTokens += o.OutputTokens
	u.CostUSD += o.CostUSD
}

// Usage is what the response used, priced at p.
func (r Response) Usage(p Pricing) Usage {
	return Usage{
		InputTokens:       int64(r.InputTokens),
		CachedInputTokens: int64(r.CachedInputTokens),
		OutputTokens:      int64(r.OutputTokens),
		CostUSD:           p.Cost(r),
	}
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
