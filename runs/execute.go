package runs

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/spf13/pflag"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/plan"
	"github.com/maker-go/maker/provider"
)

// Session is where an execution runs: its context, where its output
// goes, and the flags it was given. A task command's *cobra.Command is
// one; a service's job is another (jobSession), with no command at all.
type Session interface {
	Context() context.Context
	OutOrStdout() io.Writer
	ErrOrStderr() io.Writer
	Flags() *pflag.FlagSet
}

type session = Session

// Execution is a task of a kind ready to run: what the kind's opener
// ([Kind.Open]) builds from the run's params.
type Execution[S any] struct {
	Task   maker.Task[S]
	Oracle maker.Oracle
	// Facts are the task's own lines of the summary, computed once and
	// printed as JSON fields or as text (see Fact).
	Facts func(res *maker.Result[S]) []Fact
	// PlannedSteps, when the task's own step count is unknown (0), is the
	// most steps it can take: what --k auto plans for.
	PlannedSteps int
	// WrapModel, when set, wraps the opened model (per-step settings).
	WrapModel func(maker.Model) maker.Model
	// Export, when set, runs after the run and before the summary: files
	// the task writes from its result.
	Export func(cmd Session, res *maker.Result[S], jsonOut bool) error
	// Observers are added to the run's (journal, events).
	Observers []maker.Observer
	// Configure adjusts the engine configuration last.
	Configure func(cfg *maker.Config)
	// From, when set, resumes the task at a checkpoint instead of starting
	// it from its initial state.
	From *maker.Checkpoint[S]
	// Kind and Params name the task in the journal, so that resume can
	// rebuild it (see [Kind.Open]); Params must marshal to JSON and hold
	// everything the kind's opener needs.
	Kind   string
	Params any
	// AtCheckpoint, when set, checks that the world a resumed run
	// continues on is at the checkpoint, before its first step, for a kind
	// whose world outlives the process ([KeptWorld]; see readyWorld); db
	// is the run's journal. An error refuses the resume.
	AtCheckpoint func(ctx context.Context, db maker.Journal, run string, from maker.Checkpoint[S]) error
	// CacheScope, when set, are the lines of the run's decision-cache
	// scope that stand for its params (see cacheScope); by default, the
	// params' JSON.
	CacheScope func() []string

	flags *Flags
	// resume is the journaled run to continue, or "" to start one.
	resume string
	// job, when set, is the run as a service runs it (runner.go).
	job    *Job
	runner *Runner
}

