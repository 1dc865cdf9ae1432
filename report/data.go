package report

import (
	"time"

	"github.com/maker-go/maker"
)

// Data is everything a report shows when the steps are at hand as a slice,
// for example read back from a journal. A live run uses a [Collector]
// instead, which folds the steps in as they are decided.
type Data struct {
	// Summary is the run's summary; it fills the header, and its red-flag
	// counts, which include the samples of a step that never got decided,
	// are the ones the flags chart shows.
	Summary maker.Summary
	// Steps are the decided steps in order.
	Steps []Step
	// PlannedP, when in (0.5, 1], is the per-vote success rate the run was
	// planned for; the undecided chart then shows its theoretical curve
	// beside the one at the rate measured from the votes.
	PlannedP float64
	// Final is the state after the last decided step. A state with a
	// Pegs method ([Pegged], such as a Hanoi state) is drawn as pegs;
	// anything else is printed.
	Final any
	// Generated is when the report was made (left out when zero, so a
	// report can be reproduced byte for byte).
	Generated time.Time
}

// Step is what a report needs of one decided step: the counts and timings,
// without the sample texts, which would make a large run's report huge.
type Step struct {
	Index   int // 0-based step number
	K       int // the margin the step was decided with
	Votes   int // valid votes counted
	Samples int // samples drawn: votes, flagged and cancelled
	// Tally is each candidate's votes, most first.
	Tally []maker.KeyCount
	// Winner is the decided key; empty means the first of Tally.
	Winner    string
	Flags     map[maker.Flag]int // discarded samples by reason
	Cancelled int
	Cost      float64 // USD
	Wall      time.Duration
	// SampleLatencies are the latencies of the samples that came back in
	// time without a transport error.
	SampleLatencies []time.Duration
	// Wrong is set when the task's checker rejected the decided step.
	Wrong bool
}

// StepFromRecord keeps what a report needs of a decided step.
func StepFromRecord(rec *maker.StepRecord) Step {
	s := Step{
		Index:     rec.Step,
		K:         rec.K,
		Votes:     rec.Votes,
		Samples:   len(rec.Samples),
		Tally:     append([]maker.KeyCount(nil), rec.Tally...),
		Winner:    rec.Key,
		Cancelled: rec.Cancelled,
		Cost:      rec.CostUSD,
		Wall:      rec.Wall,
		Wrong:     rec.Wrong,
	}
	for _, sr := range rec.Samples {
		if sr.Flag != maker.FlagNone && !sr.Voted && !sr.Cancelled {
			if s.Flags == nil {
				s.Flags = map[maker.Flag]int{}
			}
			s.Flags[sr.Flag]++
		}
		if !sr.Cancelled && sr.Error == "" {
			s.SampleLatencies = append(s.SampleLatencies, sr.Latency)
		}
	}
	return s
}

// FromRecords builds report data from a run's summary and its step records,
// as an observer that keeps every record would have them.
func FromRecords(sum maker.Summary, recs []*maker.StepRecord) *Data {
	d := &Data{Summary: sum, Steps: make([]Step, 0, len(recs))}
	for _, r := range recs {
		d.Steps = append(d.Steps, StepFromRecord(r))
	}
	return d
}

// winner is the decided candidate's key: Winner, or the tally's first
// when Winner is not set.
func (s *Step) winner() string {
	if s.Winner == "" && len(s.Tally) > 0 {
		return s.Tally[0].Key
	}
	return s.Winner
}

// flagged is the number of samples the step discarded.
func (s *Step) flagged() int {
	n := 0
	for _, c := range s.Flags {
		n += c
	}
	return n
}
