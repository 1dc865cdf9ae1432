package plan

import (
	"fmt"
	"math"
)

// DefaultTarget is the whole-task success probability Compute plans for when
// Input.Target is zero; it is the t = 0.95 of the paper's cost table.
const DefaultTarget = 0.95

// Automatic undecided-table length: rows stop after the first one whose
// expected open-step count is below autoTableFloor, or at autoTableRows.
// maxTableRows bounds Input.Rounds so a plan file cannot ask for a
// distribution that takes minutes to compute.
const (
	autoTableFloor = 0.01
	autoTableRows  = 64
	maxTableRows   = 1000
)

// Input is what a plan needs: the calibrated success rate, the task's size
// and target, the red-flag rate, prices and token counts, and the latency and
// concurrency of the model endpoint. Zero values of the optional fields fall
// back to defaults, so a JSON file needs only what differs.
type Input struct {
	// P is the probability that one valid sample is correct for one step.
	P float64 `json:"p"`
	// Steps is the number of steps s in the task (2^20-1 for 20-disk Hanoi).
	Steps int `json:"steps"`
	// Target is the required probability t that the whole task succeeds;
	// zero means DefaultTarget.
	Target float64 `json:"target"`
	// M is the number of steps per subtask (per LLM call); zero means 1,
	// maximal agentic decomposition. For M > 1 the plan follows the paper's
	// Eqs. 13–17: s/M subtasks, and only the correct answer and the single
	// likeliest wrong one (together p^(M-1)) count as votes.
	M int `json:"m"`
	// V is the fraction of samples that pass the red flags; zero means 1.
	V float64 `json:"v"`
	// Prices are the model's prices per million tokens.
	Prices Prices `json:"prices"`
	// InTokens, OutTokens and CachedInTokens are mean token counts per call;
	// CachedInTokens is the part of InTokens served from the prompt cache.
	InTokens       float64 `json:"in_tokens"`
	OutTokens      float64 `json:"out_tokens"`
	CachedInTokens float64 `json:"cached_in_tokens"`
	// LatencySeconds is the time one round of parallel calls takes, a high
	// percentile of a call's latency; zero gives wall times of zero. The
	// projection with and without speculation reads it as the 90th
	// percentile of a log-normal latency of spread LatencySpread (zero
	// means DefaultLatencySpread); see ProjectSpeculation.
	LatencySeconds float64 `json:"latency_seconds"`
	LatencySpread  float64 `json:"latency_spread"`
	// Concurrency caps the calls in flight; zero means k_min, so the first k
	// samples of a step run in one round.
	Concurrency int `json:"concurrency"`
	// Rounds is the number of rows in the undecided table, at most 1000;
	// zero picks rows until the expected number of open steps drops below
	// 0.01 (at most 64).
	Rounds int `json:"rounds"`
	// Hard, when its share is set, plans for hard steps (hard.go): that
	// share of the steps has per-vote success Hard.P, the others P.
	Hard
}

// Plan is the a-priori projection for a run: the margin to use, what it buys,
// and what it costs in samples, dollars and time. It embeds the Input, with
// defaults filled in, so a saved plan says what it was computed from.
type Plan struct {
	Input
	// KMin is the smallest margin that reaches the target.
	KMin int `json:"k_min"`
	// PFull is the whole-task success probability at KMin.
	PFull float64 `json:"p_full"`
	// PFullKMinus1 is the success probability at KMin-1, showing how far the
	// next smaller margin falls short; nil (JSON null) when KMin is 1.
	PFullKMinus1 *float64 `json:"p_full_k_minus_1"`
	// ExpectedVotesPerStep is the exact E[N] at KMin, valid votes per subtask.
	ExpectedVotesPerStep float64 `json:"expected_votes_per_step"`
	// ExpectedSamplesPerStep is the expected LLM calls per subtask,
	// E[N]/(v·p^(m-1)).
	ExpectedSamplesPerStep float64 `json:"expected_samples_per_step"`
	// ExpectedSamples is the expected LLM calls for the whole task.
	ExpectedSamples float64 `json:"expected_samples"`
	// CostPerSampleUSD is the dollar cost of one call.
	CostPerSampleUSD float64 `json:"cost_per_sample_usd"`
	// ExpectedCostUSD is the expected dollar cost of the whole task.
	ExpectedCostUSD float64 `json:"expected_cost_usd"`
	// UndecidedAfterRound is the expected number of subtasks still open
	// after k, k+2, ... valid votes (see UndecidedTable).
	UndecidedAfterRound []UndecidedPoint `json:"undecided_after_round"`
	// ExpectedWallSeconds is the expected wall-clock time (see ExpectedWall).
	ExpectedWallSeconds float64 `json:"expected_wall_seconds"`
	// Under the log-normal latency model (ProjectSpeculation), with its
	// median latency: WallSeconds is the run's wall time without
	// speculation, SpeculativeWallSeconds with it at SpeculationDepth (the
	// depth a run planned for p starts at; 0: speculation stays off), and
	// SpeculativeExtraSamples the samples it is expected to throw away.
	MedianLatencySeconds    float64 `json:"median_latency_seconds"`
	WallSeconds             float64 `json:"wall_seconds"`
	SpeculationDepth        int     `json:"speculation_depth"`
	SpeculativeWallSeconds  float64 `json:"speculative_wall_seconds"`
	SpeculativeExtraSamples float64 `json:"speculative_extra_samples"`
	// Flat, in a plan with hard steps, is what a plan at the steps'
	// average p would say, and how wrong it would be (hard.go).
	Flat *FlatView `json:"flat,omitempty"`
}

