package plan

import (
	"fmt"
	"math"
)

// logR returns ln r = ln((1-p)/p) for p in (0.5, 1], choosing the form with
// the least cancellation: near p = 0.5, r = 1 - (2p-1)/p and log1p keeps the
// small difference exact; elsewhere ln(1-p) - ln(p) is well conditioned and
// 1-p is exact (Sterbenz). p = 1 gives -Inf, so r^k = exp(k ln r) = 0.
func logR(p float64) float64 {
	if p < 0.75 {
		return math.Log1p(-(2*p - 1) / p)
	}
	return math.Log(1-p) - math.Log(p)
}

// rPowK returns r^k = ((1-p)/p)^k, computed in the log domain so that a large
// k underflows cleanly to 0 instead of losing precision.
func rPowK(p float64, k int) float64 {
	return math.Exp(float64(k) * logR(p))
}

// SuccessPerStep returns the probability that first-to-ahead-by-k voting picks
// the correct answer for one step, 1/(1+r^k) with r = (1-p)/p (the paper's
// Eq. 9, gambler's ruin with one competing wrong answer). It is the quantity
// the margin k buys: each extra unit of k multiplies the error odds by r.
func SuccessPerStep(p float64, k int) (float64, error) {
	if err := checkP(p); err != nil {
		return 0, err
	}
	if err := checkK(k); err != nil {
		return 0, err
	}
	return 1 / (1 + rPowK(p, k)), nil
}

// SuccessFull returns the probability that a task of steps steps, split into
// subtasks of m steps each (m = 1 is maximal decomposition), finishes with no
// wrong step: (1+r^k)^(-s/m) (Eq. 13). It is evaluated as
// exp(-(s/m)·log1p(r^k)), which neither underflows nor rounds 1+r^k to 1 when
// r^k is tiny, so it stays accurate for million-step tasks.
func SuccessFull(p float64, k, steps, m int) (float64, error) {
	if err := checkP(p); err != nil {
		return 0, err
	}
	if err := checkK(k); err != nil {
		return 0, err
	}
	if err := checkSteps(steps, m); err != nil {
		return 0, err
	}
	return successFull(p, k, float64(steps)/float64(m)), nil
}

// successFull is SuccessFull without validation; n is the number of voted
// subtasks s/m.
func successFull(p float64, k int, n float64) float64 {
	return math.Exp(-n * math.Log1p(rPowK(p, k)))
}

// KMin returns the smallest margin k for which a task of steps steps, in
// subtasks of m steps, succeeds with probability at least target (Eq. 14):
//
//	k_min = max(1, ceil( ln(t^(-m/s) - 1) / ln r )).
//
// t^(-m/s) - 1 is computed as expm1(-(m/s)·ln t), because for large s the
// power is 1 + ~1e-8 and the subtraction would cancel. The ceiling of a ratio
// that is an integer in exact arithmetic can land on either side, so the
// result is then checked against SuccessFull and moved by one if needed:
// SuccessFull(KMin) >= target and, when KMin > 1, SuccessFull(KMin-1) < target
// hold exactly in float64. p = 1 gives 1.
func KMin(p float64, steps int, target float64, m int) (int, error) {
	if err := checkP(p); err != nil {
		return 0, err
	}
	if err := checkSteps(steps, m); err != nil {
		return 0, err
	}
	if err := checkTarget(target); err != nil {
		return 0, err
	}
	if p == 1 {
		return 1, nil
	}
	n := float64(steps) / float64(m)
	ratio := math.Log(math.Expm1(-math.Log(target)/n)) / logR(p)
	if ratio > MaxK {
		return 0, fmt.Errorf("plan: p = %v is too close to 0.5: k_min ≈ %.4g exceeds MaxK = %d: %w",
			p, ratio, MaxK, ErrOutOfRange)
	}
	k := max(1, int(math.Ceil(ratio)))
	for k > 1 && successFull(p, k-1, n) >= target {
		k--
	}
	for successFull(p, k, n) < target {
		k++
		if k > MaxK {
			return 0, fmt.Errorf("plan: p = %v is too close to 0.5: k_min exceeds MaxK = %d: %w",
				p, MaxK, ErrOutOfRange)
		}
	}
	return k, nil
}

// ExpectedVotes returns the exact expected number of valid votes one step
// needs under first-to-ahead-by-k voting with two candidates, the duration of
// a ±1 random walk started at 0 and absorbed at ±k:
//
//	E[N] = (k/(2p-1)) · (1-r^k)/(1+r^k),  k <= E[N] <= k/(2p-1).
//
// The paper's cost formula uses the upper bound k/(2p-1); the two agree to
// ~1e-8 for p near 1. The factor (1-r^k)/(1+r^k) is computed as
// tanh(-k·ln r/2), which has no cancellation near p = 0.5, and the result is
// clamped to its exact bounds to remove rounding (k = 1 gives exactly 1).
func ExpectedVotes(p float64, k int) (float64, error) {
	if err := checkP(p); err != nil {
		return 0, err
	}
	if err := checkK(k); err != nil {
		return 0, err
	}
	kf := float64(k)
	upper := kf / (2*p - 1)
	e := upper * math.Tanh(-kf*logR(p)/2)
	return min(max(e, kf), upper), nil
}

// ExpectedSamples returns the expected number of LLM calls per step when a
// fraction v of responses is valid and the rest are red-flagged, discarded
// and resampled: E[N]/v. Red-flagged samples cost money but never count as
// votes, so they divide, not add to, the vote count.
func ExpectedSamples(p float64, k int, v float64) (float64, error) {
	if err := checkV(v); err != nil {
		return 0, err
	}
	e, err := ExpectedVotes(p, k)
	if err != nil {
		return 0, err
	}
	return e / v, nil
}
