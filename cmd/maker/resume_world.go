package main

import (
	"context"
	"fmt"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/runs"
)

// readyWorld readies, before a resumed run's first step, the world its
// actions act on, as its kind says ([runs.Kind.World]): a world that lived
// in the process that ran it is started afresh and the journaled actions
// are replayed on it ([runs.ReplayWorld]); a world that outlives the
// process is checked by the execution's atCheckpoint (see
// migrateAtCheckpoint). An error refuses the resume.
func (e execution[S]) readyWorld(ctx context.Context, jr *journaling, from maker.Checkpoint[S]) error {
	kind, _ := runs.LookupKind(e.kind)
	switch kind.World {
	case runs.ReplayedWorld:
		ex, ok := any(e.task).(maker.Executor[S])
		if !ok {
			return fmt.Errorf("task kind %s replays its world, but its task carries out no action", e.kind)
		}
		return runs.ReplayWorld(ctx, jr.db, jr.id, ex, e.task.Initial(), from.Step)
	case runs.KeptWorld:
		if e.atCheckpoint == nil {
			return fmt.Errorf("task kind %s keeps its world, but its execution does not check it", e.kind)
		}
	}
	if e.atCheckpoint == nil {
		return nil
	}
	return e.atCheckpoint(ctx, jr, from)
}
