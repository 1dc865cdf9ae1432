package plan

import (
	"errors"
	"fmt"
	"math"
)

// ErrVotingCannotHelp is returned when the per-sample success rate p is at
// most 0.5. Voting then amplifies the wrong answer (or does nothing at
// p = 0.5), so no margin k reaches a target, and the formulas that divide by
// 2p-1 or ln((1-p)/p) are undefined. Callers branch on it to tell the user to
// decompose the task further or pick a better model rather than to raise k.
var ErrVotingCannotHelp = errors.New("voting cannot help when p <= 0.5")

// ErrOutOfRange is returned, wrapped with the name and value of the offending
// input, when an input lies outside its domain: p outside (0, 1], a target
// outside (0, 1), fewer than one step, a margin k below 1, a valid-response
// rate v outside (0, 1], or a negative price, token count or latency. It is
// also returned when p is so close to 0.5 that k_min would exceed MaxK.
var ErrOutOfRange = errors.New("out of range")

// MaxK bounds the vote margin the package will plan for. A margin this large
// already means p is within about 1e-3 of 0.5 and a step costs millions of
// samples; the bound keeps KMin from overflowing and the O(k·votes) vote
// distribution from running for minutes.
const MaxK = 10000

// checkP validates p and reports ErrVotingCannotHelp for p in (0, 0.5].
func checkP(p float64) error {
	if math.IsNaN(p) || p <= 0 || p > 1 {
		return fmt.Errorf("plan: p = %v is outside (0, 1]: %w", p, ErrOutOfRange)
	}
	if p <= 0.5 {
		return fmt.Errorf("plan: p = %v: %w", p, ErrVotingCannotHelp)
	}
	return nil
}

func checkK(k int) error {
	if k < 1 || k > MaxK {
		return fmt.Errorf("plan: k = %d is outside [1, %d]: %w", k, MaxK, ErrOutOfRange)
	}
	return nil
}

// checkPositive validates a count that must be at least 1 (steps, rounds,
// concurrency, trials).
func checkPositive(name string, n int) error {
	if n < 1 {
		return fmt.Errorf("plan: %s = %d is below 1: %w", name, n, ErrOutOfRange)
	}
	return nil
}

// checkSteps validates the step count s and the steps per subtask m.
func checkSteps(steps, m int) error {
	if err := checkPositive("steps", steps); err != nil {
		return err
	}
	if m < 1 || m > steps {
		return fmt.Errorf("plan: m = %d is outside [1, steps = %d]: %w", m, steps, ErrOutOfRange)
	}
	return nil
}

func checkTarget(t float64) error {
	if math.IsNaN(t) || t <= 0 || t >= 1 {
		return fmt.Errorf("plan: target t = %v is outside (0, 1): %w", t, ErrOutOfRange)
	}
	return nil
}

func checkV(v float64) error {
	if math.IsNaN(v) || v <= 0 || v > 1 {
		return fmt.Errorf("plan: valid-response rate v = %v is outside (0, 1]: %w", v, ErrOutOfRange)
	}
	return nil
}

// checkNonNeg validates a price, token count, latency or similar quantity.
func checkNonNeg(name string, x float64) error {
	if math.IsNaN(x) || x < 0 || math.IsInf(x, 1) {
		return fmt.Errorf("plan: %s = %v must be finite and >= 0: %w", name, x, ErrOutOfRange)
	}
	return nil
}
