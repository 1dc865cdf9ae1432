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

// taskKind is one kind of task the journal records. A kind with no opener
// cannot be resumed, and why says so when the run starts and when resume
// is asked for.
type taskKind struct {
	name string
	open taskOpener
	why  string
}

// taskKinds is the one list of the task kinds this maker journals. Every
// task command sets one of these kinds; a test starts, kills and resumes a
// run of each resumable one.
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
		{name: "scenario-apitest", why: "the service under test lives in the maker process, and its data ends with it; start the suite again"},
		{name: "scenario-deploy", why: "the fleet lives in the maker process, and its versions end with it; start the rollout again"},
		{name: "scenario-migrate", why: "the migration keeps its own progress in its database: continue it with maker scenario migrate --db-file FILE --resume"},
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
// execution from params.
func opener[P, S any](build func(P) (execution[S], error)) taskOpener {
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
