package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"
)

// runnable is an execution ready to go, whatever its state type.
type runnable interface {
	execute(cmd *cobra.Command) error
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

// taskKinds is the one list of the task kinds this maker journals. Every
// task command sets one of these kinds; a test starts, kills and resumes a
// run of each.
func taskKinds() []taskKind {
	return []taskKind{
		{name: "hanoi", open: opener(hanoiExecution)},
		{name: "cube", open: opener(cubeExecution)},
		{name: "sudoku", open: opener(sudokuExecution)},
		{name: "requirements", open: opener(requirementsExecution)},
		{name: "taskfile", open: opener(taskfileExecution)},
		{name: "scenario-deps", open: opener(depsExecution)},
		{name: "scenario-infra", open: opener(infraExecution)},
		{name: "scenario-interview", open: opener(interviewExecution)},
		{name: "scenario-apitest", open: worldOpener(apitestExecution)},
		{name: "scenario-deploy", open: worldOpener(deployExecution)},
		{name: "scenario-migrate", open: worldOpener(migrateExecution)},
	}
}

// lookupKind finds a task kind by name.
func lookupKind(name string) (taskKind, bool) {
	for _, k := range taskKinds() {
		if k.name == name {
			return k, true
		}
	}
	return taskKind{}, false
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
func (w worldExecution[S]) execute(cmd *cobra.Command) error {
	return w.end(w.e.execute(cmd))
}
