package maker

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
)

// Summary is what a run did and cost. Step numbers in it are 1-based.
type Summary struct {
	Task           string         `json:"task"`
	Model          string         `json:"model"`
	Simulated      bool           `json:"simulated"`
	Success        bool           `json:"success"`
	Done           bool           `json:"done"`
	StopReason     string         `json:"stop_reason"`
	Error          string         `json:"error,omitempty"`
	Steps          int            `json:"steps"`       // steps decided, including any resumed from
	TotalSteps     int            `json:"total_steps"` // the task's step count, 0 when unknown
	StartStep      int            `json:"start_step"`  // steps already decided when this run began
	K              int            `json:"k"`
	KMax           int            `json:"k_max"`
	WrongSteps     int            `json:"wrong_steps"`
	FirstWrongStep *int           `json:"first_wrong_step"`
	FirstWrongWhy  string         `json:"first_wrong_reason,omitempty"`
	Samples        int64          `json:"samples"`
	CacheHits      int64          `json:"cache_hits"` // steps the decision cache decided, free
	ValidVotes     int64          `json:"valid_votes"`
	WinnerVotes    int64          `json:"winner_votes"` // valid votes for the candidate that won their step
	RightVotes     int64          `json:"right_votes"`  // valid votes of decided steps that were right ([RightVotes]; [Summary.MeasuredP])
	Flagged        map[Flag]int64 `json:"flagged"`
	Cancelled      int64          `json:"cancelled"`
	Retries        int64          `json:"retries"`
	MaxVotesInStep int            `json:"max_votes_in_step"`
	StepsOverK     int64          `json:"steps_over_k"`
	VotesHistogram Histogram      `json:"votes_histogram"`
	Usage
	// BatchedRequests counts requests that asked for several completions of
	// one prompt (n>1); InputSavedByBatch is the input tokens they did not
	// pay again, and SavedUSD what batching and prompt caching saved.
	BatchedRequests   int64   `json:"batched_requests"`
	InputSavedByBatch int64   `json:"input_tokens_saved_by_batch"`
	SavedUSD          float64 `json:"saved_usd"`
	CostPerSample     float64 `json:"cost_per_sample_usd"` // CostUSD over Samples
	CostPerStep       float64 `json:"cost_per_step_usd"`   // CostUSD over the steps this summary decided
	WallSeconds       float64 `json:"wall_seconds"`
	Pricing           Pricing `json:"pricing"`
	// PriceNote says why the cost is zero or unknown, when it is.
	PriceNote string `json:"price_note,omitempty"`
	// Invalid counts the samples the task's [Validator] rejected (those
	// Flagged as [FlagInvalid]) by the validator's reason.
	Invalid map[string]int64 `json:"invalid,omitempty"`
	// Speculation is what voting ahead did (speculation.go).
	Speculation
	// Escalations is what the escalation model did (escalate.go).
	Escalations
	// Models is what each model of an ensemble did (modelstats.go); empty
	// for a run on one model.
	Models ModelTable `json:"models,omitempty"`
	// Budget is the run's limits and what it spent before this session
	// (budget.go); nil when it has no limit.
	Budget *BudgetUse `json:"budget,omitempty"`
}

// FlaggedTotal is the number of samples discarded by red flags.
func (s *Summary) FlaggedTotal() int64 {
	var n int64
	for _, c := range s.Flagged {
		n += c
	}
	return n
}

// Histogram counts steps by the number of valid votes they took.
type Histogram map[int]int64

