package calibrate

import (
	"math"

	"github.com/maker-go/maker/plan"
)

// Hard is how the model's success rate varies across steps, measured from
// several independent samples of each sampled step: the share of steps
// where it is low, and how low.
//
// One p for every step assumes errors strike at random. Real models have
// hard steps where p drops, sometimes below 0.5, where a wrong answer
// repeats and no margin helps; an average p hides them, and a plan on it
// promises a success rate the run will not reach. Hard fits the steps'
// wrong-vote counts with a mixture of two kinds of step, ordinary and
// hard, by expectation-maximisation: Share of the steps answer right with
// probability P (valid votes), the others with BaseP. `maker plan
// --hard-share --hard-p` plans under it.
type Hard struct {
	// Share is the estimated fraction of hard steps, P their per-vote
	// success rate and BaseP that of the other steps. With too few
	// samples per step, or no step with errors, Share is 0 and P is BaseP.
	Share float64 `json:"share"`
	P     float64 `json:"p"`
	BaseP float64 `json:"base_p"`
	// StepsMeasured are the probes with at least two valid votes, the ones
	// the fit reads.
	StepsMeasured int `json:"steps_measured"`
	// Threshold and Below: the share of the measured steps whose own
	// measured p (right over valid votes) is under Threshold, a direct but
	// noisy view of the same thing (with few samples a step, one wrong
	// vote moves its p far).
	Threshold float64 `json:"threshold"`
	Below     float64 `json:"share_below_threshold"`
	// CollisionRate is the share of probes where two valid samples were
	// both wrong, and the share expected if errors struck independently at
	// the overall rate: far more than expected says errors gather on some
	// steps.
	CollisionRate         float64 `json:"collision_rate"`
	ExpectedCollisionRate float64 `json:"expected_collision_rate"`
}

// HardThreshold is the per-step p under which a step counts as hard in
// Hard.Below: 0.5, where voting stops helping.
const HardThreshold = 0.5

// stepVotes is one probe's valid votes and how many were wrong.
type stepVotes struct{ valid, wrong int }

// fitHard fits the two-kind mixture to the probes' vote counts.
func fitHard(steps []stepVotes, collisions, probes int, expected, followQ float64) Hard {
	h := Hard{Threshold: HardThreshold}
	if probes > 0 {
		h.CollisionRate = float64(collisions) / float64(probes)
		h.ExpectedCollisionRate = expected / float64(probes)
	}
	var valid, wrong int
	var measured []stepVotes
	below := 0
	for _, s := range steps {
		if s.valid < 2 {
			continue
		}
		measured = append(measured, s)
		valid += s.valid
		wrong += s.wrong
		if float64(s.valid-s.wrong)/float64(s.valid) < HardThreshold {
			below++
		}
	}
	h.StepsMeasured = len(measured)
	if len(measured) == 0 || valid == 0 {
		return h
	}
	h.Below = float64(below) / float64(len(measured))
	overall := float64(wrong) / float64(valid)
	h.BaseP, h.P = 1-overall, 1-overall
	if wrong == 0 {
		return h
	}
	if share, q1, q0, ok := hardCollisions(measured, followQ); ok {
		if q1 >= 2*q0 && share*float64(len(measured)) >= 1 {
			h.Share, h.P, h.BaseP = share, 1-q1, 1-q0
		}
		return h
	}
	// EM on a mixture of two binomials: q0 the ordinary error rate, q1
	// the hard one, pi the hard share. Start with the hard kind at the
	// steps' worst rates and the ordinary one at the overall rate.
	q0, q1, pi := overall/2, 0.5, 0.05
	if q0 <= 0 {
		q0 = 1e-6
	}
	for range 500 {
		var sw, sww, swn, s0w, s0n float64
		for _, s := range measured {
			l1 := binomLog(s.wrong, s.valid, q1) + math.Log(pi)
			l0 := binomLog(s.wrong, s.valid, q0) + math.Log(1-pi)
			m := max(l0, l1)
			w := math.Exp(l1-m) / (math.Exp(l0-m) + math.Exp(l1-m))
			sw += w
			sww += w * float64(s.wrong)
			swn += w * float64(s.valid)
			s0w += (1 - w) * float64(s.wrong)
			s0n += (1 - w) * float64(s.valid)
		}
		npi := sw / float64(len(measured))
		nq1, nq0 := q1, q0
		if swn > 0 {
			nq1 = sww / swn
		}
		if s0n > 0 {
			nq0 = s0w / s0n
		}
		// Keep the rates inside (0, 1) so the logs stay finite.
		nq0 = min(max(nq0, 1e-9), 1-1e-9)
		nq1 = min(max(nq1, 1e-9), 1-1e-9)
		npi = min(max(npi, 1e-9), 1-1e-9)
		done := math.Abs(npi-pi) < 1e-10 && math.Abs(nq0-q0) < 1e-10 && math.Abs(nq1-q1) < 1e-10
		q0, q1, pi = nq0, nq1, npi
		if done {
			break
		}
	}
	if q1 < q0 {
		q0, q1, pi = q1, q0, 1-pi
	}
	// A hard kind that is no harder than twice the ordinary one, or that
	// holds less than one of the steps measured, is not told apart: report
	// one kind.
	if q1 < 2*q0 || pi*float64(len(measured)) < 1 {
		return h
	}
	h.Share, h.P, h.BaseP = pi, 1-q1, 1-q0
	return h
}

