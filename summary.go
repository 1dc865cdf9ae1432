package maker

import (
	"encoding/json"
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
	ValidVotes     int64          `json:"valid_votes"`
	WinnerVotes    int64          `json:"winner_votes"` // valid votes for the candidate that won their step
	Flagged        map[Flag]int64 `json:"flagged"`
	Cancelled      int64          `json:"cancelled"`
	Retries        int64          `json:"retries"`
	MaxVotesInStep int            `json:"max_votes_in_step"`
	StepsOverK     int64          `json:"steps_over_k"`
	VotesHistogram Histogram      `json:"votes_histogram"`
	InputTokens    int64          `json:"input_tokens"`
	CachedInput    int64          `json:"cached_input_tokens"`
	// BatchedRequests counts requests that asked for several completions of
	// one prompt (n>1); InputSavedByBatch is the input tokens they did not
	// pay again, and SavedUSD what batching and prompt caching saved.
	BatchedRequests   int64   `json:"batched_requests"`
	InputSavedByBatch int64   `json:"input_tokens_saved_by_batch"`
	SavedUSD          float64 `json:"saved_usd"`
	OutputTokens      int64   `json:"output_tokens"`
	CostUSD           float64 `json:"cost_usd"`
	CostPerSample     float64 `json:"cost_per_sample_usd"` // CostUSD over Samples
	CostPerStep       float64 `json:"cost_per_step_usd"`   // CostUSD over the steps this summary decided
	WallSeconds       float64 `json:"wall_seconds"`
	Pricing           Pricing `json:"pricing"`
	// PriceNote says why the cost is zero or unknown, when it is.
	PriceNote string `json:"price_note,omitempty"`
	// Speculation is what voting ahead did (speculation.go).
	Speculation
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

// addStep folds a decided step's votes into the summary. Samples, tokens
// and cost are counted as they arrive, so an undecided step's spending shows
// too.
func (s *Summary) addStep(rec *StepRecord) {
	s.Steps++
	s.VotesHistogram[rec.Votes]++
	for _, kc := range rec.Tally {
		if kc.Key == rec.Key {
			s.WinnerVotes += int64(kc.Votes)
		}
	}
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

// addSample counts one sample that came back (or was cancelled).
func (s *Summary) addSample(sr *SampleRecord) {
	s.Samples++
	s.InputTokens += int64(sr.InputTokens)
	s.CachedInput += int64(sr.CachedInput)
	s.OutputTokens += int64(sr.OutputTok)
	s.CostUSD += sr.Cost
	s.Retries += int64(sr.Retries)
	switch {
	case sr.Voted:
		s.ValidVotes++
	case sr.Cancelled:
		s.Cancelled++
	case sr.Flag != FlagNone:
		s.Flagged[sr.Flag]++
	}
}

// addSaving counts what a sample saved: the prompt a batched request did
// not send again, and the input tokens a prompt cache served cheaper.
func (s *Summary) addSaving(p Pricing, a arrival) {
	if a.batch > 1 && a.err == nil {
		saved := a.resp.InputTokens * (a.batch - 1)
		s.BatchedRequests++
		s.InputSavedByBatch += int64(saved)
		s.SavedUSD += p.Cost(Response{InputTokens: saved})
	}
	if c := a.resp.CachedInputTokens; c > 0 && p.CachedInPerMTok > 0 && p.CachedInPerMTok < p.InPerMTok {
		s.SavedUSD += float64(c) * (p.InPerMTok - p.CachedInPerMTok) / 1e6
	}
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
}
