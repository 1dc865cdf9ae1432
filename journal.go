package maker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// A Journal keeps runs durable: every run, each process's session of it and
// every decided step with its samples, so a run killed at any moment
// resumes from its last committed step, and a finished run can be listed,
// summarised, reported on and re-decided with another k.
//
// A Journal is a database, the way a [database/sql] driver is: backends
// (the embedded SQLite of package sqlite, the server of package postgres)
// register an opener with [RegisterJournal], and [OpenJournal] picks one by
// the location's scheme. Every backend passes the one conformance suite in
// internal/journaltest; docs/adding-a-journal-backend.md says how to add
// one.
//
// A run id given to a method may be a unique prefix of the id. Every method
// that takes one returns an error wrapping [ErrNoRun] when no run matches.
// A Journal is safe for concurrent use.
type Journal interface {
	// Create records a new run and returns the recorder of its first
	// session (session 0), which holds the run's lock until it is
	// finished or closed.
	Create(ctx context.Context, nr NewRun, opts JournalOptions) (Recorder, error)

	// Resume opens a new session of a journaled run and returns its
	// recorder with the checkpoint to continue from: the committed steps,
	// never more (State is the JSON of the state after the last of them,
	// nil when none is committed). A finished ([StatusDone]) run cannot be
	// resumed. A run whose lock is held by a live session of another
	// process is refused with an error wrapping [ErrLocked] that says who
	// holds it, before anything is recorded. Steps that are not a gap-free
	// prefix are refused with an error wrapping [ErrInconsistent].
	// opts.Keep "" keeps the run's own policy.
	Resume(ctx context.Context, id string, opts JournalOptions) (Recorder, *Checkpoint[json.RawMessage], error)

	// Runs lists the runs, newest first, without their sessions. No runs
	// is an empty list, not an error.
	Runs(ctx context.Context) ([]*RunRecord, error)

	// Run returns one run with its sessions, oldest first.
	Run(ctx context.Context, id string) (*RunRecord, error)

	// Steps calls fn with each committed step of the run from step from up
	// to, not including, step to (to < 0: to the end), in order. The
	// records are as the run saw them, except that State is the state's
	// JSON (json.RawMessage), a sample's Text is empty where the run's
	// [Keep] policy did not keep it, and Samples are in arrival order.
	// fn may keep the record; returning [ErrStopSteps] ends the walk with
	// no error, any other error ends it with that error.
	Steps(ctx context.Context, id string, from, to int, fn func(*StepRecord) error) error

	// Checkpoint returns where a resumption of the run would start, or an
	// error wrapping [ErrInconsistent] when its steps are not a gap-free
	// prefix.
	Checkpoint(ctx context.Context, id string) (*Checkpoint[json.RawMessage], error)

	// Summary is the run's summary over every session, as
	// [SummarizeSessions] adds them up. When the committed steps are not
	// the gap-free prefix the run's step count says, it returns the summary
	// of the prefix (marked failed) together with an error wrapping
	// [ErrInconsistent].
	Summary(ctx context.Context, id string) (*Summary, error)

	// Location says where the journal is, for messages: a file path, or a
	// URL with any password removed.
	Location() string

	// Close releases the journal. Finish or close its recorders first:
	// whether one left open goes on working is the backend's affair.
	Close() error
}

// A Recorder records one session of a run: it is the [Observer] a run
// attaches to [Config.Observers]. Observe queues a decided step for a group
// commit; an error from a commit stops the run at its next step, and
// nothing after a failed commit is written, so the committed steps are
// always a gap-free prefix of the run. A step observed out of order (not
// the next one due) fails the commit.
type Recorder interface {
	Observer

	// ID is the run's id.
	ID() string

	// Session is the session number: 0 for the original run.
	Session() int

	// Flush commits every step observed so far and returns when it is
	// durable.
	Flush(ctx context.Context) error

	// Finish commits what is left, records how the session ended (its
	// summary, nil when unknown, and status, see [RunStatus]) and releases
	// the run's lock. It uses its own short deadline rather than a run's
	// context, because an interrupted run must still get its steps and
	// summary written.
	Finish(sum *Summary, status string) error

	// Close commits what was observed and releases the lock without
	// recording an end: the run stays [StatusRunning], as after a kill.
	// Close after Finish does nothing.
	Close() error
}

