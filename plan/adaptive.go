package plan

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/maker-go/maker"
)

// DefaultAdaptiveMinVotes is how many valid votes AdaptiveK waits for before
// it trusts its estimate of p: fewer leave the interval so wide that it
// would raise k on noise.
const DefaultAdaptiveMinVotes = 200

// AdaptiveK is a [maker.KPolicy] that starts from the planned margin and
// raises it when the run's own votes say the target is at risk.
//
// Every decided step is evidence about p: its votes for the winner count as
// right and every other valid vote as an error. After each step it takes
// the pessimistic (lower) end of the 95% Wilson interval of p and computes
// k_min for the whole task at that p. The margin is that k_min, never below
// the floor. Because the estimate tightens as votes come in, the margin can
// come back down towards the floor once a scare is over; each change is
// logged with its reason.
type AdaptiveK struct {
	Floor    int     // the planned margin; never go below it
	Steps    int     // the task's step count s
	Target   float64 // the whole-task success target t
	MinVotes int     // votes to see before acting (default DefaultAdaptiveMinVotes)
	Logger   *slog.Logger
	// Hard is the calibration's estimate of the hard steps (share and p):
	// when set, k_min is planned with them, the run's pessimistic p
	// standing for the other steps. The run's votes say little about hard
	// steps, which are rare, so the estimate comes from calibrate.
	Hard Hard

	k     int
	right int
	total int
}

// NewAdaptiveK starts at floor for a task of steps steps.
func NewAdaptiveK(floor, steps int, target float64, logger *slog.Logger) (*AdaptiveK, error) {
	if floor < 1 {
		return nil, fmt.Errorf("adaptive k: floor = %d must be at least 1: %w", floor, ErrOutOfRange)
	}
	if err := checkPositive("steps", steps); err != nil {
		return nil, err
	}
	if err := checkTarget(target); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &AdaptiveK{Floor: floor, Steps: steps, Target: target, MinVotes: DefaultAdaptiveMinVotes, Logger: logger, k: floor}, nil
}

// kMin is k_min at p for the other steps, with the hard steps when set.
func (a *AdaptiveK) kMin(p float64) (int, error) {
	if a.Hard.Share > 0 {
		return KMinHard(p, a.Hard, a.Steps, a.Target)
	}
	return KMin(p, a.Steps, a.Target, 1)
}

// K implements [maker.KPolicy].
func (a *AdaptiveK) K(int) int { return a.k }

// Estimate returns the votes seen, the share of them that went to the
// winners, and the pessimistic end of its 95% interval.
func (a *AdaptiveK) Estimate() (votes int, p, lower float64) {
	if a.total == 0 {
		return 0, 0, 0
	}
	lo, _, _ := Wilson(a.right, a.total, Z95)
	return a.total, float64(a.right) / float64(a.total), lo
}

// Observe implements [maker.KPolicy].
func (a *AdaptiveK) Observe(rec *maker.StepRecord) {
	for _, kc := range rec.Tally {
		if kc.Key == rec.Key {
			a.right += kc.Votes
		}
		a.total += kc.Votes
	}
	if a.total < a.MinVotes {
		return
	}
	_, p, lower := a.Estimate()
	want := a.Floor
	if lower <= 0.5 {
		// Voting cannot reach any target if p may be this low: raise as far
		// as the point estimate allows, or double, and say so.
		want = max(a.k*2, a.Floor)
		if k, err := KMin(p, a.Steps, a.Target, 1); err == nil {
			want = max(k, a.Floor)
		}
	} else if k, err := a.kMin(lower); k > want && (err == nil || errors.Is(err, ErrUnreachable)) {
		// Unreachable: the best margin there is.
		want = k
	}
	if want != a.k {
		a.Logger.Warn("adaptive k: margin changed", "step", rec.Step+1, "from", a.k, "to", want,
			"votes", a.total, "p_hat", p, "p_lower95", lower, "reason",
			fmt.Sprintf("k_min at the pessimistic p %.5f for %d steps and target %g is %d (floor %d)", lower, a.Steps, a.Target, want, a.Floor))
		a.k = want
	}
}
