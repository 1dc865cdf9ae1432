package runs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/spf13/pflag"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/strictjson"
	"github.com/maker-go/maker/taskfile"
)

// Runner turns a run's [Spec], or a journaled run, into an engine run of
// its kind's task (opened by the kind's [Kind.Open]), journals it and
// carries it out: for the command line's task commands, a service's
// [Manager] and a fleet's workers alike, so that every front end builds a
// run the same way.
type Runner struct {
	// Log receives what a run would print on stderr (warnings) when it
	// has no session of its own (a service's runs); nil discards it.
	Log io.Writer
	// AllowExecute accepts a client's task file with execute: by default
	// a client of a service cannot make it run programs (maker serve
	// --allow-execute).
	AllowExecute bool
	// AllowDirs are the directories a client's task file may name files
	// and programs in (maker serve --allow-dir); none by default.
	AllowDirs []string
	// Queue, when set, is the fleet's queue a run journaled on PostgreSQL
	// goes to (package fleet's); without it such a run runs here.
	Queue Queue
}

// Queue is a fleet's queue (package fleet implements it): a run journaled
// on PostgreSQL is queued there for the fleet's workers rather than run by
// the process that starts it.
type Queue interface {
	// Prepare brings the queue's tables up to date in the journal db.
	Prepare(ctx context.Context, db maker.Journal) error
	// Enqueue queues the next chunk of run on queue, in the journal's
	// transaction tx (see [maker.JournalOptions.EndTx]).
	Enqueue(ctx context.Context, tx any, run, queue string) error
}

// Run carries out a job: a new run (job.Desc) or a journaled one
// (job.Resume), and blocks until the run ends.
func (r *Runner) Run(ctx context.Context, job *Job) error {
	x, err := r.job(ctx, job)
	if err != nil {
		return err
	}
	return x.withJob(job, r).execute(newJobSession(ctx, r.log()))
}

// Enqueue journals a job's run as queued for a fleet's workers (or queues
// a journaled one again) and returns its id.
func (r *Runner) Enqueue(ctx context.Context, job *Job) (string, error) {
	x, err := r.job(ctx, job)
	if err != nil {
		return "", err
	}
	return x.withJob(job, r).enqueueJob(newJobSession(ctx, io.Discard))
}

// job is the execution of a job, not yet given the job.
func (r *Runner) job(ctx context.Context, job *Job) (jobRunnable, error) {
	var (
		x   runnable
		err error
	)
	if job.Resume != "" {
		x, err = r.resumed(ctx, job)
	} else {
		x, err = r.described(job)
	}
	if err != nil {
		return nil, err
	}
	return x.(jobRunnable), nil
}

func (r *Runner) log() io.Writer {
	if r == nil || r.Log == nil {
		return io.Discard
	}
	return r.Log
}

// Execute carries out an opened task (see [Open]) in a command's session
// with the command's flags f: it runs the task, or calibrates models on it
// (see [WithCalibration]), or queues it for a fleet (a PostgreSQL --db),
// and prints what the command prints.
func (r *Runner) Execute(s Session, f *Flags, x Opened) error {
	return x.withRunner(r).resumeAs(f, "").execute(s)
}

// jobSession is the session of a service's run: its output is the
// journal's and the API's, so the summary goes nowhere (unless stdout is
// set: a calibration's report) and warnings to the service's log; it was
// given no flags (its settings are the spec's).
type jobSession struct {
	ctx    context.Context
	stdout io.Writer
	stderr io.Writer
	flags  *pflag.FlagSet
}

func newJobSession(ctx context.Context, stderr io.Writer) jobSession {
	return jobSession{ctx: ctx, stderr: stderr, flags: pflag.NewFlagSet("job", pflag.ContinueOnError)}
}

func (s jobSession) Context() context.Context { return s.ctx }
func (s jobSession) OutOrStdout() io.Writer {
	if s.stdout == nil {
		return io.Discard
	}
	return s.stdout
}
func (s jobSession) ErrOrStderr() io.Writer { return s.stderr }
func (s jobSession) Flags() *pflag.FlagSet  { return s.flags }