// Sentinel errors a journal's callers branch on with errors.Is.
var (
	// ErrNoRun: no run has the id, or an id prefix matches no run.
	ErrNoRun = errors.New("no such run")
	// ErrNoJournal: a journal opened read-only does not exist: nothing has
	// been journaled there.
	ErrNoJournal = errors.New("no journal database")
	// ErrLocked: another live process holds the run (runs it or resumes
	// it).
	ErrLocked = errors.New("another live process holds the run")
	// ErrInconsistent: the run's committed steps are not the gap-free
	// prefix its step count says (a step is missing, or the database was
	// edited).
	ErrInconsistent = errors.New("journal is inconsistent")
	// ErrStopSteps: returned by a [Journal.Steps] callback, it ends the
	// walk without error.
	ErrStopSteps = errors.New("stop walking steps")
)

// Group-commit defaults: large enough that a fast simulated run spends little
// on commits, short enough that a slow real run loses at most a fraction of a
// second of decided steps to a kill.
const (
	DefaultBatchSteps    = 512
	DefaultBatchInterval = 200 * time.Millisecond
)

// JournalOptions tune a recorder. The zero value is the defaults.
type JournalOptions struct {
	// Keep is the sample-text policy (default KeepFlagged; on resume, the
	// run's own).
	Keep Keep
	// BatchSteps commits after this many decided steps (default 512).
	BatchSteps int
	// BatchInterval commits steps that have waited this long (default
	// 200ms), so a slow run's steps do not sit uncommitted.
	BatchInterval time.Duration
	// EndTx, when set, runs inside the transaction in which
	// [Recorder.Finish] commits the session's last steps and its end,
	// with the backend's transaction (a pgx.Tx for package postgres, a
	// *sql.Tx for package sqlite) and the status recorded; an error rolls
	// it all back and Finish fails. A job queue on the same database uses
	// it to complete a job and enqueue the next in the commit that
	// records the work.
	EndTx func(ctx context.Context, tx any, status string) error
}

// WithDefaults fills the zero fields of o with the defaults, keeping Keep
// "" (which Create reads as KeepFlagged and Resume as the run's own).
func (o JournalOptions) WithDefaults() JournalOptions {
	if o.BatchSteps <= 0 {
		o.BatchSteps = DefaultBatchSteps
	}
	if o.BatchInterval <= 0 {
		o.BatchInterval = DefaultBatchInterval
	}
	return o
}

// Keep says which sample texts a journal stores. Every sample's vote key,
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

// Text reports whether the policy keeps the text of sample s of a step won
// by winner.
func (k Keep) Text(s *SampleRecord, winner string) bool {
	switch k {
	case KeepAll:
		return true
	case KeepFlagged:
		return s.Flag != FlagNone || s.Error != "" || (s.Voted && s.Key != winner)
	}
	return false
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

// RunRecord is a journaled run.
type RunRecord struct {
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
	Summary *Summary `json:"summary,omitempty"`
}

// CheckNewRun validates a run about to be created and returns its Params
// and Config with "{}" for empty, and opts with Keep defaulted: the checks
// every backend's Create makes.
func CheckNewRun(nr NewRun, opts JournalOptions) (params, config json.RawMessage, _ JournalOptions, _ error) {
	if nr.Task == "" {
		return nil, nil, opts, errors.New("journal: a run needs a task name")
	}
	if opts.Keep == "" {
		opts.Keep = KeepFlagged
	}
	if _, err := ParseKeep(string(opts.Keep)); err != nil {
		return nil, nil, opts, fmt.Errorf("journal: %w", err)
	}
	params, config = nr.Params, nr.Config
	if len(params) == 0 {
		params = json.RawMessage("{}")
	}
	if len(config) == 0 {
		config = json.RawMessage("{}")
	}
	return params, config, opts.WithDefaults(), nil
}
