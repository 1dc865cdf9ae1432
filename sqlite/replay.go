package sqlite

import (
	"context"

	"github.com/maker-go/maker"
)

// StepReplay is one step re-decided from its journaled votes.
type StepReplay struct {
	Step        int    `json:"step"` // 1-based
	RecordedK   int    `json:"recorded_k"`
	RecordedKey string `json:"recorded_key"`
	Votes       int    `json:"votes"` // valid votes the run recorded
	K           int    `json:"k"`
	// Decided is false when the recorded votes run out before a candidate
	// is ahead by K: the run stopped sampling once its own k was reached,
	// so a larger k would have needed samples that were never drawn.
	Decided bool   `json:"decided"`
	Key     string `json:"key,omitempty"` // the winner under K
	Used    int    `json:"used"`          // votes it took
}

// Same reports whether the step is decided as the run decided it.
func (s StepReplay) Same() bool { return s.Decided && s.Key == s.RecordedKey }

// ReplayStep re-decides a recorded step with margin k (k < 1: the step's
// own k) from its valid votes in arrival order, the order the run counted
// them in. Flagged and cancelled samples never voted and are skipped.
func ReplayStep(rec *maker.StepRecord, k int) StepReplay {
	if k < 1 {
		k = rec.K
	}
	keys := make([]string, 0, rec.Votes)
	for _, s := range rec.Samples {
		if s.Voted {
			keys = append(keys, s.Key)
		}
	}
	winner, used, ok := maker.Decide(keys, k)
	return StepReplay{Step: rec.Step + 1, RecordedK: rec.K, RecordedKey: rec.Key, Votes: len(keys), K: k, Decided: ok, Key: winner, Used: used}
}

// Replay is the outcome of re-deciding a whole run.
type Replay struct {
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

// Replay re-decides every committed step of a run with margin k (k < 1:
// each step's own) without calling a model, and lists the steps that would
// come out differently, up to limit of them (limit < 1: all). Each step is
// re-decided on its own votes: where one step would change, the real run
// would have gone on from another state, which a replay cannot know.
func (db *DB) Replay(ctx context.Context, id string, k, limit int) (*Replay, error) {
	run, err := db.Run(ctx, id)
	if err != nil {
		return nil, err
	}
	out := &Replay{Run: run.ID, K: max(k, 0), Limit: max(limit, 0), Changed: []StepReplay{}}
	err = db.Steps(ctx, run.ID, 0, -1, func(rec *maker.StepRecord) error {
		r := ReplayStep(rec, k)
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
