package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
)

// runnable is an execution ready to go, whatever its state type.
type runnable interface {
	execute(cmd session) error
}

// resumable is a task rebuilt from the journal, waiting for the flags of the
// run it continues.
type resumable interface {
	resumeAs(f *runFlags, run string) runnable
}

// taskOpener rebuilds a journaled task from its params alone: it needs no
// command line, so anything that holds a journal can resume a run.
type taskOpener func(params json.RawMessage) (resumable, error)

// taskKind is one kind of task the journal records, with the opener that
// resumes its runs.
type taskKind struct {
	name string
	open taskOpener
}

// openers are how the command line opens each task kind's runs, set by
// each kind's command file (openKind).
var openers = map[string]taskOpener{}

// openKind records, from the init of a task kind's command file, how the
// command line opens the kind's runs: from their journaled params, for a
// new run a client asks for (runsbuilder.go) and for maker resume. The
// kind itself (its params, their defaults and checks) is registered once
// in package tasks.
func openKind(name string, open taskOpener) {
	if _, dup := openers[name]; dup {
		panic("maker: task kind " + name + " opened twice")
	}
	openers[name] = open
}

// taskKinds are the task kinds this maker runs: the kinds package tasks
// registers, with their openers. Every task command sets one of these
// kinds; a test starts, kills and resumes a run of each, and another
// starts each through the API and MCP.
func taskKinds() []taskKind {
	var out []taskKind
	for _, name := range slices.Sorted(maps.Keys(openers)) {
		out = append(out, taskKind{name: name, open: openers[name]})
	}
	return out
}

// lookupKind finds a task kind by name.
func lookupKind(name string) (taskKind, bool) {
	open, ok := openers[name]
	return taskKind{name: name, open: open}, ok
}

// opener makes the opener of a task kind from the function that builds its
// execution (or worldExecution) from params.
func opener[P any, R resumable](build func(P) (R, error)) taskOpener {
	return func(raw json.RawMessage) (resumable, error) {
		var p P
		if err := json.Unmarshal(raw, &p); err != nil {
			return nil, fmt.Errorf("task params: %w", err)
		}
		e, err := build(p)
		if err != nil {
			return nil, err
		}
		return e, nil
	}
}

// resumeAs implements resumable.
func (e execution[S]) resumeAs(f *runFlags, run string) runnable {
	e.flags, e.resume = f, run
	return e
}

// worldOpener makes the opener of a task kind whose task acts on a world
// the maker process opens (a service, a fleet, a database file). build
// opens it and returns, with the execution, end: it closes the world after
// the run and returns the command's error, given the run's.
func worldOpener[P, S any](build func(P) (execution[S], func(error) error, error)) taskOpener {
	return opener(func(p P) (worldExecution[S], error) {
		e, end, err := build(p)
		return worldExecution[S]{e: e, end: end}, err
	})
}

// worldExecution is an execution with the world it acts on, which it
// closes when the run ends.
type worldExecution[S any] struct {
	e   execution[S]
	end func(error) error
}

// resumeAs implements resumable.
func (w worldExecution[S]) resumeAs(f *runFlags, run string) runnable {
	w.e.flags, w.e.resume = f, run
	return w
}

// execute implements runnable.
func (w worldExecution[S]) execute(cmd session) error {
	return w.end(w.e.execute(cmd))
}
