package maker

import (
	"fmt"
	"strings"
)

// Speculation is what speculative step pipelining did in a run (see
// [Config.Speculate]). Its fields sit at the top level of the summary's JSON.
//
// Every sample of a run is counted once:
//
//	samples = valid_votes + flagged + cancelled + speculative_wasted
//
// (samples that ended in a transport error, which stops the run, are the one
// exception). A speculative sample whose step is kept is a vote, a flag or a
// cancellation like any other; one whose step was built on a candidate that
// did not win is thrown away and counted here instead, with its tokens and
// cost (which are in the run's totals too: they were spent).
type Speculation struct {
	// Depth is the most steps voted ahead of the undecided one (0: off).
	Depth int `json:"speculation_depth"`
	// Started counts the steps started ahead of their predecessor's
	// decision; Hits those of them that were kept, because their predecessor
	// decided for the candidate they were built on; Discarded those thrown
	// away. HitRate is Hits over Hits+Discarded.
	Started   int64   `json:"speculative_steps"`
	Hits      int64   `json:"speculation_hits"`
	Discarded int64   `json:"speculation_discarded"`
	HitRate   float64 `json:"speculation_hit_rate"`
	// Wasted counts the samples of discarded steps, with their tokens and
	// cost.
	Wasted             int64   `json:"speculative_wasted"`
	WastedInputTokens  int64   `json:"speculative_wasted_input_tokens"`
	WastedOutputTokens int64   `json:"speculative_wasted_output_tokens"`
	WastedCostUSD      float64 `json:"speculative_wasted_cost_usd"`
	// WallPerStep is the run's wall time over the steps it decided.
	WallPerStep float64 `json:"wall_per_step_seconds"`
}

// WastedShare is the part of all samples that speculation threw away.
func (s *Summary) WastedShare() float64 {
	if s.Samples == 0 {
		return 0
	}
	return float64(s.Wasted) / float64(s.Samples)
}

// toWasted moves a sample already counted (by addSample) from its class to
// the speculative waste: its step was built on a candidate that lost.
func (s *Summary) toWasted(sr *SampleRecord) {
	switch {
	case sr.Voted:
		s.ValidVotes--
	case sr.Cancelled:
		s.Cancelled--
	case sr.Flag != FlagNone:
		if s.Flagged[sr.Flag]--; s.Flagged[sr.Flag] == 0 {
			delete(s.Flagged, sr.Flag)
		}
	}
	s.Wasted++
	s.WastedInputTokens += sr.InputTokens
	s.WastedOutputTokens += sr.OutputTokens
	s.WastedCostUSD += sr.CostUSD
}

// Add adds o's counters to s, for a summary over several sessions of a
// run; the derived figures are the summary's Derive's business.
func (s *Speculation) Add(o Speculation) {
	s.Depth = max(s.Depth, o.Depth)
	s.Started += o.Started
	s.Hits += o.Hits
	s.Discarded += o.Discarded
	s.Wasted += o.Wasted
	s.WastedInputTokens += o.WastedInputTokens
	s.WastedOutputTokens += o.WastedOutputTokens
	s.WastedCostUSD += o.WastedCostUSD
}

// deriveSpeculation fills the figures computed from the totals.
func (s *Summary) deriveSpeculation() {
	s.HitRate, s.WallPerStep = 0, 0
	if n := s.Hits + s.Discarded; n > 0 {
		s.HitRate = float64(s.Hits) / float64(n)
	}
	if n := s.Steps - s.StartStep; n > 0 {
		s.WallPerStep = s.WallSeconds / float64(n)
	}
}

// writeSpeculation adds the speculation line to the text summary.
func (s *Summary) writeSpeculation(b *strings.Builder) {
	if s.Depth == 0 {
		return
	}
	fmt.Fprintf(b, "speculation depth %d: %s steps started ahead, %s kept (%.1f%%); %s samples wasted (%.2f%%, $%.4f); %.3fs a step\n",
		s.Depth, group(s.Started), group(s.Hits), 100*s.HitRate, group(s.Wasted), 100*s.WastedShare(), s.WastedCostUSD, s.WallPerStep)
}
