package maker

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"time"
)

// FinishReason says why a model stopped writing. Only [FinishLength] matters
// to the engine: a response cut off by the token limit is red-flagged.
type FinishReason string

// Finish reasons a [Model] reports.
const (
	FinishStop   FinishReason = "stop"   // the model ended its answer itself
	FinishLength FinishReason = "length" // the answer hit the output-token limit
)

// Prompt is what a task shows the model for one step: a fixed system text
// (the rules and the strategy, the same for every step so providers can
// cache it) and a user text with the previous action and the current state.
type Prompt struct {
	System string
	User   string
	// Hint is an opaque value the task attaches for its own [Oracle], such as
	// the state the prompt was rendered from. Real providers ignore it; the
	// simulator hands it to the oracle so that tasks with custom prompt
	// templates can still be simulated.
	Hint any
}

// Request asks a model for one sample.
type Request struct {
	Prompt
	Temperature float64
	MaxTokens   int
	// Step and Sample identify the sample within the run. Providers ignore
	// them; the simulator derives its randomness from them, so a simulated
	// run does not depend on timing.
	Step   int
	Sample int
	// Schema is the JSON Schema the answer must satisfy, when the task
	// states one ([Structured]) and structured outputs are on. A provider
	// that can constrain its output to a schema does so; the others, and
	// the simulator, ignore it. The engine red-flags answers by the task's
	// own parser either way.
	Schema json.RawMessage
}

// Response is one sample: the text and what it cost.
type Response struct {
	Text              string
	InputTokens       int
	CachedInputTokens int // part of InputTokens served from a prompt cache
	OutputTokens      int
	Finish            FinishReason
	Latency           time.Duration
	// Retries counts the transport retries spent on this sample. A retry is
	// not a vote; it is reported separately.
	Retries int
	// BilledCostUSD is what the provider says the request cost, when it
	// says (CostReported), such as OpenRouter's usage.cost; the summary
	// shows it beside the catalog cost and budgets count it instead.
	BilledCostUSD float64
	CostReported  bool
}

// Model draws one sample per call. It must be safe for concurrent use: the
// engine has several samples of a step in flight at once and cancels the ones
// still running, through ctx, when a candidate wins.
type Model interface {
	Generate(ctx context.Context, req Request) (Response, error)
}

// ModelFunc adapts a function to the [Model] interface.
type ModelFunc func(ctx context.Context, req Request) (Response, error)

// Generate calls f.
func (f ModelFunc) Generate(ctx context.Context, req Request) (Response, error) { return f(ctx, req) }

// BatchModel is a model that can return several completions of one prompt in
// one request (OpenAI's n), so the prompt is billed once. The engine uses it
// for the first votes of a step when [Config.Batch] is set.
type BatchModel interface {
	Model
	// GenerateBatch returns n responses to req. The input tokens are reported
	// on the first response only.
	GenerateBatch(ctx context.Context, req Request, n int) ([]Response, error)
}

// Pricing is the price of a model in US dollars per million tokens.
type Pricing struct {
	InPerMTok       float64 `json:"in_per_mtok"`
	CachedInPerMTok float64 `json:"cached_in_per_mtok"`
	OutPerMTok      float64 `json:"out_per_mtok"`
}

// Cost is what a response cost at these prices. Cached input tokens are
// charged at the cached price (the full input price when none is set).
func (p Pricing) Cost(r Response) float64 {
	cachedPrice := p.CachedInPerMTok
	if cachedPrice == 0 {
		cachedPrice = p.InPerMTok
	}
	fresh := r.InputTokens - r.CachedInputTokens
	if fresh < 0 {
		fresh = 0
	}
	return (float64(fresh)*p.InPerMTok + float64(r.CachedInputTokens)*cachedPrice + float64(r.OutputTokens)*p.OutPerMTok) / 1e6
}

// Zero reports whether no price is set.
func (p Pricing) Zero() bool { return p == Pricing{} }

// MaxPricePerMTok is the highest price maker takes, in US dollars per
// million tokens: far above any model's, and low enough that what a run
// adds up (prices times billions of tokens) stays a finite number, where
// a price near the float64 limit would make every cost infinite.
const MaxPricePerMTok = 10_000

// CheckPrice refuses a price, in US dollars per million tokens, that is
// not a number from 0 to [MaxPricePerMTok]. Its one-line error leaves the
// caller to name the flag or field.
func CheckPrice(x float64) error {
	if math.IsNaN(x) || x < 0 || x > MaxPricePerMTok {
		return fmt.Errorf("want a price from 0 to %d USD per million tokens, got %v", MaxPricePerMTok, x)
	}
	return nil
}

// Priced is implemented by models that know their own prices, from a catalog
// or, for the simulator, from the model it imitates.
type Priced interface {
	Pricing() Pricing
}

// Simulated is implemented by models that are not real LLMs. Every summary of
// a run on such a model says so.
type Simulated interface {
	Simulated() bool
}

// IsSimulated reports whether m declares itself simulated.
func IsSimulated(m Model) bool {
	s, ok := m.(Simulated)
	return ok && s.Simulated()
}
