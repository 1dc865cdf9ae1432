package maker

import "fmt"

// stopKilled is the outcome of a session that has not ended: it is running,
// or its process was killed.
const stopKilled = "running or killed"

// SummarizeSessions is a run's summary over the original run and every
// resumption: the same fields a run reports for itself, added up by
// [Summary.Merge], and the outcome of the latest session. A session that
// ended wrote its own summary, which also counts the samples of a step it
// did not decide; a session that did not end (running, or killed) is
// rebuilt by fold, which calls [Summary.AddStep] on sum for each step the
// session committed, in order (what it spent on steps it did not commit is
// not known; its savings are priced as a session of the run that ended
// priced them), and its wall time runs to its last commit. Steps is the
// run's committed step count. Backends call it from [Journal.Summary]
// and then check the steps with [CheckStepPrefix].
func SummarizeSessions(run *RunRecord, fold func(s Session, sum *Summary) error) (*Summary, error) {
	var pricing Pricing
	for _, s := range run.Sessions {
		if s.Summary != nil && !s.Summary.Pricing.Zero() {
			pricing = s.Summary.Pricing
			break
		}
	}
	total := &Summary{
		Task:           run.Task,
		Model:          run.Model,
		Simulated:      run.Simulated,
		TotalSteps:     run.TotalSteps,
		Flagged:        map[Flag]int64{},
		VotesHistogram: Histogram{},
		StopReason:     stopKilled,
	}
	for _, s := range run.Sessions {
		part := s.Summary
		if part == nil {
			part = &Summary{
				Flagged:        map[Flag]int64{},
				VotesHistogram: Histogram{},
				StartStep:      s.StartStep,
				Steps:          s.StartStep,
				Pricing:        pricing,
				StopReason:     stopKilled,
				WallSeconds:    s.Updated.Sub(s.Started).Seconds(),
			}
			if err := fold(s, part); err != nil {
				return nil, err
			}
		}
		total.Merge(part)
	}
	total.Steps = run.Steps
	total.Derive()
	return total, nil
}

// CheckStepPrefix checks a run's committed steps against its step count:
// count steps are stored and the last is step next-1 (0-based; next is 0
// with none). Where they are not the gap-free prefix run.Steps says, it
// makes total the summary of the first prefix steps (which prefix counts
// only on that path), failed, and returns an error wrapping
// [ErrInconsistent].
func CheckStepPrefix(total *Summary, run *RunRecord, count, next int, prefix func() (int, error)) error {
	if count == next && count == run.Steps {
		return nil
	}
	n, err := prefix()
	if err != nil {
		return err
	}
	ierr := fmt.Errorf("journal: run %s: %w: %d steps recorded, the last is step %d, the run says %d", run.ID, ErrInconsistent, count, next, run.Steps)
	total.Steps, total.Success, total.Done = n, false, false
	total.StopReason, total.Error = "journal inconsistent", ierr.Error()
	total.Derive()
	return ierr
}

// InconsistentSteps is the error a backend returns (wrapping
// [ErrInconsistent]) when a run's stored steps are not a gap-free prefix of
// its count: count stored, the last is step next-1, the run says steps.
func InconsistentSteps(count, next, steps int) error {
	return fmt.Errorf("%w: %d steps recorded, last is %d, run says %d", ErrInconsistent, count, next, steps)
}
