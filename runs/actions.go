package runs

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/sqlite"
	"github.com/maker-go/maker/taskfile"
)

// actingTask is a task that runs a program on each decided action; the
// journal records each action's start and end through it.
type actingTask interface {
	SetActionLog(taskfile.ActionLog)
	Dir() string
	SetWorkDir(string)
}

// bindActions gives an acting task the directory its actions run in and
// the journal as its action log. On resume it first looks for an action
// that started after the last recorded step: that action may have changed
// the world already, and it is run again only when --reexecute says so.
func bindActions[S any](ctx context.Context, e Execution[S], jr *journaling, from int) error {
	a, ok := any(e.Task).(actingTask)
	if !ok {
		return nil
	}
	if err := bindActionsDir(a, jr, e.flags != nil && e.flags.jsonOut); err != nil {
		return err
	}
	if jr == nil || jr.journal == nil {
		return nil
	}
	var log maker.ActionRecorder
	if h, ok := jr.journal.(interface{ ActionRecorder() maker.ActionRecorder }); ok {
		log = h.ActionRecorder()
	}
	if log == nil {
		return usageErr("the journal at --db does not record actions, which a task with execute needs: use a SQLite or PostgreSQL journal, or --no-journal")
	}
	if e.resume != "" {
		p, err := log.PendingAction(ctx, from)
		if err != nil {
			return err
		}
		if p != nil && !e.flags.journal.reexecute {
			how := "was interrupted before it finished"
			if p.Finished {
				how = "finished, but the step was not recorded"
			}
			return usageErr("run %s: step %d's action was started (session %d, %s) and %s, so it may have changed the world already; check, then resume with --reexecute to run it again",
				jr.id, p.Step+1, p.Session, p.Started.Format("2006-01-02 15:04:05Z"), how)
		}
	}
	a.SetActionLog(log)
	return nil
}

// bindActionsDir gives a run whose file names no execute.dir a directory
// of its own, so that its actions never write into the directory maker was
// started in: for a journaled run, actions/RUN-ID in maker's data
// directory (beside the default journal), which every resume of the run
// finds again; else a fresh directory under the OS's temporary directory.
// The directory is kept when the run ends: the world the actions made is
// the run's result.
func bindActionsDir(a actingTask, jr *journaling, quiet bool) error {
	if a.Dir() != "" {
		return nil
	}
	var dir string
	if jr != nil && jr.id != "" {
		if db, err := sqlite.DefaultPath(); err == nil {
			dir = filepath.Join(filepath.Dir(db), "actions", jr.id)
		}
	}
	if dir == "" {
		d, err := os.MkdirTemp("", "maker-actions-")
		if err != nil {
			return fmt.Errorf("making the actions' directory: %w", err)
		}
		dir = d
	}
	a.SetWorkDir(dir)
	if jr != nil && jr.stderr != nil && !quiet {
		fmt.Fprintf(jr.stderr, "actions run in %s\n", dir)
	}
	return nil
}

// PendingAction is what `maker show` says of an action that started after
// the run's last committed step: nil when there is none.
func PendingAction(ctx context.Context, db maker.Journal, run *maker.RunRecord) (map[string]any, string, error) {
	l, ok := db.(maker.ActionLister)
	if !ok {
		return nil, "", nil
	}
	acts, err := l.Actions(ctx, run.ID)
	if err != nil {
		return nil, "", err
	}
	for _, a := range acts {
		if a.Step < run.Steps {
			continue
		}
		how := "interrupted before it finished"
		if a.Finished {
			how = "finished, but its step was not recorded"
		}
		text := fmt.Sprintf("action      step %d's action was started and %s (resume with --reexecute to run it again)\n", a.Step+1, how)
		return map[string]any{"step": a.Step + 1, "finished": a.Finished, "started": a.Started}, text, nil
	}
	return nil, "", nil
}
