package runs

import (
	"context"
	"fmt"

	"github.com/maker-go/maker"
)

// readyWorld readies, before a resumed run's first step, the world its
// actions act on, as its kind says ([Kind.World]): a world that lived
// in the process that ran it is started afresh and the journaled actions
// are replayed on it ([ReplayWorld]); a world that outlives the
// process is checked by the execution's atCheckpoint (see
// migrateAtCheckpoint). An error refuses the resume.
func (e Execution[S]) readyWorld(ctx context.Context, jr *journaling, from maker.Checkpoint[S]) error {
	kind, _ := LookupKind(e.Kind)
	switch kind.World {
	case ReplayedWorld:
		ex, ok := any(e.Task).(maker.Executor[S])
		if !ok {
			return fmt.Errorf("task kind %s replays its world, but its task carries out no action", e.Kind)
		}
		return ReplayWorld(ctx, jr.db, jr.id, ex, e.Task.Initial(), from.Step)
	case KeptWorld:
		if e.AtCheckpoint == nil {
			return fmt.Errorf("task kind %s keeps its world, but its execution does not check it", e.Kind)
		}
	}
	if e.AtCheckpoint == nil {
		return nil
	}
	return e.AtCheckpoint(ctx, jr.db, jr.id, from)
}
