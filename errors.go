package maker

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors callers branch on with errors.Is.
var (
	// ErrNoConsensus: a step reached the sample cap without a candidate
	// ahead by k. The engine never falls back to a plurality.
	ErrNoConsensus = errors.New("no consensus")
	// ErrBudget: a budget limit stopped the run before it was crossed.
	ErrBudget = errors.New("budget reached")
	// ErrStepLimit: the run took as many steps as the task has without the
	// task reporting itself done, which means some step went wrong.
	ErrStepLimit = errors.New("step limit reached without finishing")
	// ErrMalformed: an answer was not in the task's exact format. Every
	// task's parser wraps it (fmt.Errorf("hanoi: %w: ...", ErrMalformed)), so
	// one errors.Is tells a malformed answer from any other failure; the
	// engine red-flags such an answer as FlagMalformed and never repairs it.
	ErrMalformed = errors.New("answer not in the exact format")
)

// NoConsensusError names the step that did not converge and its tally.
type NoConsensusError struct {
	Step    int // 1-based
	K       int
	Samples int
	Flagged int
	Tally   []KeyCount
}

// Error names the step, the margin, the samples spent and the leading
// candidates, so the message alone shows how split the votes were.
func (e *NoConsensusError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "step %d: no candidate ahead by %d after %d samples (%d flagged)", e.Step, e.K, e.Samples, e.Flagged)
	if len(e.Tally) > 0 {
		b.WriteString("; tally:")
		for i, kc := range e.Tally {
			if i == 5 {
				fmt.Fprintf(&b, " and %d more", len(e.Tally)-i)
				break
			}
			fmt.Fprintf(&b, " %d for %q", kc.Votes, kc.Key)
			if i < len(e.Tally)-1 && i < 4 {
				b.WriteString(",")
			}
		}
	}
	return b.String()
}

// Unwrap makes errors.Is(err, ErrNoConsensus) true.
func (e *NoConsensusError) Unwrap() error { return ErrNoConsensus }

// BudgetError says which limit stopped the run and where.
type BudgetError struct {
	Limit string // "max-cost", "max-samples-total" or "max-wall"
	Step  int    // 1-based step that was being decided
	Value string // the limit as given
}

// Error says which limit stopped the run, at what value and at which step.
func (e *BudgetError) Error() string {
	return fmt.Sprintf("budget %s (%s) reached at step %d", e.Limit, e.Value, e.Step)
}

// Unwrap makes errors.Is(err, ErrBudget) true.
func (e *BudgetError) Unwrap() error { return ErrBudget }
