package runs

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/maker-go/maker"
)

// Spec is a run to start, the one value every front end (the command
// line's submit, the API, MCP, a fleet's queue) passes: the task kind (as
// the journal records it, e.g. "hanoi", one of [Kinds]), the task's
// parameters (the kind's params object; {} runs like the kind's command
// with no flags) and the run's [Settings]; a setting left out has the
// command line's default.
type Spec struct {
	Kind     string          `json:"kind"`
	Params   json.RawMessage `json:"params,omitempty"`
	Settings Settings        `json:"settings,omitzero"`
}

// Description is the older name of [Spec].
type Description = Spec

// ErrInvalid marks a description (or a resume request) that cannot run as
// given: an unknown kind, a bad parameter or setting. Front ends answer it
// as bad input; the error's text names the field.
var ErrInvalid = errors.New("invalid run")

// Job is one run for a [Runner] to carry out: a new run from Desc, or the
// journaled run Resume continued from its last committed step.
type Job struct {
	Desc   *Description
	Resume string
	// Caps, with Resume, replace the run's budget caps (nil: it keeps
	// its own).
	Caps *Caps
	// DB is the journal database the run is recorded in.
	DB string
	// Draining reports, once the run has stopped, whether it stopped
	// because the process is shutting down: then its end must not be
	// recorded (its journal is closed, not finished), so that it stays
	// running and resumes when the service starts again.
	Draining func() bool
	// Models opens provider models, shared across runs.
	Models *Models
	// Chunk, when set, bounds this session of a resumed run: it ends after
	// Chunk.Steps decided steps or once Chunk.Time has passed, whichever
	// comes first, and records the run [maker.StatusQueued] unless it
	// ended for good (done, failed).
	Chunk *Chunk
	// Pacer, when set, keeps the provider limits (--rpm, --tpm) of the
	// job's models for every process that shares it: a fleet's workers.
	Pacer maker.Pacer

	// started, set by a Manager, is called once the run is journaled,
	// before its first step, with the run's id; observer, set by a
	// Manager, is added to the engine's observers.
	started  func(id string)
	observer maker.Observer
}

// Chunk bounds one session of a run worked by a fleet (package fleet).
type Chunk struct {
	Steps int
	Time  time.Duration
	// EndTx goes to the journal (see [maker.JournalOptions.EndTx]): it
	// runs in the transaction that records the chunk's end.
	EndTx func(ctx context.Context, tx any, status string) error
}
