package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/maker-go/maker"
)

// replayWorld is the atCheckpoint of a task whose world lives in the maker
// process (the apitest service, the deploy fleet) and so ended with the
// process that ran it. The world is started afresh from the instance, and
// the journaled actions of the steps before the checkpoint are carried out
// again, in order, through the task's executor: this rebuilds the world the
// run had, it does not repeat an action on it. Each step must report
// exactly the state the journal holds after it; the first that does not
// refuses the resume, since the run would go on in another world than the
// one its steps were decided in.
//
// A task whose world outlives the process (a database file, a remote
// system) must never do this: it resumes from the world as it is (see
// migrateAtCheckpoint).
func replayWorld[S any](ex maker.Executor[S], initial S) func(ctx context.Context, jr *journaling, from maker.Checkpoint[S]) error {
	return func(ctx context.Context, jr *journaling, from maker.Checkpoint[S]) error {
		state, step := initial, 0
		err := jr.db.Steps(ctx, jr.id, 0, from.Step, func(rec *maker.StepRecord) error {
			if rec.Step != step {
				return fmt.Errorf("journal: run %s: step %d where %d was due", jr.id, rec.Step+1, step+1)
			}
			next, err := ex.Execute(ctx, state, maker.Candidate[S]{Action: rec.Action})
			if err != nil && ctx.Err() != nil {
				return fmt.Errorf("replaying step %d: %w", step+1, ctx.Err()) // interrupted
			}
			if err != nil {
				return usageErr("run %s cannot be resumed: replaying step %d (%q) on the restarted world: %v", jr.id, step+1, rec.Action, err)
			}
			raw, _ := rec.State.(json.RawMessage)
			if err := sameState(next, raw); err != nil {
				return usageErr("run %s cannot be resumed: replaying step %d (%q) on the restarted world: %v", jr.id, step+1, rec.Action, err)
			}
			state, step = next, step+1
			return nil
		})
		if err != nil {
			return err
		}
		if step != from.Step {
			return fmt.Errorf("journal: run %s: %d steps to replay, want %d", jr.id, step, from.Step)
		}
		return nil
	}
}

// sameState reports, as an error that shows both, whether got is the state
// the journal recorded as want (JSON). Both sides are compared as this
// maker encodes the state, so an older journal's spacing or field order
// does not matter.
func sameState[S any](got S, want json.RawMessage) error {
	var w S
	if err := json.Unmarshal(want, &w); err != nil {
		return fmt.Errorf("the journaled state: %w", err)
	}
	g, wj := mustJSON(got), mustJSON(w)
	if bytes.Equal(g, wj) {
		return nil
	}
	i := 0
	for i < min(len(g), len(wj)) && g[i] == wj[i] {
		i++
	}
	return fmt.Errorf("the world now reports %s where the journal holds %s", around(g, i), around(wj, i))
}

// around is the part of a long JSON text near byte i, where two texts
// first differ.
func around(b []byte, i int) string {
	const before, after = 80, 120
	from, to := max(0, i-before), min(len(b), i+after)
	s := string(b[from:to])
	if from > 0 {
		s = "..." + s
	}
	if to < len(b) {
		s += "..."
	}
	return s
}

// mustJSON encodes a task state, which the journal has already encoded
// once: it cannot fail for a state the run could journal.
func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage(fmt.Sprintf("%q", err.Error()))
	}
	return b
}