// hardCollisions fits the mixture from the steps with two wrong votes or
// more, when every measured step has three votes or more. An ordinary
// step almost never errs twice (about n²q0²/2: one step in ten thousand
// for n = 10, q0 = 0.002), a hard one mostly does, so those steps are the
// hard ones seen. q1 is fitted to their wrong votes by the binomial
// truncated below two, and the share counts the hard steps that erred
// less than twice too: h = (seen - ordinary ones expected) / sum of
// P(w >= 2 | n, q1). The likelihood of the whole mixture, by contrast,
// cannot tell a hard step with one wrong vote from the many ordinary ones
// with one, and its estimates of h and q1 wander with them. ok is false
// when some step has fewer than three votes, or none erred twice.
//
// followQ, when not negative, is q1 as a second look at the seen steps
// measured it (Options.FollowUp), and is taken as it is.
func hardCollisions(steps []stepVotes, followQ float64) (share, q1, q0 float64, ok bool) {
	var seen, seenWrong float64
	var valid, wrong float64
	for _, s := range steps {
		if s.valid < 3 {
			return 0, 0, 0, false
		}
		valid += float64(s.valid)
		wrong += float64(s.wrong)
		if s.wrong >= 2 {
			seen++
			seenWrong += float64(s.wrong)
		}
	}
	if seen == 0 {
		return 0, 0, 0, false
	}
	// The truncated mean rises with q: bisect for the q whose expected
	// wrong votes over the seen steps match theirs.
	truncMean := func(q float64) float64 {
		var m float64
		for _, s := range steps {
			if s.wrong >= 2 {
				m += atLeast2Mean(s.valid, q)
			}
		}
		return m
	}
	lo, hi := 1e-6, 1-1e-9
	for range 100 {
		mid := (lo + hi) / 2
		if truncMean(mid) < seenWrong {
			lo = mid
		} else {
			hi = mid
		}
	}
	q1 = (lo + hi) / 2
	if followQ >= 0 {
		q1 = min(max(followQ, 1e-9), 1-1e-9)
	}
	q0 = wrong / valid
	for range 3 {
		var p1, p0 float64
		for _, s := range steps {
			p1 += atLeast2(s.valid, q1)
			p0 += atLeast2(s.valid, q0)
		}
		share = max(seen-p0, 0) / p1
		share = min(share, 1)
		q0 = max(wrong-share*valid*q1, 0) / ((1 - share) * valid)
	}
	return share, q1, q0, share > 0
}

// atLeast2 is P(w >= 2) for w ~ Binomial(n, q).
func atLeast2(n int, q float64) float64 {
	nf := float64(n)
	p0 := math.Pow(1-q, nf)
	p1 := nf * q * math.Pow(1-q, nf-1)
	return max(1-p0-p1, 0)
}

// atLeast2Mean is E[w | w >= 2] for w ~ Binomial(n, q).
func atLeast2Mean(n int, q float64) float64 {
	p := atLeast2(n, q)
	if p <= 0 {
		return 2
	}
	nf := float64(n)
	p1 := nf * q * math.Pow(1-q, nf-1)
	return (nf*q - p1) / p
}

// binomLog is the log-likelihood of x wrong among n at rate q, less the
// binomial coefficient (the same for both kinds).
func binomLog(x, n int, q float64) float64 {
	return float64(x)*math.Log(q) + float64(n-x)*math.Log1p(-q)
}

// PlanInput is the plan input the report measures, for a task of steps
// steps at target: p, v, the mean tokens, the p90 latency and, when the
// fit found hard steps, their share and p (p is then the ordinary steps').
// A report that priced its samples prices the plan at the measured cost
// per sample. It is what `maker plan --calibration` reads from
// calibrate's JSON.
func (r *Report) PlanInput(steps int, target float64) plan.Input {
	in := plan.Input{P: 1 - r.VoteErrorRate.Value, Steps: steps, Target: target, V: r.V,
		InTokens: r.MeanInputTokens, OutTokens: r.MeanOutputTokens, LatencySeconds: r.LatencyP90Seconds}
	if r.Samples > 0 && r.CostUSD > 0 && r.MeanOutputTokens > 0 {
		in.Prices = plan.Prices{OutPerMTok: r.CostUSD / float64(r.Samples) / r.MeanOutputTokens * 1e6}
		in.InTokens = 0
	}
	if r.Hard.Share > 0 {
		in.P = r.Hard.BaseP
		in.Hard = plan.Hard{Share: r.Hard.Share, P: r.Hard.P}
	}
	return in
}