// Compute validates in, fills its defaults and returns the Plan. With m > 1
// the task has ceil(s/m) voted subtasks; p_full uses the paper's real-valued
// s/m, and counts (samples, cost, open steps, wall time) use the integer.
func Compute(in Input) (Plan, error) {
	if in.Target == 0 {
		in.Target = DefaultTarget
	}
	if in.M == 0 {
		in.M = 1
	}
	if in.V == 0 {
		in.V = 1
	}
	if err := checkV(in.V); err != nil {
		return Plan{}, err
	}
	if err := checkNonNeg("latency_seconds", in.LatencySeconds); err != nil {
		return Plan{}, err
	}
	if in.LatencySpread == 0 {
		in.LatencySpread = DefaultLatencySpread
	}
	if err := checkNonNeg("latency_spread", in.LatencySpread); err != nil {
		return Plan{}, err
	}
	if in.Concurrency < 0 {
		return Plan{}, fmt.Errorf("plan: concurrency = %d is negative: %w", in.Concurrency, ErrOutOfRange)
	}
	if in.Rounds < 0 || in.Rounds > maxTableRows {
		return Plan{}, fmt.Errorf("plan: rounds = %d is outside [0, %d]: %w", in.Rounds, maxTableRows, ErrOutOfRange)
	}
	cps, err := CostPerSample(in.Prices, in.InTokens, in.OutTokens, in.CachedInTokens)
	if err != nil {
		return Plan{}, err
	}
	hard := in.Hard.Share > 0
	if err := in.Hard.check(); err != nil {
		return Plan{}, err
	}
	if hard && in.M != 1 {
		return Plan{}, fmt.Errorf("plan: hard steps are planned for one step a call (m = 1), got m = %d: %w", in.M, ErrOutOfRange)
	}
	var k int
	if hard {
		k, err = KMinHard(in.P, in.Hard, in.Steps, in.Target)
	} else {
		k, err = KMin(in.P, in.Steps, in.Target, in.M) // validates P, Steps, M, Target
	}
	if err != nil {
		return Plan{}, err
	}
	if in.Concurrency == 0 {
		in.Concurrency = k
	}

	pl := Plan{Input: in, KMin: k, CostPerSampleUSD: cps}
	n := float64(in.Steps) / float64(in.M)
	success := func(k int) float64 {
		if hard {
			return successFullHard(in.P, in.Hard, k, n)
		}
		return successFull(in.P, k, n)
	}
	pl.PFull = success(k)
	if k > 1 {
		prev := success(k - 1)
		pl.PFullKMinus1 = &prev
	}
	pl.ExpectedVotesPerStep, _ = ExpectedVotes(in.P, k)
	samples, _ := ExpectedSamples(in.P, k, in.V)
	if hard {
		// A hard step takes its own, longer, vote.
		pl.ExpectedVotesPerStep = (1-in.Hard.Share)*pl.ExpectedVotesPerStep + in.Hard.Share*expectedVotesAny(in.Hard.P, k)
		samples = pl.ExpectedVotesPerStep / in.V
		pl.Flat = flatView(in, k)
	}
	pl.ExpectedSamplesPerStep = samples / math.Pow(in.P, float64(in.M-1))
	if math.IsInf(pl.ExpectedSamplesPerStep, 1) {
		return Plan{}, fmt.Errorf("plan: m = %d: p^(m-1) underflows, so a subtask needs unboundedly many samples: %w",
			in.M, ErrOutOfRange)
	}

	subtasks := (in.Steps + in.M - 1) / in.M
	pl.ExpectedSamples = float64(subtasks) * pl.ExpectedSamplesPerStep
	if pl.ExpectedCostUSD, err = ExpectedCost(subtasks, pl.ExpectedSamplesPerStep, cps); err != nil {
		return Plan{}, err
	}
	if pl.ExpectedWallSeconds, err = ExpectedWall(subtasks, pl.ExpectedSamplesPerStep, k,
		in.LatencySeconds, in.Concurrency); err != nil {
		return Plan{}, err
	}
	if err := pl.speculationPlan(subtasks); err != nil {
		return Plan{}, err
	}

	rounds := in.Rounds
	if rounds == 0 {
		rounds = autoTableRows
	}
	if pl.UndecidedAfterRound, err = UndecidedTable(in.P, k, subtasks, rounds); err != nil {
		return Plan{}, err
	}
	if in.Rounds == 0 {
		for i, row := range pl.UndecidedAfterRound {
			if row.Undecided < autoTableFloor {
				pl.UndecidedAfterRound = pl.UndecidedAfterRound[:i+1]
				break
			}
		}
	}
	return pl, nil
}
