package sqlite

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/maker-go/maker"
)

// Keep says which sample texts the journal stores. Every sample's vote key,
// arrival order, flag, tokens, cost and latency are always stored, so replay
// needs no texts; the texts are for reading what went wrong.
type Keep string

// The sample-text policies.
const (
	// KeepNone stores no texts.
	KeepNone Keep = "none"
	// KeepFlagged stores the texts of flagged, failed and losing samples;
	// a winning vote is stored by its key only, since the key is the
	// winner's action and state. It is the default: full evidence for every
	// disagreement at a fraction of the size.
	KeepFlagged Keep = "flagged"
	// KeepAll stores every text.
	KeepAll Keep = "all"
)

// ParseKeep reads a --keep-samples value.
func ParseKeep(s string) (Keep, error) {
	switch k := Keep(s); k {
	case KeepNone, KeepFlagged, KeepAll:
		return k, nil
	}
	return "", fmt.Errorf("keep-samples must be none, flagged or all, got %q", s)
}

// NewRun describes a run about to start: enough to rebuild its task and
// model on resume. Params and Config are the caller's own JSON; they must
// hold no secret (name the environment variable of an API key, never the
// key).
type NewRun struct {
	Kind       string          // the task kind resume rebuilds from, e.g. "hanoi" ("": not resumable)
	Task       string          // the task's name, e.g. "hanoi-12"
	Params     json.RawMessage // the task's parameters
	Model      string          // the model name
	Simulated  bool            // the model is the simulator, not an LLM
	Config     json.RawMessage // the run configuration (k, seed, flags)
	Version    string          // the maker version that started it
	TotalSteps int             // the task's step count, 0 when unknown
}

// Run is a journaled run.
type Run struct {
	ID         string          `json:"id"`
	Kind       string          `json:"kind"`
	Task       string          `json:"task"`
	Params     json.RawMessage `json:"params"`
	Model      string          `json:"model"`
	Simulated  bool            `json:"simulated"`
	Config     json.RawMessage `json:"config"`
	Version    string          `json:"version"`
	Keep       Keep            `json:"keep_samples"`
	Status     string          `json:"status"`
	Steps      int             `json:"steps"` // committed steps
	TotalSteps int             `json:"total_steps"`
	Created    time.Time       `json:"created"`
	Updated    time.Time       `json:"updated"`
	// Sessions are the original run (0) and each resumption, oldest first.
	// Runs lists them only when asked.
	Sessions []Session `json:"sessions,omitempty"`
}

// Session is one process's part of a run: the original run or a
// resumption.
type Session struct {
	N         int       `json:"n"`
	StartStep int       `json:"start_step"`
	Status    string    `json:"status"`
	Started   time.Time `json:"started"`
	Updated   time.Time `json:"updated"` // last commit
	// Summary is the session's own summary, stored when it ended; nil when
	// it is running or its process was killed.
	Summary *maker.Summary `json:"summary,omitempty"`
}

// Checkpoint is where a resumed run starts: the number of committed steps,
// the state after the last of them (nil when none is committed: start from
// the task's initial state) and the last action.
type Checkpoint struct {
	Step  int
	State json.RawMessage
	Prev  string
}
