package maker

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
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
	// Auto says the engine chose it (SpeculateAuto).
	Depth int  `json:"speculation_depth"`
	Auto  bool `json:"speculation_auto,omitempty"`
	// Instant says automatic speculation stayed off because the model's
	// mean sample latency, MeanLatency seconds, was under
	// MinSpeculationLatency.
	Instant     bool    `json:"speculation_instant,omitempty"`
	MeanLatency float64 `json:"speculation_probe_latency_seconds,omitempty"`
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
	// LeaderChanges counts, over the decided steps of a speculative run,
	// how often a step's leading candidate gave way to another: each change
	// throws away the steps built on the old leader. LeaderChangeRate is
	// per decided step; SpeculateAuto chooses its depth from it.
	LeaderChanges    int64   `json:"leader_changes"`
	LeaderChangeRate float64 `json:"leader_change_rate"`
	// WallPerStep is the run's wall time over the steps it decided.
	WallPerStep float64 `json:"wall_per_step_seconds"`
}

// Automatic speculation (SpeculateAuto).
const (
	// MaxSpeculationWaste is the share of a run's samples that automatic
	// speculation expects to throw away at most.
	MaxSpeculationWaste = 0.02
	// MaxAutoSpeculation is the deepest automatic speculation goes: a step
	// is rarely waited on by more than two or three below it (a step is
	// decided after about 1.7 times the time its first answer takes, at
	// k=3), so more depth buys nothing and only risks more waste.
	MaxAutoSpeculation = 8
	// unknownChangeRate is the leader-change rate assumed when no p was
	// planned (that of p = 0.995, depth 4), and changeRateWeight how many
	// decided steps the planned rate weighs against those measured: leader
	// changes are rare, and one early change must not turn speculation off
	// for a model as good as planned, while a model far worse than planned
	// (p = 0.8 for 0.9978) still turns it off within about ten steps.
	unknownChangeRate = 0.005
	changeRateWeight  = 200
	// probeSteps is how many steps an automatic-speculation run votes one
	// at a time to measure its model before it may vote ahead (their k
	// samples each are enough to tell a model that answers at once from
	// one that takes time; each costs a 50 ms model about half a median
	// latency over a speculative step), and
	// MinSpeculationLatency the mean sample latency below which it never
	// does: speculation hides the time a step waits on its model, and a
	// model that answers within a millisecond (the in-process simulator, a
	// cache) leaves nothing to hide, while pipelining costs the engine a few
	// microseconds a step (a 20-disk run's million steps take 20 s without
	// it, 23 s with it).
	probeSteps            = 2
	MinSpeculationLatency = time.Millisecond
)

// errVoteAhead ends the probe of an automatic-speculation run: the model
// is slow enough for the pipeline to take over (runner.handover).
var errVoteAhead = errors.New("vote ahead")

// probe reports whether the model's mean sample latency so far calls for
// speculation; when it does not, the run stays step by step, and says why.
func (r *runner[S]) probe() bool {
	r.probing = false
	if r.answered == 0 {
		return false
	}
	mean := r.latency / time.Duration(r.answered)
	if mean >= MinSpeculationLatency {
		return true
	}
	r.sum.Instant = true
	r.sum.MeanLatency = mean.Seconds()
	return false
}

// SpeculationDepth is the depth automatic speculation uses at a
// leader-change rate r (changes per decided step; 1-p for a model that
// answers right with probability p, since a step's successor is built on
// its first valid answer). A change throws away at most depth steps below
// the changed one, each of about k samples, against at least k samples a
// decided step, so the expected waste share is at most r·depth:
//
//	depth = min(MaxAutoSpeculation, floor(MaxSpeculationWaste / r))
//
// which is 8 for p = 0.9978, 2 for p = 0.99, 1 for p = 0.98 and 0 (off)
// below. What runs measure is smaller still: a change usually throws away
// the one step opened on the first answer (docs/concepts.md).
func SpeculationDepth(r float64) int {
	if !(r > 0) {
		return MaxAutoSpeculation
	}
	// The small slack keeps exact ratios (0.02/0.01) from rounding down.
	d := math.Floor(MaxSpeculationWaste/r + 1e-9)
	return int(min(d, MaxAutoSpeculation))
}

// changeRate is the leader-change rate automatic speculation plans with:
// the planned rate, 1-planned (unknownChangeRate when no p was planned),
// weighed as changeRateWeight steps against the changes measured over the
// steps decided so far.
func changeRate(planned float64, changes, steps int) float64 {
	r0 := unknownChangeRate
	if planned > 0 {
		r0 = 1 - planned
	}
	return (float64(changes) + r0*changeRateWeight) / float64(steps+changeRateWeight)
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
		if why := FlagReason(sr.FlagReason); sr.Flag == FlagInvalid && s.Invalid[why] > 0 {
			if s.Invalid[why]--; s.Invalid[why] == 0 {
				delete(s.Invalid, why)
			}
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
	s.Auto = s.Auto || o.Auto
	s.Instant = s.Instant || o.Instant
	s.MeanLatency = max(s.MeanLatency, o.MeanLatency)
	s.LeaderChanges += o.LeaderChanges
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
	s.HitRate, s.WallPerStep, s.LeaderChangeRate = 0, 0, 0
	if n := s.Hits + s.Discarded; n > 0 {
		s.HitRate = float64(s.Hits) / float64(n)
	}
	if n := s.Steps - s.StartStep; n > 0 {
		s.WallPerStep = s.WallSeconds / float64(n)
		s.LeaderChangeRate = float64(s.LeaderChanges) / float64(n)
	}
}

// writeSpeculation adds the speculation line to the text summary.
func (s *Summary) writeSpeculation(b *strings.Builder) {
	if t := s.SpeculationText(); t != "" {
		fmt.Fprintf(b, "speculation %s\n", t)
	}
}

// SpeculationText is what speculation did, for people: the depth, what was
// kept (the hit rate), what was thrown away (the waste) and the
// leader-change rate automatic speculation chooses its depth from; "" for a
// run that did not speculate.
func (s *Summary) SpeculationText() string {
	if s.Depth == 0 && !s.Auto {
		return ""
	}
	auto := ""
	if s.Auto {
		auto = " (auto)"
	}
	if s.Depth == 0 && s.Instant {
		return fmt.Sprintf("off%s: the model answers in %s on average, under the %s worth voting ahead for; %.3fs a step",
			auto, time.Duration(s.MeanLatency*float64(time.Second)).Round(time.Microsecond), MinSpeculationLatency, s.WallPerStep)
	}
	if s.Depth == 0 {
		return fmt.Sprintf("off%s: leaders changed in %.2f%% of steps, too often to vote ahead within %.0f%% waste; %.3fs a step",
			auto, 100*s.LeaderChangeRate, 100*MaxSpeculationWaste, s.WallPerStep)
	}
	return fmt.Sprintf("depth %d%s: %s steps started ahead, %s kept (hit rate %.1f%%); %s samples wasted (%.2f%%, $%.4f); leaders changed in %.2f%% of steps; %.3fs a step",
		s.Depth, auto, group(s.Started), group(s.Hits), 100*s.HitRate, group(s.Wasted), 100*s.WastedShare(), s.WastedCostUSD, 100*s.LeaderChangeRate, s.WallPerStep)
}
