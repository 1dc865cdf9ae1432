package runs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/pflag"

	"github.com/maker-go/maker"
)

// A run's budget (--max-cost, --max-samples-total, --max-wall) caps the
// whole run, over every session: a resumed session is given what the
// sessions before it spent, from the journal, and stops at once when that
// reached a cap already. Raising a cap is explicit (maker resume ID
// --max-cost 10, the API's resume body); the session that raises it
// records the caps in its summary, and later resumptions keep them.

// budgetFlags are the caps a resume may set: only those given replace
// the run's.
type budgetFlags struct {
	fs   *pflag.FlagSet
	cost float64
	n    int64
	wall time.Duration
}

func (b *budgetFlags) register(fs *pflag.FlagSet) {
	b.fs = fs
	fs.Float64Var(&b.cost, "max-cost", 0, "the run's cost cap in USD over all its sessions, replacing the one it has (0: none)")
	fs.Int64Var(&b.n, "max-samples-total", 0, "the run's cap on model calls over all its sessions, replacing the one it has (0: none)")
	fs.DurationVar(&b.wall, "max-wall", 0, "the run's cap on wall time over all its sessions, replacing the one it has (0: none)")
}

// given are the caps given on the command line; the run's flags check
// them (a negative cap is refused as --max-cost's).
func (b *budgetFlags) given() Caps {
	var c Caps
	if b.fs.Changed("max-cost") {
		c.MaxCostUSD = &b.cost
	}
	if b.fs.Changed("max-samples-total") {
		c.MaxSamplesTotal = &b.n
	}
	if b.fs.Changed("max-wall") {
		w := b.wall.String()
		c.MaxWall = &w
	}
	return c
}

// applyCaps sets the caps c gives over f's; c was checked by
// [Caps.Check].
func applyCaps(c *Caps, f *Flags) {
	if c == nil {
		return
	}
	if c.MaxCostUSD != nil {
		f.maxCost = *c.MaxCostUSD
	}
	if c.MaxSamplesTotal != nil {
		f.maxSamplesT = *c.MaxSamplesTotal
	}
	if c.MaxWall != nil {
		if d, err := time.ParseDuration(*c.MaxWall); err == nil {
			f.maxWall = d
		}
	}
}

// sessionCaps sets f's caps to those the run's latest ended session
// recorded (a resume that raised a cap); without one, f keeps the caps the
// run started with.
func sessionCaps(run *maker.RunRecord, f *Flags) {
	for i := len(run.Sessions) - 1; i >= 0; i-- {
		s := run.Sessions[i].Summary
		if s == nil || s.Budget == nil {
			continue
		}
		f.maxCost, f.maxSamplesT = s.Budget.MaxCostUSD, s.Budget.MaxSamplesTotal
		f.maxWall = time.Duration(s.Budget.MaxWallSeconds * float64(time.Second))
		return
	}
}

// spent is what the run's sessions before this one spent, as the journal
// adds them up: what a resumed session's budget counts.
func (jr *journaling) spent(ctx context.Context) (maker.Spent, error) {
	sum, err := jr.db.Summary(ctx, jr.id)
	if err != nil && !errors.Is(err, maker.ErrInconsistent) {
		return maker.Spent{}, fmt.Errorf("journal: run %s: what it spent: %w", jr.id, err)
	}
	if sum == nil {
		return maker.Spent{}, nil
	}
	return sum.Spent(), nil
}

// ResumeFlags are the flags of maker resume: the session's output and
// journal, and new budget caps for the whole run. The run's other
// settings are its own, from the journal.
type ResumeFlags struct {
	session Flags
	budget  budgetFlags
}

// Register adds the flags to fs.
func (r *ResumeFlags) Register(fs *pflag.FlagSet) {
	fs.BoolVar(&r.session.jsonOut, "json", false, "print the summary as one JSON object")
	fs.BoolVarP(&r.session.quiet, "quiet", "q", false, "no progress bar")
	r.session.journal.register(fs)
	r.budget.register(fs)
	fs.BoolVar(&r.session.journal.reexecute, "reexecute", false, "run again the action of a step that a crash interrupted (tasks with execute)")
	_ = fs.MarkHidden("no-journal")
}

// DB is the journal the run is resumed from (--db); "" with --no-journal.
func (r *ResumeFlags) DB() string {
	if r.session.journal.noJournal {
		return ""
	}
	return r.session.journal.db
}

// Resume continues the journaled run in a command's session with the run's
// own settings, the session's output and journal, and the caps given.
func (r *ResumeFlags) Resume(s Session, rn *Runner, run *maker.RunRecord) error {
	jf := r.session.journal
	caps := r.budget.given()
	if sc := maker.JournalScheme(jf.db); caps.Given() && (sc == "postgres" || sc == "postgresql") && !jf.local {
		return usageErr("--max-cost, --max-samples-total and --max-wall: the fleet's queue keeps no new caps; give --local to resume the run here with them")
	}
	x, err := reopen(run, rn, func(f *Flags) {
		f.jsonOut, f.quiet, f.journal = r.session.jsonOut, r.session.quiet, jf
		applyCaps(&caps, f)
	})
	if err != nil {
		return usageErr("%v", err)
	}
	return x.execute(s)
}
