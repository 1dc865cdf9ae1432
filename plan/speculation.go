package plan

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/maker-go/maker"
)

// The latency model of the wall-time projection with and without
// speculation (ProjectSpeculation, Plan.WallSeconds and
// Plan.SpeculativeWallSeconds):
//
//   - A call's latency is log-normal: the --latency a plan is given is its
//     90th percentile, and LatencySpread (default 0.3) is sigma, so the
//     median is latency·exp(-1.2816·sigma).
//   - A step's vote runs as the engine runs it: the first k samples go out
//     at once, each valid with probability v and, if valid, right with
//     probability p; a flagged sample is replaced when it comes back, and
//     the leader's missing votes are asked for as they are needed. The step
//     is decided when one answer is k votes ahead.
//   - Without speculation the next step starts when the step is decided.
//   - With speculation at depth D (maker.SpeculationDepth of the
//     leader-change rate 1-p, as a run planned for p starts), the next step
//     starts the moment the step's final leader took the lead (its first
//     valid answer, unless the lead changed), but no more than D steps
//     ahead of the first undecided one; each lead change throws away the
//     step built on the old leader (k samples) and any step already opened
//     below it.
//
// The recursion is evaluated over speculationTrials simulated steps with a
// fixed seed, so a plan is reproducible; it ignores --concurrency caps
// below k and network time between calls.
const (
	// DefaultLatencySpread is the sigma of the log-normal call latency.
	DefaultLatencySpread = 0.3
	// z90 is the standard normal's 90th percentile.
	z90               = 1.2815515655446004
	speculationTrials = 20000
	speculationSeed   = 0x5eed
)

// SpeculationProjection is a step's wall time, in median call latencies,
// with and without speculation (see the latency model above).
type SpeculationProjection struct {
	// Depth is the speculation depth a run planned for p uses (0: off).
	Depth int `json:"speculation_depth"`
	// StepMedians and SpeculativeStepMedians are the mean wall time of a
	// step without and with speculation, over the median latency.
	StepMedians            float64 `json:"step_medians"`
	SpeculativeStepMedians float64 `json:"speculative_step_medians"`
	// SamplesPerStep is the mean samples a step's vote draws;
	// ExtraSamplesPerStep the samples speculation throws away a step.
	SamplesPerStep      float64 `json:"samples_per_step"`
	ExtraSamplesPerStep float64 `json:"extra_samples_per_step"`
}

// ProjectSpeculation evaluates the latency model for per-sample success p,
// margin k, valid share v and log-normal spread sigma.
func ProjectSpeculation(p float64, k int, v, sigma float64) (SpeculationProjection, error) {
	if err := checkP(p); err != nil {
		return SpeculationProjection{}, err
	}
	if err := checkK(k); err != nil {
		return SpeculationProjection{}, err
	}
	if err := checkV(v); err != nil {
		return SpeculationProjection{}, err
	}
	if err := checkNonNeg("latency_spread", sigma); err != nil {
		return SpeculationProjection{}, err
	}
	depth := maker.SpeculationDepth(1 - p)
	rng := rand.New(rand.NewPCG(speculationSeed, uint64(k)))
	lat := func() float64 { return math.Exp(sigma * rng.NormFloat64()) }
	// open, decided: when each step opened and was decided (a ring of the
	// last depth+1 decisions is all the recursion looks back at).
	decided := make([]float64, depth+1)
	var open, last, samples, waste, plain float64
	for i := 0; i < speculationTrials; i++ {
		v := voteOnce(rng, lat, p, k, v)
		samples += float64(v.samples)
		plain += v.decide
		// Steps opened below a leader that then changed: the first on
		// the old leader, then one more each time a step below had its
		// first answer before the change.
		from := v.first
		for _, change := range v.changes {
			at := from
			for d := 1; d <= depth; d++ {
				waste += float64(k)
				at += firstOf(lat, k)
				if at >= change {
					break
				}
			}
			from = change
		}
		done := math.Max(last, open+v.decide)
		decided[i%(depth+1)] = done
		last = done
		next := done
		if depth > 0 {
			next = open + v.lead
			if i >= depth {
				// Step i+1 opens once step i+1-depth-1 = i-depth is decided.
				next = math.Max(next, decided[(i-depth)%(depth+1)])
			}
		}
		open = next
	}
	n := float64(speculationTrials)
	return SpeculationProjection{
		Depth:                  depth,
		StepMedians:            plain / n,
		SpeculativeStepMedians: last / n,
		SamplesPerStep:         samples / n,
		ExtraSamplesPerStep:    waste / n,
	}, nil
}

// firstOf is the first of k latencies.
func firstOf(lat func() float64, k int) float64 {
	x := math.Inf(1)
	for range k {
		x = math.Min(x, lat())
	}
	return x
}

// vote is one simulated step's vote, times from its opening.
type vote struct {
	decide  float64   // the deciding vote's arrival
	lead    float64   // when the final leader took the lead for good
	first   float64   // the first valid answer
	changes []float64 // when the lead passed to another answer
	samples int
}

// voteOnce runs one step's first-to-ahead-by-k vote between the right
// answer and one wrong one, as the engine launches samples.
func voteOnce(rng *rand.Rand, lat func() float64, p float64, k int, v float64) vote {
	var out vote
	pending := make([]float64, 0, k+4)
	launch := func(at float64) {
		pending = append(pending, at+lat())
		out.samples++
	}
	for range k {
		launch(0)
	}
	right, wrong := 0, 0
	leader := 0 // +1 right, -1 wrong, 0 none; the first voted keeps a tie
	for {
		sort.Float64s(pending)
		t := pending[0]
		pending = pending[1:]
		if rng.Float64() >= v {
			launch(t) // flagged: replaced
			continue
		}
		if rng.Float64() < p {
			right++
		} else {
			wrong++
		}
		was := leader
		switch {
		case right > wrong:
			leader = 1
		case wrong > right:
			leader = -1
		}
		if was == 0 {
			out.first, out.lead = t, t
		} else if leader != was {
			out.changes = append(out.changes, t)
			out.lead = t
		}
		lead := right - wrong
		if lead < 0 {
			lead = -lead
		}
		if lead >= k {
			out.decide = t
			return out
		}
		for len(pending) < k-lead {
			launch(t)
		}
	}
}

// speculationPlan fills the plan's wall times with and without speculation
// under the latency model, when a latency is given.
func (pl *Plan) speculationPlan(subtasks int) error {
	if pl.LatencySeconds == 0 {
		return nil
	}
	// Subtasks of m steps vote on the right answer and the likeliest wrong
	// one only (together p^(m-1) of valid samples), as ExpectedSamples.
	v := pl.V * math.Pow(pl.P, float64(pl.M-1))
	if v <= 0 {
		return fmt.Errorf("plan: m = %d: p^(m-1) underflows: %w", pl.M, ErrOutOfRange)
	}
	s, err := ProjectSpeculation(pl.P, pl.KMin, v, pl.LatencySpread)
	if err != nil {
		return err
	}
	pl.MedianLatencySeconds = pl.LatencySeconds * math.Exp(-z90*pl.LatencySpread)
	n := float64(subtasks)
	pl.WallSeconds = n * s.StepMedians * pl.MedianLatencySeconds
	pl.SpeculationDepth = s.Depth
	pl.SpeculativeWallSeconds = n * s.SpeculativeStepMedians * pl.MedianLatencySeconds
	pl.SpeculativeExtraSamples = n * s.ExtraSamplesPerStep
	return nil
}
