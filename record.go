package maker

import (
	"context"
	"encoding/json"
	"time"
)

// SampleRecord is what happened to one sample of a step.
type SampleRecord struct {
	Index       int     `json:"index"`          // launch order within the step
	Seq         int     `json:"seq"`            // arrival order within the step, cancelled samples last
	Temperature float64 `json:"temperature"`    //
	Text        string  `json:"text,omitempty"` // the raw response
	Key         string  `json:"key,omitempty"`  // vote key, when it voted
	Flag        Flag    `json:"flag,omitempty"` // why it was discarded, if it was
	Voted       bool    `json:"voted"`          // counted in the tally
	Cancelled   bool    `json:"cancelled"`      // cancelled or late: the step was already decided
	Usage
	// Batch is the number of completions the sample's request asked for
	// when it asked for several (n>1), on the first sample of that request
	// only; the prompt the others did not send again is a saving.
	Batch   int           `json:"batch,omitempty"`
	Latency time.Duration `json:"latency_ns"`      //
	Retries int           `json:"retries"`         //
	Error   string        `json:"error,omitempty"` // transport error, when the call failed
	// FlagReason is the task's [Validator]'s reason, for [FlagInvalid].
	FlagReason string `json:"flag_reason,omitempty"`

	// Model is the ensemble member that drew the sample, or the escalation
	// model ("" for a run on one model).
	Model string `json:"model,omitempty"`
	// Escalated: the escalation model drew the sample, after the run's
	// model could not decide the step (escalate.go).
	Escalated bool `json:"escalated,omitempty"`
}

// UnmarshalJSON reads a sample record, including one written before the
// cached input tokens were named cached_input_tokens (as cached_input).
func (s *SampleRecord) UnmarshalJSON(b []byte) error {
	type plain SampleRecord
	var v struct {
		plain
		OldCached *int64 `json:"cached_input"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*s = SampleRecord(v.plain)
	if v.OldCached != nil && s.CachedInputTokens == 0 {
		s.CachedInputTokens = *v.OldCached
	}
	return nil
}

// StepRecord is a decided step with everything the vote saw, handed to
// observers (journal, events, progress) before the next step starts.
type StepRecord struct {
	Step      int            `json:"step"` // 0-based
	K         int            `json:"k"`
	Prev      string         `json:"prev"`   // previous action
	Action    string         `json:"action"` // the winner's action
	Key       string         `json:"key"`    // the winner's vote key
	State     any            `json:"state"`  // the state after the step
	Tally     []KeyCount     `json:"tally"`
	Samples   []SampleRecord `json:"samples"`
	Votes     int            `json:"votes"`
	Flagged   int            `json:"flagged"`
	Cancelled int            `json:"cancelled"`
	Retries   int            `json:"retries"`
	Usage                    // of every sample, cancelled ones included
	Wall      time.Duration  `json:"wall_ns"`
	Wrong     bool           `json:"wrong"`               // the task's checker rejected it
	WrongWhy  string         `json:"wrong_why,omitempty"` // what the checker said
	// Speculative: the step was started ahead of its predecessor's decision
	// and kept. Wasted counts the samples of its attempts thrown away
	// because they were built on a candidate that lost (speculation.go).
	Speculative bool `json:"speculative,omitempty"`
	Wasted      int  `json:"speculative_wasted,omitempty"`
	// CacheHit, when set, says the step was decided by the decision cache
	// without a model call, and where it was decided first ("run ID step
	// N"); the step then has no samples and no tally.
	CacheHit string `json:"cache_hit,omitempty"`
}

// Observer sees every decided step in order. An error stops the run: the
// journal, for one, must not let a step pass that it could not record.
type Observer interface {
	Observe(ctx context.Context, rec *StepRecord) error
}

// ObserverFunc adapts a function to the [Observer] interface.
type ObserverFunc func(ctx context.Context, rec *StepRecord) error

// Observe calls f.
func (f ObserverFunc) Observe(ctx context.Context, rec *StepRecord) error { return f(ctx, rec) }
