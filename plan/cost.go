package plan

import (
	"fmt"
	"math"
	"strings"

	"github.com/maker-go/maker"
)

// Prices are a model's list prices in US dollars per million tokens. They are
// kept apart from token counts so one price table can be reused across tasks
// whose prompts and answers differ in length.
type Prices struct {
	// InPerMTok is the price of uncached input (prompt) tokens.
	InPerMTok float64 `json:"in_per_mtok"`
	// OutPerMTok is the price of output (completion) tokens.
	OutPerMTok float64 `json:"out_per_mtok"`
	// CachedInPerMTok is the price of input tokens served from the provider's
	// prompt cache. Zero means the provider has no separate cache price, and
	// cached tokens are billed at InPerMTok.
	CachedInPerMTok float64 `json:"cached_in_per_mtok"`
}

// CostPerSample returns the dollar cost c of one LLM call that reads inTok
// input tokens, of which cachedIn were served from the prompt cache (inTok
// includes them, as OpenAI's prompt_tokens does), and writes outTok output
// tokens:
//
//	c = ((inTok-cachedIn)·In + cachedIn·CachedIn + outTok·Out) / 1e6.
//
// Token counts are float64 because they are usually means over calibration
// samples. Input tokens matter: the paper's cost table is reproduced only when
// c includes about 600 input tokens per call, not output tokens alone.
func CostPerSample(prices Prices, inTok, outTok, cachedIn float64) (float64, error) {
	for _, x := range []struct {
		name string
		v    float64
	}{
		{"prices.InPerMTok", prices.InPerMTok},
		{"prices.OutPerMTok", prices.OutPerMTok},
		{"prices.CachedInPerMTok", prices.CachedInPerMTok},
		{"inTok", inTok},
		{"outTok", outTok},
		{"cachedIn", cachedIn},
	} {
		if err := checkNonNeg(x.name, x.v); err != nil {
			return 0, err
		}
		if strings.HasPrefix(x.name, "prices.") && x.v > maker.MaxPricePerMTok {
			return 0, fmt.Errorf("plan: %s = %v is above the highest price taken, %d USD per million tokens: %w", x.name, x.v, maker.MaxPricePerMTok, ErrOutOfRange)
		}
	}
	if cachedIn > inTok {
		return 0, fmt.Errorf("plan: cachedIn = %v exceeds inTok = %v: %w", cachedIn, inTok, ErrOutOfRange)
	}
	cached := prices.CachedInPerMTok
	if cached == 0 {
		cached = prices.InPerMTok
	}
	return ((inTok-cachedIn)*prices.InPerMTok + cachedIn*cached + outTok*prices.OutPerMTok) / 1e6, nil
}

// ExpectedCost returns the expected dollar cost of a whole task,
// steps · samplesPerStep · costPerSample (the paper's E[cost] ≈
// c·s·k_min/(v·(2p-1)) with the exact ExpectedSamples in place of the bound).
// It takes samples per step rather than p so the same projection works with a
// measured samples-per-step rate from a partial run.
func ExpectedCost(steps int, samplesPerStep, costPerSample float64) (float64, error) {
	if err := checkPositive("steps", steps); err != nil {
		return 0, err
	}
	if err := checkNonNeg("samplesPerStep", samplesPerStep); err != nil {
		return 0, err
	}
	if err := checkNonNeg("costPerSample", costPerSample); err != nil {
		return 0, err
	}
	return float64(steps) * samplesPerStep * costPerSample, nil
}

// ExpectedWall returns the expected wall-clock seconds of a run, for a
// scheduler that works as Algorithm 2 does with its first wave made parallel:
//
//   - Steps are sequential: step i+1's prompt needs step i's voted state.
//   - A step opens with its first k samples issued at once. No decision is
//     possible before k votes, so they waste nothing; with at most
//     concurrency calls in flight they take ceil(k/concurrency) rounds.
//   - Every further sample (later votes, and replacements for red-flagged
//     samples) is drawn one at a time, one round each, as the reference loop
//     draws them.
//   - A round takes latencySec seconds.
//
// So rounds per step = ceil(k/c) + max(0, samplesPerStep - k) and
// wall = steps · rounds · latencySec. Because a round waits for its slowest
// call, latencySec should be a high percentile of call latency, not the mean.
// Drawing later votes in parallel batches would lower the second term; for
// p near 1 it is already small (0.013 of a round for p = 0.9978, k = 3),
// which is why wall time grows linearly in s while cost grows as s·ln s.
func ExpectedWall(steps int, samplesPerStep float64, k int, latencySec float64, concurrency int) (float64, error) {
	if err := checkPositive("steps", steps); err != nil {
		return 0, err
	}
	if err := checkNonNeg("samplesPerStep", samplesPerStep); err != nil {
		return 0, err
	}
	if err := checkK(k); err != nil {
		return 0, err
	}
	if err := checkNonNeg("latencySec", latencySec); err != nil {
		return 0, err
	}
	if err := checkPositive("concurrency", concurrency); err != nil {
		return 0, err
	}
	first := float64((k + concurrency - 1) / concurrency)
	extra := math.Max(0, samplesPerStep-float64(k))
	return float64(steps) * (first + extra) * latencySec, nil
}
