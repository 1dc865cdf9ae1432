package maker

import (
	"context"
	"fmt"
)

// RunReplay is the outcome of re-deciding a whole journaled run.
type RunReplay struct {
	Run       string `json:"run"`
	K         int    `json:"k"` // 0: each step's recorded k
	Steps     int    `json:"steps"`
	Same      int    `json:"same"`
	Different int    `json:"different"` // decided, for another candidate
	Undecided int    `json:"undecided"` // the recorded votes were not enough
	// Changed lists the steps that would differ or could not be decided,
	// the first Limit of them.
	Changed []StepReplay `json:"changed"`
	Limit   int          `json:"limit"`
}

// ReplayRun re-decides every committed step of a journaled run with margin
// k (k < 1: each step's own) without calling a model, and lists the steps
// that would come out differently, up to limit of them (limit < 1: all).
// Each step is re-decided on its own votes by [Redecide]: where one step
// would change, the real run would have gone on from another state, which
// a replay cannot know. It works on any [Journal].
func ReplayRun(ctx context.Context, j Journal, id string, k, limit int) (*RunReplay, error) {
	run, err := j.Run(ctx, id)
	if err != nil {
		return nil, err
	}
	out := &RunReplay{Run: run.ID, K: max(k, 0), Limit: max(limit, 0), Changed: []StepReplay{}}
	err = j.Steps(ctx, run.ID, 0, -1, func(rec *StepRecord) error {
		if rec.FromCache() {
			// Decided by the cache: re-decide the votes of the step it
			// came from, which the origin names.
			if orig := originStep(ctx, j, rec.CacheHit); orig != nil {
				orig.Step = rec.Step
				rec = orig
			}
		}
		r := Redecide(rec, k)
		out.Steps++
		switch {
		case r.Same():
			out.Same++
			return nil
		case r.Decided:
			out.Different++
		default:
			out.Undecided++
		}
		if limit < 1 || len(out.Changed) < limit {
			out.Changed = append(out.Changed, r)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// originStep is the journaled step a cache hit's origin ("run ID step N")
// names, or nil when it is not in the journal (its run was deleted).
func originStep(ctx context.Context, j Journal, origin string) *StepRecord {
	var id string
	var n int
	if _, err := fmt.Sscanf(origin, "run %s step %d", &id, &n); err != nil || n < 1 {
		return nil
	}
	var out *StepRecord
	_ = j.Steps(ctx, id, n-1, n, func(rec *StepRecord) error {
		out = rec
		return ErrStopSteps
	})
	return out
}
