package runs

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/maker-go/maker"
)

// World is how a journaled run of a kind finds the world its actions act
// on again when it resumes: the kind says it once (see [Kind.World]), and
// whoever resumes the run (the command line, a service, a fleet's worker)
// readies the world the same way before the run's next step.
type World int

const (
	// NoWorld: the task acts on nothing outside its state, or on a world
	// that stays where the run left it (a task file's program and its
	// directory): there is nothing to ready.
	NoWorld World = iota
	// ReplayedWorld: the world lives in the process that runs the run (a
	// service it starts, a fleet it simulates) and ends with it. A resume
	// starts it afresh and carries out the journaled actions again, in
	// order (see [ReplayWorld]).
	ReplayedWorld
	// KeptWorld: the world outlives the process (a database file). A
	// resume continues from it as it is, once the kind has checked that
	// it is where the journal left it; nothing is replayed, since that
	// would do an action twice.
	KeptWorld
)

// ReplayWorld rebuilds the world of a journaled run whose world lived in
// the process that ran it ([ReplayedWorld]): from initial, the actions of
// the run's first steps (those before the step it resumes from) are
// carried out again, in order, through ex on a world started afresh. This
// rebuilds the world the run had; it does not repeat an action on it.
// Each step must report exactly the state the journal holds after it; the
// first that does not refuses the resume (an error wrapping [ErrInvalid]),
// since the run would go on in another world than the one its steps were
// decided in.
//
// A task whose world outlives the process ([KeptWorld]) must never do
// this: it resumes from the world as it is.
func ReplayWorld[S any](ctx context.Context, db maker.Journal, run string, ex maker.Executor[S], initial S, steps int) error {
	state, step := initial, 0
	err := db.Steps(ctx, run, 0, steps, func(rec *maker.StepRecord) error {
		if rec.Step != step {
			return fmt.Errorf("journal: run %s: step %d where %d was due", run, rec.Step+1, step+1)
		}
		next, err := ex.Execute(ctx, state, maker.Candidate[S]{Action: rec.Action})
		if err != nil && ctx.Err() != nil {
			return fmt.Errorf("replaying step %d: %w", step+1, ctx.Err()) // interrupted
		}
		if err != nil {
			return fmt.Errorf("%w: run %s cannot be resumed: replaying step %d (%q) on the restarted world: %v", ErrInvalid, run, step+1, rec.Action, err)
		}
		raw, _ := rec.State.(json.RawMessage)
		if err := SameState(next, raw); err != nil {
			return fmt.Errorf("%w: run %s cannot be resumed: replaying step %d (%q) on the restarted world: %v", ErrInvalid, run, step+1, rec.Action, err)
		}
		state, step = next, step+1
		return nil
	})
	if err != nil {
		return err
	}
	if step != steps {
		return fmt.Errorf("journal: run %s: %d steps to replay, want %d", run, step, steps)
	}
	return nil
}

// SameState reports, as an error that shows both, whether got is the state
// the journal recorded as want (JSON). Both sides are compared as this
// maker encodes the state, so an older journal's spacing or field order
// does not matter.
func SameState[S any](got S, want json.RawMessage) error {
	var w S
	if err := json.Unmarshal(want, &w); err != nil {
		return fmt.Errorf("the journaled state: %w", err)
	}
	g, wj := StateJSON(got), StateJSON(w)
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

// StateJSON encodes a task state, which the journal has already encoded
// once: it cannot fail for a state the run could journal.
func StateJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage(fmt.Sprintf("%q", err.Error()))
	}
	return b
}

// PriorActions are the actions of a journaled run's first n steps: what a
// resumed run decided before this session, which the task's facts about
// the whole run need.
func PriorActions(ctx context.Context, db maker.Journal, run string, n int) ([]string, error) {
	out := make([]string, 0, n)
	err := db.Steps(ctx, run, 0, n, func(rec *maker.StepRecord) error {
		out = append(out, rec.Action)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("journal: run %s: %w", run, err)
	}
	if len(out) != n {
		return nil, fmt.Errorf("journal: run %s: %d steps before the resume, want %d", run, len(out), n)
	}
	return out, nil
}