// execute opens the model, plans k, runs the task with a progress bar and
// prints the summary.
func (e Execution[S]) execute(cmd session) error {
	if c, ok := e.Task.(io.Closer); ok {
		// A task that runs programs (a task file's key or validate
		// program) stops them and removes their directories.
		defer c.Close()
	}
	f := e.flags
	if k, known := LookupKind(e.Kind); !known || k.Open == nil {
		return fmt.Errorf("task %s has no journal kind (%q is not a registered kind with an opener)", e.Task.Name(), e.Kind)
	}
	if err := f.validate(); err != nil {
		return err
	}
	if c := Calibrating(cmd.Context()); c != nil {
		return e.calibrate(cmd, c)
	}
	if e.queued() {
		return e.enqueue(cmd)
	}
	ctx := cmd.Context()
	model, err := e.openModel(ctx)
	if err != nil {
		return err
	}
	steps := e.plannedOr()
	k, note, err := f.resolveK(cmd, steps)
	if err != nil {
		return err
	}
	if steps != e.Task.Steps() && note != "" {
		note += "; the step count is an upper bound on the voted steps"
	}
	cfg := f.config(k)
	if cfg.Escalate, err = e.escalation(ctx); err != nil {
		return err
	}
	cfg.Logger = slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	cfg.Observers = append(cfg.Observers, e.Observers...)
	approval, err := e.planApproval()
	if err != nil {
		return err
	}
	jr, from, err := startJournal(cmd, e, model, k)
	if err != nil {
		return err
	}
	defer jr.close()
	if e.resume != "" {
		if err := e.readyWorld(ctx, jr, from); err != nil {
			return err
		}
	}
	if e.resume != "" {
		// The caps are the whole run's (resume_budget.go).
		if cfg.Budget.Spent, err = jr.spent(ctx); err != nil {
			return err
		}
	}
	if err := e.started(jr, &cfg); err != nil {
		return err
	}
	if err := bindActions(ctx, e, jr, from.Step); err != nil {
		return err
	}
	cfg.Observers = append(cfg.Observers, jr.observers...)
	e.useCache(jr, &cfg)
	if err := e.useApproval(cmd.ErrOrStderr(), approval, jr, &cfg); err != nil {
		return err
	}
	if f.k == "adaptive" {
		pol, err := plan.NewAdaptiveK(k, e.Task.Steps(), f.target, cfg.Logger)
		if err != nil {
			return usageErr("--k adaptive: %v", err)
		}
		cfg.KPolicy = pol
	}
	if e.Configure != nil {
		e.Configure(&cfg)
	}
	if !f.jsonOut && note != "" {
		fmt.Fprintf(cmd.ErrOrStderr(), "k = %d (%s)\n", k, note)
	}
	if maker.IsSimulated(model) && !f.jsonOut {
		fmt.Fprintln(cmd.ErrOrStderr(), "model: sim — SIMULATED, no LLM is called")
	}
	priceNote := ""
	if cfg.Pricing.Zero() {
		if priceNote = provider.PriceNote(model); priceNote != "" {
			fmt.Fprintln(cmd.ErrOrStderr(), "warning:", priceNote)
		}
	}
	rep, err := f.openReport(cmd)
	if err != nil {
		return err
	}
	cfg.Observers = rep.observe(cfg.Observers)
	if e.From != nil && e.resume == "" {
		from = *e.From
	}
	// The bar comes last, after every header line (see NewProgress).
	bar := NewProgress(cmd.ErrOrStderr(), e.Task.Steps(), f.quiet || f.jsonOut)
	if bar != nil {
		bar.Add(from.Step) // a resumed run starts part way
		cfg.Observers = append(cfg.Observers, bar)
	}
	runModel := model
	if e.WrapModel != nil {
		runModel = e.WrapModel(model)
	}
	chunk := e.bound(&cfg, from.Step)
	sess := e.traceSession(ctx, jr, &cfg, from.Step)
	res, runErr := maker.RunFrom(ctx, e.Task, runModel, cfg, from)
	endTrace(sess, res, runErr)
	if bar != nil {
		bar.Finish()
	}
	if res == nil {
		rep.discard()
		return &exitError{Code: exitUsage, Err: runErr}
	}
	res.Summary.PriceNote = priceNote
	// A provider may learn only from its answers that it reached a
	// simulated server; the summary must say so.
	res.Summary.Simulated = res.Summary.Simulated || maker.IsSimulated(model)
	if runErr != nil && e.draining() {
		return runErr // the journal stays running, to resume on restart
	}
	status := maker.RunStatus(&res.Summary, runErr)
	if chunk.over(&res.Summary, runErr) {
		status, runErr = maker.StatusQueued, nil
	}
	if err := jr.finish(&res.Summary, status); err != nil && runErr == nil {
		runErr = &exitError{Code: exitOutput, Err: err}
	}
	if from.Step > 0 && e.resume != "" && !cfg.DiscardActions {
		// The task's facts are about the whole run: give them the actions
		// the run decided before this session too, even when this session
		// was interrupted.
		prior, err := PriorActions(context.WithoutCancel(ctx), jr.db, jr.id, from.Step)
		if err != nil {
			return err
		}
		res.Actions = append(prior, res.Actions...)
	}
	if e.Export != nil {
		if err := e.Export(cmd, res, f.jsonOut); err != nil {
			return err
		}
	}
	var facts []Fact
	if e.Facts != nil {
		facts = e.Facts(res)
	}
	extra := jr.annotate(jsonFields(facts, map[string]any{}))
	var proj *plan.Projection
	if p := f.plannedP(cmd); p > 0.5 {
		if pr, err := plan.Project(&res.Summary, p, k); err == nil {
			proj = &pr
			extra["projection"] = pr
		}
	}
	if err := PrintSummary(cmd.OutOrStdout(), f.jsonOut, &res.Summary, extra); err != nil {
		return err
	}
	if !f.jsonOut && proj != nil {
		if err := proj.WriteText(cmd.OutOrStdout()); err != nil {
			return err
		}
	}
	if !f.jsonOut {
		if err := writeFacts(cmd.OutOrStdout(), facts); err != nil {
			return err
		}
	}
	jr.printID(cmd, f.jsonOut)
	return rep.finish(cmd, &res.Summary, res.State, jr.explain(&res.Summary, outcome(&res.Summary, runErr)))
}
