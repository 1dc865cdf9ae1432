package runs

import (
	"encoding/json"
	"fmt"

	"github.com/maker-go/maker/taskfile"
)

// runnable is an execution ready to go, whatever its state type.
type runnable interface {
	execute(cmd session) error
}

// Opened is a task of a kind opened from its params (see [Kind.Open]),
// ready to run with a run's settings: an [Execution] or a
// [WorldExecution]. The command line gives one to [Runner.Execute].
type Opened interface {
	// RunKind is the task's kind, as the journal records it.
	RunKind() string
	// RunParams are the params the journal keeps for the run.
	RunParams() any
	// TaskName is the task's name, for messages.
	TaskName() string
	resumeAs(f *Flags, run string) runnable
	withRunner(r *Runner) Opened
}

// OpenOptions are how a kind's task is opened beyond its params.
type OpenOptions struct {
	// Client, for a new run a client of a service asks for, are what the
	// task may reach on the service's machine (a task file's files and
	// programs); the kind keeps them in the params it journals, so that
	// whoever resumes the run opens it under them again. Nil for a run
	// of the command line and for every resume.
	Client *ClientRules
}

// ClientRules are what a client's task file may reach on the machine that
// runs it: its data files only from those sent with it or inside
// AllowDirs, its program (execute) only when Execute and only inside
// AllowDirs.
type ClientRules struct {
	AllowDirs []string `json:"allow_dirs,omitempty"`
	Execute   bool     `json:"execute,omitempty"`
}

// Options are the task file options of the rules.
func (c *ClientRules) Options() taskfile.Options {
	return taskfile.Options{NoFiles: true, NoExecute: !c.Execute, AllowDirs: c.AllowDirs}
}

// Opener makes a kind's [Kind.Open] from the function that builds its
// execution from params P (read from the journal's JSON).
func Opener[P any, O Opened](build func(P, OpenOptions) (O, error)) func(json.RawMessage, OpenOptions) (Opened, error) {
	return func(raw json.RawMessage, o OpenOptions) (Opened, error) {
		var p P
		if err := json.Unmarshal(raw, &p); err != nil {
			return nil, fmt.Errorf("task params: %w", err)
		}
		e, err := build(p, o)
		if err != nil {
			return nil, err
		}
		return e, nil
	}
}

// Open opens a task of kind from its params, as the command line's task
// commands do: params is the kind's params value (it goes through JSON,
// as a journaled run's do).
func Open(kind string, params any) (Opened, error) {
	k, ok := LookupKind(kind)
	if !ok || k.Open == nil {
		return nil, fmt.Errorf("task kind %q cannot be run by this maker", kind)
	}
	raw, err := json.Marshal(params)
	if err != nil {
		return nil, fmt.Errorf("task %s: params: %w", kind, err)
	}
	return k.Open(raw, OpenOptions{})
}

func (e Execution[S]) RunKind() string  { return e.Kind }
func (e Execution[S]) RunParams() any   { return e.Params }
func (e Execution[S]) TaskName() string { return e.Task.Name() }

// resumeAs implements Opened.
func (e Execution[S]) resumeAs(f *Flags, run string) runnable {
	e.flags, e.resume = f, run
	return e
}

func (e Execution[S]) withRunner(r *Runner) Opened {
	e.runner = r
	return e
}

// WorldExecution is an execution with the world it acts on (a service, a
// fleet, a database file the process opens), which it closes when the run
// ends: End closes it and returns the command's error, given the run's.
type WorldExecution[S any] struct {
	E   Execution[S]
	End func(error) error
}

func (w WorldExecution[S]) RunKind() string  { return w.E.Kind }
func (w WorldExecution[S]) RunParams() any   { return w.E.Params }
func (w WorldExecution[S]) TaskName() string { return w.E.TaskName() }

// resumeAs implements Opened.
func (w WorldExecution[S]) resumeAs(f *Flags, run string) runnable {
	w.E.flags, w.E.resume = f, run
	return w
}

func (w WorldExecution[S]) withRunner(r *Runner) Opened {
	w.E.runner = r
	return w
}

// execute implements runnable.
func (w WorldExecution[S]) execute(cmd session) error {
	return w.End(w.E.execute(cmd))
}
