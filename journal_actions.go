package maker

import (
	"context"
	"time"
)

// Action is a step's action as a journal records it, for tasks whose steps
// act on the world (an [Executor]): when it started and whether it
// finished. A started action past a run's last committed step ran, in part
// or whole, without its step being recorded.
type Action struct {
	Step     int // 0-based
	Session  int
	Started  time.Time
	Finished bool
}

// ActionRecorder is an optional ability of a [Recorder]: it records,
// durably, that a step's action is about to run (after committing every
// step observed before it) and that it has finished, and finds on resume
// the first started action at or after step from (nil: none). A journal
// whose recorder lacks it cannot journal a task that acts on the world.
type ActionRecorder interface {
	ActionStarted(ctx context.Context, step int) error
	ActionFinished(ctx context.Context, step int) error
	PendingAction(ctx context.Context, from int) (*Action, error)
}

// ActionLister is an optional ability of a [Journal]: every action it
// records for the run id, in step order.
type ActionLister interface {
	Actions(ctx context.Context, id string) ([]Action, error)
}