// MarshalJSON writes the buckets as an object keyed by vote count.
func (h Histogram) MarshalJSON() ([]byte, error) {
	m := make(map[string]int64, len(h))
	for k, v := range h {
		m[strconv.Itoa(k)] = v
	}
	return json.Marshal(m)
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (h *Histogram) UnmarshalJSON(b []byte) error {
	var m map[string]int64
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*h = make(Histogram, len(m))
	for k, v := range m {
		n, err := strconv.Atoi(k)
		if err != nil {
			return err
		}
		(*h)[n] = v
	}
	return nil
}

// AddStep folds a decided step into the summary: its vote and every sample
// it drew, with what batching and prompt caching saved at the summary's
// Pricing. It is how a journal rebuilds the summary of a session whose
// process was killed before it could write its own.
func (s *Summary) AddStep(rec *StepRecord) {
	for i := range rec.Samples {
		s.addSample(&rec.Samples[i])
	}
	s.addDecision(rec)
}

// addDecision counts a decided step's vote. The engine counts the samples
// as they arrive, so an undecided step's spending shows too, and the
// decision when the step is decided.
func (s *Summary) addDecision(rec *StepRecord) {
	if s.Flagged == nil {
		s.Flagged = map[Flag]int64{}
	}
	if s.VotesHistogram == nil {
		s.VotesHistogram = Histogram{}
	}
	if s.K == 0 {
		s.K = rec.K
	}
	s.Steps++
	s.Escalations.addDecision(rec)
	if rec.FromCache() {
		// No vote: the step counts, and its check, but no tally.
		s.CacheHits++
	} else {
		s.Models.addDecision(rec)
		s.VotesHistogram[rec.Votes]++
	}
	for _, kc := range rec.Tally {
		if kc.Key == rec.Key {
			s.WinnerVotes += int64(kc.Votes)
		}
	}
	s.RightVotes += int64(RightVotes(rec.Tally, rec.Key, rec.Wrong))
	if rec.Votes > s.MaxVotesInStep {
		s.MaxVotesInStep = rec.Votes
	}
	if rec.Votes > rec.K {
		s.StepsOverK++
	}
	if rec.K > s.KMax {
		s.KMax = rec.K
	}
	if rec.Wrong {
		s.WrongSteps++
		if s.FirstWrongStep == nil {
			n := rec.Step + 1
			s.FirstWrongStep = &n
			s.FirstWrongWhy = rec.WrongWhy
		}
	}
}

// addSample counts one sample that came back (or was cancelled) and what it
// saved.
func (s *Summary) addSample(sr *SampleRecord) {
	if s.Flagged == nil {
		s.Flagged = map[Flag]int64{}
	}
	s.Samples++
	s.Models.addSample(sr)
	s.Escalations.addSample(sr)
	s.Usage.Add(sr.Usage)
	s.Retries += int64(sr.Retries)
	switch {
	case sr.Voted:
		s.ValidVotes++
	case sr.Cancelled:
		s.Cancelled++
	case sr.Flag != FlagNone:
		s.Flagged[sr.Flag]++
		if sr.Flag == FlagInvalid {
			if s.Invalid == nil {
				s.Invalid = map[string]int64{}
			}
			countReason(s.Invalid, FlagReason(sr.FlagReason))
		}
	}
	s.addSaving(sr)
}

// addSaving counts what a sample saved at the summary's prices: the prompt
// a batched request did not send again, and the input tokens a prompt cache
// served cheaper.
func (s *Summary) addSaving(sr *SampleRecord) {
	p := s.Pricing
	if sr.Batch > 1 && sr.Error == "" {
		saved := sr.InputTokens * int64(sr.Batch-1)
		s.BatchedRequests++
		s.InputSavedByBatch += saved
		s.SavedUSD += p.Cost(Response{InputTokens: int(saved)})
	}
	if c := sr.CachedInputTokens; c > 0 && p.CachedInPerMTok > 0 && p.CachedInPerMTok < p.InPerMTok {
		s.SavedUSD += float64(c) * (p.InPerMTok - p.CachedInPerMTok) / 1e6
	}
}

// Merge adds o, a later part of the same run (a resumed session), into s:
// counters are added, maxima kept, the first wrong step is the earlier one,
// the outcome (Success, Done, StopReason, Error) is o's, and the derived
// costs are computed again. Identity (Task, Model, Simulated), K, StartStep,
// Pricing and PriceNote are s's, or o's where s has none.
func (s *Summary) Merge(o *Summary) {
	if s.Task == "" {
		s.Task, s.Model, s.Simulated = o.Task, o.Model, o.Simulated
	}
	if s.K == 0 {
		s.K = o.K
	}
	if s.Pricing.Zero() {
		s.Pricing = o.Pricing
	}
	if s.PriceNote == "" {
		s.PriceNote = o.PriceNote
	}
	s.Success, s.Done, s.StopReason, s.Error = o.Success, o.Done, o.StopReason, o.Error
	s.Steps = max(s.Steps, o.Steps)
	s.TotalSteps = max(s.TotalSteps, o.TotalSteps)
	s.KMax = max(s.KMax, o.KMax)
	s.MaxVotesInStep = max(s.MaxVotesInStep, o.MaxVotesInStep)
	s.WrongSteps += o.WrongSteps
	if o.FirstWrongStep != nil && (s.FirstWrongStep == nil || *o.FirstWrongStep < *s.FirstWrongStep) {
		n := *o.FirstWrongStep
		s.FirstWrongStep, s.FirstWrongWhy = &n, o.FirstWrongWhy
	}
	s.Samples += o.Samples
	s.CacheHits += o.CacheHits
	s.ValidVotes += o.ValidVotes
	s.WinnerVotes += o.WinnerVotes
	s.RightVotes += o.RightVotes
	if len(o.Flagged) > 0 && s.Flagged == nil {
		s.Flagged = map[Flag]int64{}
	}
	for f, n := range o.Flagged {
		s.Flagged[f] += n
	}
	for why, n := range o.Invalid {
		if s.Invalid == nil {
			s.Invalid = map[string]int64{}
		}
		s.Invalid[why] += n
	}
	s.Cancelled += o.Cancelled
	s.Retries += o.Retries
	s.StepsOverK += o.StepsOverK
	if len(o.VotesHistogram) > 0 && s.VotesHistogram == nil {
		s.VotesHistogram = Histogram{}
	}
	for v, n := range o.VotesHistogram {
		s.VotesHistogram[v] += n
	}
	s.Usage.Add(o.Usage)
	s.BatchedRequests += o.BatchedRequests
	s.InputSavedByBatch += o.InputSavedByBatch
	s.SavedUSD += o.SavedUSD
	s.WallSeconds += o.WallSeconds
	s.Speculation.Add(o.Speculation)
	s.Escalations.merge(o.Escalations)
	s.Models.merge(o.Models)
	s.mergeBudget(o)
	s.Derive()
}

// RightVotes is how many of a decided step's valid votes (its tally, won by
// winner) were right, as far as a run can tell: the votes for the winner,
// or, when the task's checker rejected the winner, every other vote. Under
// the voting's stopping rule the likelihood of p is
// p^right·(1-p)^(votes-right), so right votes over all votes is p's
// maximum-likelihood estimate: the summary's [Summary.MeasuredP] and the
// HTML report both count a step's votes here, so they show one p.
func RightVotes(tally []KeyCount, winner string, wrong bool) int {
	n := 0
	for _, kc := range tally {
		if (kc.Key == winner) != wrong {
			n += kc.Votes
		}
	}
	return n
}

// MeasuredP is the run's measured per-vote success rate: RightVotes over
// the valid votes of the decided steps, 0 when none voted. The votes of a
// step left undecided are not counted: no winner says which were right.
func (s *Summary) MeasuredP() float64 {
	var votes int64
	for v, n := range s.VotesHistogram {
		votes += int64(v) * n
	}
	if votes == 0 {
		return 0
	}
	return float64(s.RightVotes) / float64(votes)
}

// Derive fills the fields computed from the totals: the cost per sample and
// per decided step. Run calls it when a run ends; anything that adds
// summaries up (a journal over resumptions) calls it again on the total.
func (s *Summary) Derive() {
	s.CostPerSample, s.CostPerStep = 0, 0
	if s.Samples > 0 {
		s.CostPerSample = s.CostUSD / float64(s.Samples)
	}
	if n := s.Steps - s.StartStep; n > 0 {
		s.CostPerStep = s.CostUSD / float64(n)
	}
	s.deriveSpeculation()
	s.Models.derive()
}

// Run statuses, as a journal records them. A run whose process was killed
// stays StatusRunning until it is resumed: nothing is left to mark it
// otherwise.
const (
	StatusRunning     = "running"
	StatusDone        = "done"        // the task finished and every checked step was right
	StatusFailed      = "failed"      // a wrong step, no consensus, or an error
	StatusBudget      = "budget"      // a budget limit stopped it
	StatusInterrupted = "interrupted" // cancelled (Ctrl-C)
	StatusStopped     = "stopped"     // a step limit (--max-steps) stopped it
	// StatusQueued: the run waits for a worker of a fleet to take its next
	// chunk (package fleet); a session that handed the run on ends so.
	StatusQueued = "queued"
	// StatusWaiting: the run waits for a person's decision (an action to
	// approve, or a step without consensus to answer; see [Approval]).
	StatusWaiting = "waiting"
)

// RunStatus is the status of a run that ended with sum and err, the values
// [Run] returned.
func RunStatus(sum *Summary, err error) string {
	switch {
	case errors.Is(err, ErrBudget):
		return StatusBudget
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return StatusInterrupted
	case err != nil:
		return StatusFailed
	case sum != nil && sum.Success:
		return StatusDone
	case sum != nil && sum.StopReason == "max steps":
		return StatusStopped
	}
	return StatusFailed
}
