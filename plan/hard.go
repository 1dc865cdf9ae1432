package plan

import (
	"errors"
	"fmt"
	"math"
)

// ErrUnreachable is returned, wrapped with the best the margin can do, when
// the task has hard steps on which voting cannot reach the target at any
// k: their p is at or below 0.5, or so near it that the margin needed is
// beyond MaxHardK. Raising k does not help; a stronger model on those
// steps (escalation) or a stronger model for the task does.
var ErrUnreachable = errors.New("no k reaches the target")

// MaxHardK is the largest margin a plan with hard steps searches: far
// beyond what a step can afford (a hard step at p = 0.6 takes about 5k
// samples).
const MaxHardK = 200

// Hard is how p varies across the steps: Share of them are hard, with
// per-vote success rate P; the others have the plan's P. A calibration
// measures it (calibrate.Hard); zero Share is one p for every step.
type Hard struct {
	Share float64 `json:"hard_share,omitempty"`
	P     float64 `json:"hard_p,omitempty"`
}

// check validates a hard-step description.
func (h Hard) check() error {
	if math.IsNaN(h.Share) || h.Share < 0 || h.Share >= 1 {
		return fmt.Errorf("plan: hard_share = %v is outside [0, 1): %w", h.Share, ErrOutOfRange)
	}
	if h.Share > 0 && (math.IsNaN(h.P) || h.P <= 0 || h.P > 1) {
		return fmt.Errorf("plan: hard_p = %v is outside (0, 1]: %w", h.P, ErrOutOfRange)
	}
	return nil
}

// stepSuccess is the chance that first-to-ahead-by-k voting picks the
// right answer when one valid vote is right with probability p, against
// one wrong answer (gambler's ruin, 1/(1+r^k)), for any p in (0, 1]:
// below 0.5 it tends to 0 as k grows.
func stepSuccess(p float64, k int) float64 {
	if p >= 1 {
		return 1
	}
	lr := math.Log(1-p) - math.Log(p)
	x := float64(k) * lr
	if x > 700 {
		return 0
	}
	return 1 / (1 + math.Exp(x))
}

// SuccessFullHard is the whole task's success probability at margin k
// when a share h.Share of its steps, drawn independently, have per-vote
// success h.P and the others base: ((1-h)·s(base) + h·s(hardP))^steps,
// the expectation over how many steps turn out hard.
func SuccessFullHard(base float64, h Hard, k, steps int) (float64, error) {
	if err := checkP(base); err != nil {
		return 0, err
	}
	if err := h.check(); err != nil {
		return 0, err
	}
	if err := checkK(k); err != nil {
		return 0, err
	}
	if err := checkSteps(steps, 1); err != nil {
		return 0, err
	}
	return successFullHard(base, h, k, float64(steps)), nil
}

func successFullHard(base float64, h Hard, k int, n float64) float64 {
	if h.Share == 0 {
		return successFull(base, k, n)
	}
	// 1 - per-step failure, kept as a failure so a million steps of tiny
	// failures do not round to 1.
	fail := (1-h.Share)*(1-stepSuccess(base, k)) + h.Share*(1-stepSuccess(h.P, k))
	return math.Exp(n * math.Log1p(-fail))
}

// KMinHard is the smallest margin at which a task with hard steps reaches
// target. When none up to MaxHardK does, it returns the margin with the
// best success and an error wrapping ErrUnreachable that says how good
// that is and what the hard steps cap it at.
func KMinHard(base float64, h Hard, steps int, target float64) (int, error) {
	if err := checkP(base); err != nil {
		return 0, err
	}
	if err := h.check(); err != nil {
		return 0, err
	}
	if err := checkSteps(steps, 1); err != nil {
		return 0, err
	}
	if err := checkTarget(target); err != nil {
		return 0, err
	}
	bestK, best := 1, -1.0
	for k := 1; k <= MaxHardK; k++ {
		s := successFullHard(base, h, k, float64(steps))
		if s >= target {
			return k, nil
		}
		if s > best {
			bestK, best = k, s
		}
	}
	limit := "the ordinary steps alone"
	if h.P <= 0.5 {
		// As k grows the hard steps all fail: at best none is drawn.
		limit = fmt.Sprintf("no k can do better than the chance that none of the %d steps is hard, %.4g", steps, math.Pow(1-h.Share, float64(steps)))
	} else {
		limit = fmt.Sprintf("the hard steps at p = %.4g need a margin beyond %d", h.P, MaxHardK)
	}
	return bestK, fmt.Errorf("plan: %.3g%% of the steps are hard (p = %.4g): the best margin, k = %d, succeeds with probability %.4g < target %g, and %s; escalate the steps that do not reach consensus to a stronger model, or run a stronger model: %w",
		100*h.Share, h.P, bestK, best, target, limit, ErrUnreachable)
}

// expectedVotesAny is E[N], the valid votes first-to-ahead-by-k takes, for
// any p in (0, 1]: ExpectedVotes' formula holds on both sides of 0.5 (the
// walk is absorbed at +k or -k either way), and is k² at 0.5.
func expectedVotesAny(p float64, k int) float64 {
	if p >= 1 {
		return float64(k)
	}
	kf := float64(k)
	if math.Abs(2*p-1) < 1e-12 {
		return kf * kf
	}
	lr := math.Log(1-p) - math.Log(p)
	return kf / (2*p - 1) * math.Tanh(-kf*lr/2)
}

// FlatView is what a plan at one average p for every step says, beside
// the plan with hard steps: how far it is off.
type FlatView struct {
	// P is the average per-vote success rate, (1-share)·p + share·hard_p.
	P float64 `json:"p"`
	// KMin is the margin the flat plan recommends; PFull the success it
	// promises there, and TruePFull the success there with the hard steps.
	KMin      int     `json:"k_min"`
	PFull     float64 `json:"p_full"`
	TruePFull float64 `json:"true_p_full"`
	// PFullAtK is the success the flat plan promises at the hard-step
	// plan's k_min.
	PFullAtK float64 `json:"p_full_at_k"`
}

// flatView compares the hard-step plan at margin k with the flat plan.
func flatView(in Input, k int) *FlatView {
	n := float64(in.Steps)
	f := &FlatView{P: (1-in.Hard.Share)*in.P + in.Hard.Share*in.Hard.P}
	if f.P <= 0.5 {
		return f
	}
	f.PFullAtK = successFull(f.P, k, n)
	if fk, err := KMin(f.P, in.Steps, in.Target, 1); err == nil {
		f.KMin = fk
		f.PFull = successFull(f.P, fk, n)
		f.TruePFull = successFullHard(in.P, in.Hard, fk, n)
	}
	return f
}