// described is the execution of a new run from its description.
func (r *Runner) described(job *Job) (runnable, error) {
	d := job.Desc
	invalid := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
	}
	kind, ok := LookupKind(d.Kind)
	switch {
	case d.Kind == "":
		return nil, invalid("kind: missing (one of %s)", strings.Join(openableKinds(), ", "))
	case !ok || kind.Open == nil:
		return nil, invalid("kind: unknown task kind %q (one of %s)", d.Kind, strings.Join(openableKinds(), ", "))
	}
	f, err := settingsFlags(d.Settings)
	if err != nil {
		return nil, invalid("%v", err)
	}
	f.journal.db = job.DB
	params := d.Params
	if len(params) == 0 {
		params = json.RawMessage("{}")
	}
	// The params are the kind's exactly: a field they do not have, a
	// name in another case, or a name given twice (the task's own
	// decoding would let one of two win) is refused before the task is
	// opened.
	if err := JSONError(strictjson.Unmarshal(params, reflect.New(reflect.TypeOf(kind.Params).Elem()).Interface())); err != nil {
		return nil, invalid("params: %v", err)
	}
	// A client's task file names no file on the server (its inputs,
	// expected answers and schema are in its text or sent with it): a
	// path would be looked up here, and a record, a line or whether the
	// file exists would come back in its errors. The journal keeps these
	// rules with the run's params, and its resume opens the file under
	// them again. Its execute is refused before the program is looked up,
	// unless the service runs programs for its clients (--allow-execute).
	task, err := kind.Open(params, OpenOptions{Client: &ClientRules{AllowDirs: r.allowDirs(), Execute: r != nil && r.AllowExecute}})
	if te, ok := errors.AsType[*taskfile.Error](err); ok && te.Field == "execute" && (r == nil || !r.AllowExecute) {
		return nil, invalid("params: %v: start maker serve with --allow-execute to accept it", err)
	}
	if err != nil {
		return nil, invalid("params: %v", JSONError(err))
	}
	if task.(jobRunnable).runsPrograms() && (r == nil || !r.AllowExecute) {
		return nil, invalid("params: the task file has execute, which runs a program on the server: start maker serve with --allow-execute to accept it")
	}
	return task.withRunner(r).resumeAs(f, ""), nil
}

func (r *Runner) allowDirs() []string {
	if r == nil {
		return nil
	}
	return r.AllowDirs
}

