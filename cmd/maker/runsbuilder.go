package main

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
	"github.com/maker-go/maker/fleet"
	"github.com/maker-go/maker/internal/strictjson"
	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/taskfile"
)

// runsBuilder runs the jobs of a [runs.Manager] (the service) with the same
// executions as the task commands: it is where the task kinds meet the
// manager, so that package runs stays below cmd/maker and knows no task.
type runsBuilder struct {
	// log receives what a run would print on stderr (warnings).
	log io.Writer
	// allowExecute accepts a task file with execute: by default a client
	// of the service cannot make it run programs (maker serve
	// --allow-execute).
	allowExecute bool
	// allowDirs are the directories a client's task file may name files
	// and programs in (maker serve --allow-dir); none by default.
	allowDirs []string
}

var _ runs.Builder = runsBuilder{}

// Run implements [runs.Builder].
func (b runsBuilder) Run(ctx context.Context, job *runs.Job) error {
	var (
		r   runnable
		err error
	)
	if job.Resume != "" {
		r, err = b.resumed(ctx, job)
	} else {
		r, err = b.described(job)
	}
	if err != nil {
		return err
	}
	w := b.log
	if w == nil {
		w = io.Discard
	}
	return r.(jobRunnable).withJob(job).execute(newJobSession(ctx, w))
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

// Is makes a usage error (exit status 2: a bad flag, param or setting)
// a [runs.ErrInvalid] too, so a service answers it as bad input.
func (e *exitError) Is(target error) bool {
	return target == runs.ErrInvalid && e.code == exitUsage
}

// described is the execution of a new run from its description.
func (b runsBuilder) described(job *runs.Job) (runnable, error) {
	d := job.Desc
	invalid := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", runs.ErrInvalid, fmt.Sprintf(format, args...))
	}
	kind, ok := lookupKind(d.Kind)
	switch {
	case d.Kind == "":
		return nil, invalid("kind: missing (one of %s)", strings.Join(kindNames(), ", "))
	case !ok:
		return nil, invalid("kind: unknown task kind %q (one of %s)", d.Kind, strings.Join(kindNames(), ", "))
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
	if d.Kind == "taskfile" {
		// As the command line does: the simulator answers from the
		// file's expected steps.
		if params, err = setParam(params, "simulated", f.simulated()); err != nil {
			return nil, invalid("params: %v", err)
		}
	}
	task, err := b.clientOpener(kind)(params)
	if te, ok := errors.AsType[*taskfile.Error](err); ok && te.Field == "execute" && !b.allowExecute {
		return nil, invalid("params: %v: start maker serve with --allow-execute to accept it", err)
	}
	if err != nil {
		return nil, invalid("params: %v", jsonError(err))
	}
	if err := task.(jobRunnable).strictParams(params); err != nil {
		return nil, invalid("params: %v", err)
	}
	if task.(jobRunnable).runsPrograms() && !b.allowExecute {
		return nil, invalid("params: the task file has execute, which runs a program on the server: start maker serve with --allow-execute to accept it")
	}
	return task.resumeAs(f, ""), nil
}

// clientOpener is the opener of a run a client describes. A task file
// from a client names no file on the server (its inputs, expected answers
// and schema are in its text): a path would be looked up here, and a
// record, a line or whether the file exists would come back in its errors.
// The journal keeps these rules with the run's params, and its resume
// opens the file under them again (taskfileParams.Client). Its execute is refused before the program is looked up, unless the
// service runs programs for its clients (--allow-execute). A journaled run
// is reopened with its kind's own opener (reopen): one the command line
// started keeps reading its data files, a client's keeps its rules.
func (b runsBuilder) clientOpener(kind taskKind) taskOpener {
	if kind.name != "taskfile" {
		return kind.open
	}
	rules := &clientRules{AllowDirs: b.allowDirs, Execute: b.allowExecute}
	return opener(func(p taskfileParams) (execution[string], error) {
		p.Client = rules
		return taskfileExecution(p)
	})
}

// resumed is the execution that continues a journaled run.
func (b runsBuilder) resumed(ctx context.Context, job *runs.Job) (runnable, error) {
	db, err := maker.OpenJournal(ctx, job.DB, true)
	if err != nil {
		return nil, err
	}
	run, err := db.Run(ctx, job.Resume)
	db.Close()
	if err != nil {
		return nil, err
	}
	r, err := reopen(run, func(f *runFlags) {
		f.journal, f.jsonOut, f.quiet = journalFlags{db: job.DB, queue: fleet.DefaultQueue}, true, true
		applyCaps(job.Caps, f)
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", runs.ErrInvalid, err)
	}
	return r, nil
}

// reopen rebuilds a journaled run's execution with its own settings;
// session sets those of the session that continues it (journal, output).
func reopen(run *maker.RunRecord, session func(*runFlags)) (runnable, error) {
	kind, ok := lookupKind(run.Kind)
	switch {
	case !ok:
		return nil, fmt.Errorf("run %s: task kind %q cannot be resumed by this maker", run.ID, run.Kind)
	}
	f, err := journaledFlags(run.Config)
	if err != nil {
		return nil, fmt.Errorf("run %s: %w", run.ID, err)
	}
	sessionCaps(run, f)
	session(f)
	task, err := kind.open(run.Params)
	if err != nil {
		return nil, fmt.Errorf("run %s: %w", run.ID, err)
	}
	return task.resumeAs(f, run.ID), nil
}

// settingsFlags are the run flags a spec's settings set, over the command
// line's defaults: each setting is set as its flag's text, so a setting
// means what the flag means.
func settingsFlags(settings runs.Settings) (*runFlags, error) {
	f := new(runFlags)
	fs := pflag.NewFlagSet("settings", pflag.ContinueOnError)
	f.register(fs)
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

// setParam sets one field of a JSON object. The object is read strictly,
// so that a name given twice is refused here rather than merged away
// before strictParams sees it.
func setParam(params json.RawMessage, key string, v any) (json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := strictjson.Unmarshal(params, &m); err != nil {
		return nil, jsonError(err)
	}
	if m == nil {
		m = map[string]json.RawMessage{}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	m[key] = b
	return json.Marshal(m)
}

// jsonError says which field a JSON decoding error is about (see
// [runs.JSONError]).
func jsonError(err error) error { return runs.JSONError(err) }

func kindNames() []string {
	var names []string
	for _, k := range taskKinds() {
		if k.open != nil {
			names = append(names, k.name)
		}
	}
	return names
}

// jobRunnable is an execution a service can run.
type jobRunnable interface {
	withJob(job *runs.Job) runnable
	strictParams(raw json.RawMessage) error
	// runsPrograms: the task's steps run a program the request names.
	runsPrograms() bool
	// enqueueJob queues the run for a fleet's workers (fleetruns.go).
	enqueueJob(cmd session) (string, error)
}

func (e execution[S]) runsPrograms() bool {
	_, ok := any(e.task).(*taskfile.Acting)
	return ok
}

func (w worldExecution[S]) runsPrograms() bool { return w.e.runsPrograms() }

func (e execution[S]) withJob(job *runs.Job) runnable {
	e.job = job
	return e
}

// strictParams refuses params that are not exactly the task's: a field
// the task's params do not have, a name in another case, or a name given
// twice (the task's own decoding would let one of two win).
func (e execution[S]) strictParams(raw json.RawMessage) error {
	target := any(new(any))
	if t := reflect.TypeOf(e.params); t != nil {
		target = reflect.New(t).Interface()
	}
	return jsonError(strictjson.Unmarshal(raw, target))
}

// openModel opens the run's model: in a service, a provider model is
// shared by every run with the same settings, so they share its limits.
func (e execution[S]) openModel(ctx context.Context) (maker.Model, error) {
	f := e.flags
	if e.job != nil && e.job.Pacer != nil {
		f.pacer = e.job.Pacer
	}
	if e.job == nil || e.job.Models == nil || f.simulated() {
		return f.openModel(ctx, e.oracle)
	}
	key := fmt.Sprint(f.model, "|", f.baseURL, "|", f.apiKeyEnv, "|", f.timeout, "|", f.rpm, "|", f.tpm, "|", f.retries, "|", f.retryWait)
	return e.job.Models.Open(ctx, key, func(ctx context.Context) (maker.Model, error) {
		return f.openModel(ctx, e.oracle)
	})
}

// started tells the service the run is journaled and adds its observer.
func (e execution[S]) started(jr *journaling, cfg *maker.Config) error {
	if e.job == nil {
		return nil
	}
	if jr == nil || jr.id == "" {
		return errors.New("a service run needs the journal")
	}
	if e.job.Observer != nil {
		cfg.Observers = append(cfg.Observers, e.job.Observer)
	}
	if e.job.Started != nil {
		e.job.Started(jr.id)
	}
	return nil
}

// draining reports whether the service is shutting down.
func (e execution[S]) draining() bool {
	return e.job != nil && e.job.Draining != nil && e.job.Draining()
}

func (w worldExecution[S]) withJob(job *runs.Job) runnable {
	w.e.job = job
	return w
}

func (w worldExecution[S]) strictParams(raw json.RawMessage) error { return w.e.strictParams(raw) }

// OpenModel implements [runs.ModelOpener]: the command line's defaults
// (retries, timeouts) with the model, seed and simulated error rate asked
// for.
func (b runsBuilder) OpenModel(ctx context.Context, name string, oracle maker.Oracle, seed uint64, simError float64) (maker.Model, error) {
	f, err := settingsFlags(runs.Settings{})
	if err != nil {
		return nil, err
	}
	f.model, f.seed = name, seed
	if simError > 0 {
		f.simError = simError
	}
	return f.openModel(ctx, oracle)
}