// resumed is the execution that continues a journaled run.
func (r *Runner) resumed(ctx context.Context, job *Job) (runnable, error) {
	db, err := maker.OpenJournal(ctx, job.DB, true)
	if err != nil {
		return nil, err
	}
	run, err := db.Run(ctx, job.Resume)
	db.Close()
	if err != nil {
		return nil, err
	}
	x, err := reopen(run, r, func(f *Flags) {
		f.journal, f.jsonOut, f.quiet = journalFlags{db: job.DB, queue: DefaultQueue}, true, true
		applyCaps(job.Caps, f)
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return x, nil
}

// DefaultQueue is the queue of a fleet's runs when none is named
// (package fleet's default).
const DefaultQueue = "maker"

// reopen rebuilds a journaled run's execution with its own settings;
// session sets those of the session that continues it (journal, output).
// A journaled run is reopened with its kind's own opener and no client
// rules: one the command line started keeps reading its data files, a
// client's keeps the rules the journal holds with its params.
func reopen(run *maker.RunRecord, r *Runner, session func(*Flags)) (runnable, error) {
	kind, ok := LookupKind(run.Kind)
	if !ok || kind.Open == nil {
		return nil, fmt.Errorf("run %s: task kind %q cannot be resumed by this maker", run.ID, run.Kind)
	}
	f, err := journaledFlags(run.Config)
	if err != nil {
		return nil, fmt.Errorf("run %s: %w", run.ID, err)
	}
	sessionCaps(run, f)
	session(f)
	task, err := kind.Open(run.Params, OpenOptions{})
	if err != nil {
		return nil, fmt.Errorf("run %s: %w", run.ID, err)
	}
	return task.withRunner(r).resumeAs(f, run.ID), nil
}

// settingsFlags are the run flags a spec's settings set, over the command
// line's defaults: each setting is set as its flag's text, so a setting
// means what the flag means.
func settingsFlags(settings Settings) (*Flags, error) {
	f := new(Flags)
	fs := pflag.NewFlagSet("settings", pflag.ContinueOnError)
	f.Register(fs)
	for _, v := range settings.Values() {
		if fs.Lookup(v.Flag) == nil {
			return nil, fmt.Errorf("settings.%s: unknown setting", v.Flag)
		}
		if err := fs.Set(v.Flag, v.Text); err != nil {
			return nil, fmt.Errorf("settings.%s: %v", v.Flag, err)
		}
	}
	f.jsonOut, f.quiet = true, true
	return f, nil
}

// openableKinds are the names of the kinds this maker can run.
func openableKinds() []string {
	var names []string
	for _, k := range Kinds() {
		if k.Open != nil {
			names = append(names, k.Name)
		}
	}
	return names
}

// Kinds are the task kinds the runner runs (see [Manager.List]).
func (r *Runner) Kinds() []string { return openableKinds() }

// jobRunnable is an execution a service can run.
type jobRunnable interface {
	runnable
	withJob(job *Job, r *Runner) jobRunnable
	// runsPrograms: the task's steps run a program the request names.
	runsPrograms() bool
	// enqueueJob queues the run for a fleet's workers.
	enqueueJob(cmd session) (string, error)
}

func (e Execution[S]) runsPrograms() bool {
	_, ok := any(e.Task).(*taskfile.Acting)
	return ok
}

func (w WorldExecution[S]) runsPrograms() bool { return w.E.runsPrograms() }

func (e Execution[S]) withJob(job *Job, r *Runner) jobRunnable {
	e.job, e.runner = job, r
	return e
}

// openModel opens the run's model: in a service, a provider model is
// shared by every run with the same settings, so they share its limits.
func (e Execution[S]) openModel(ctx context.Context) (maker.Model, error) {
	f := e.flags
	if e.job != nil && e.job.Pacer != nil {
		f.pacer = e.job.Pacer
	}
	if e.job == nil || e.job.Models == nil || f.simulated() {
		return f.openModel(ctx, e.Oracle)
	}
	key := fmt.Sprint(f.model, "|", f.baseURL, "|", f.apiKeyEnv, "|", f.timeout, "|", f.rpm, "|", f.tpm, "|", f.retries, "|", f.retryWait)
	return e.job.Models.Open(ctx, key, func(ctx context.Context) (maker.Model, error) {
		return f.openModel(ctx, e.Oracle)
	})
}

// started tells the service the run is journaled and adds its observer.
func (e Execution[S]) started(jr *journaling, cfg *maker.Config) error {
	if e.job == nil {
		return nil
	}
	if jr == nil || jr.id == "" {
		return errors.New("a service run needs the journal")
	}
	if e.job.observer != nil {
		cfg.Observers = append(cfg.Observers, e.job.observer)
	}
	if e.job.started != nil {
		e.job.started(jr.id)
	}
	return nil
}

// draining reports whether the service is shutting down.
func (e Execution[S]) draining() bool {
	return e.job != nil && e.job.Draining != nil && e.job.Draining()
}

func (w WorldExecution[S]) withJob(job *Job, r *Runner) jobRunnable {
	w.E.job, w.E.runner = job, r
	return w
}

// OpenModel opens a model by name as the runner's runs do, the simulator
// included (answering from oracle, with seed and, when above 0,
// simError): the command line's defaults (retries, timeouts) with the
// model, seed and simulated error rate asked for. Front ends that measure
// a model outside a run (the MCP calibrate tool) use it through
// [Manager.OpenModel].
func (r *Runner) OpenModel(ctx context.Context, name string, oracle maker.Oracle, seed uint64, simError float64) (maker.Model, error) {
	f, err := settingsFlags(Settings{})
	if err != nil {
		return nil, err
	}
	f.model, f.seed = name, seed
	if simError > 0 {
		f.simError = simError
	}
	return f.openModel(ctx, oracle)
}
