package maker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Checkpoint is where a run starts: the number of steps already decided,
// the state they led to and the last action. The zero step starts a task
// from its initial state.
type Checkpoint[S any] struct {
	Step  int
	State S
	Prev  string
}

// Result is the outcome of a run.
type Result[S any] struct {
	Summary Summary
	// State is the state after the last decided step.
	State S
	// Actions are the decided actions of this run, in order (steps before a
	// resumed checkpoint are not included).
	Actions []string
}

// Run decides a task step by step with first-to-ahead-by-k voting and
// returns the result. It stops when the task is done, after the task's known
// number of steps, on a budget limit, on a step without consensus, or on a
// model error that retries could not fix. The result is returned with the
// error too, so the summary of a stopped run can be reported.
func Run[S any](ctx context.Context, task Task[S], model Model, cfg Config) (*Result[S], error) {
	return RunFrom(ctx, task, model, cfg, Checkpoint[S]{State: task.Initial()})
}

// RunFrom is [Run] starting at a checkpoint, to resume a journaled run.
func RunFrom[S any](ctx context.Context, task Task[S], model Model, cfg Config, from Checkpoint[S]) (*Result[S], error) {
	if task == nil || model == nil {
		return nil, errors.New("run: task and model are required")
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	flags, err := NewRedFlags(cfg.MaxTokens, cfg.MinChars, cfg.RefusalPatterns)
	if err != nil {
		return nil, err
	}
	cfg.MaxTokens = flags.MaxTokens
	if from.Step < 0 {
		return nil, fmt.Errorf("run: checkpoint step must not be negative, got %d", from.Step)
	}
	pricing := cfg.Pricing
	ens, _ := model.(*Ensemble)
	if pricing.Zero() {
		if ens != nil {
			pricing = ens.dearest()
		} else if p, ok := model.(Priced); ok {
			pricing = p.Pricing()
		}
	}
	r := &runner[S]{
		task:    task,
		model:   model,
		cfg:     cfg,
		flags:   flags,
		pricing: pricing,
		start:   time.Now(),
		jobs:    make(chan func()),
		quit:    make(chan struct{}),
	}
	r.ensemble = ens
	r.schema = answerSchema(task, cfg)
	if cfg.Escalate != nil {
		r.escalationPricing = cfg.Escalate.pricing(cfg)
	}
	r.cache = newStepCache(ctx, cfg, task)
	defer close(r.quit)
	r.checker, _ = task.(Checker[S])
	r.executor, _ = task.(Executor[S])
	if r.executor != nil && r.cfg.Speculate != 0 {
		// The world moves with each decided action and cannot be asked what
		// an undecided one would do: such a task never speculates.
		if r.cfg.Speculate > 0 {
			r.cfg.Logger.Info("speculation is off for a task that executes its actions", "task", task.Name())
		}
		r.cfg.Speculate = 0
	}
	if r.cfg.Approval.asks() {
		// A step ahead cannot be decided while a person is asked about
		// the one before it.
		r.cfg.Speculate = 0
	}
	// Samples run under the wall limit's deadline, so reaching it cancels
	// those in flight instead of waiting for them (a sample may take
	// minutes); observers and executors keep the caller's context.
	r.sampleCtx = ctx
	if w := cfg.Budget.MaxWall; w > 0 {
		var cancel context.CancelFunc
		r.sampleCtx, cancel = context.WithDeadline(ctx, r.start.Add(w-cfg.Budget.Spent.Wall))
		defer cancel()
	}
	r.sum = Summary{
		Task:           task.Name(),
		Model:          cfg.ModelName,
		Simulated:      IsSimulated(model),
		TotalSteps:     task.Steps(),
		StartStep:      from.Step,
		Steps:          from.Step,
		K:              cfg.K,
		Flagged:        map[Flag]int64{},
		VotesHistogram: Histogram{},
		Pricing:        pricing,
	}
	r.sum.Speculation.Depth = max(r.cfg.Speculate, 0)
	r.sum.Budget = cfg.Budget.use()
	res := &Result[S]{State: from.State}
	switch {
	case r.cfg.Speculate == SpeculateAuto:
		// Probe first: vote step by step until the model's latency is known,
		// and vote ahead only for a model slow enough to hide.
		r.sum.Auto, r.probing = true, true
		err = r.loop(ctx, from, res)
		if errors.Is(err, errVoteAhead) {
			r.probing = false
			err = r.pipelined(ctx, r.handover, res)
		}
	case r.cfg.Speculate != 0:
		err = r.pipelined(ctx, from, res)
	default:
		err = r.loop(ctx, from, res)
	}
	r.sum.WallSeconds = time.Since(r.start).Seconds()
	r.sum.Derive()
	r.sum.Success = err == nil && r.sum.Done && r.sum.WrongSteps == 0
	if err != nil {
		r.sum.Error = err.Error()
		r.sum.StopReason = stopReason(err)
	}
	res.Summary = r.sum
	return res, err
}

func stopReason(err error) string {
	var be *BudgetError
	switch {
	case errors.As(err, &be):
		return "budget: " + be.Limit
	case errors.Is(err, ErrNoConsensus):
		return "no consensus"
	case errors.Is(err, ErrRejected):
		return "rejected"
	case errors.Is(err, ErrStepLimit):
		return "step limit"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "interrupted"
	}
	return "error"
}

type runner[S any] struct {
	task     Task[S]
	model    Model
	ensemble *Ensemble // model, when it is one
	cfg      Config
	flags    *RedFlags
	pricing  Pricing
	checker  Checker[S]
	executor Executor[S]
	start    time.Time
	sum      Summary
	// sampleCtx is the caller's context, with the wall limit as deadline
	// when one is set.
	sampleCtx context.Context
	// cache is the decision cache of Config.Cache (nil without one).
	cache *stepCache
	// jobs hands a sample to an idle worker; quit ends the workers when the
	// run returns (every sample is back by then).
	jobs chan func()
	quit chan struct{}
	// schema is the answer schema every request carries (structured.go).
	schema json.RawMessage
	// escalationPricing prices the samples of Config.Escalate's model.
	escalationPricing Pricing
	// maxSampleCost is the dearest sample so far: the budget assumes every
	// sample in flight may cost as much.
	maxSampleCost float64
	// latency and answered sum the reported latency of the samples
	// answered so far, for automatic speculation's probe (probeLatency).
	latency  time.Duration
	answered int64
	// probing is set while an automatic-speculation run votes step by step
	// to measure its model; handover is where the pipeline takes over.
	probing  bool
	handover Checkpoint[S]
	// inline: the model answers in microseconds, and a step calls it on
	// the run's goroutine (see inlineProbe). quickN and quickSum time the
	// window of samples on workers that decides it.
	inline   bool
	quickN   int
	quickSum time.Duration
	// results are the step's arrivals and dec its vote, kept from step to
	// step: a step ends with no sample out.
	results chan arrival
	dec     *decision[S]
}

func (r *runner[S]) loop(ctx context.Context, from Checkpoint[S], res *Result[S]) error {
	state, prev := from.State, from.Prev
	limit := r.cfg.MaxSteps
	if limit == 0 {
		limit = r.task.Steps()
	}
	for step := from.Step; ; step++ {
		if r.task.Done(state, step) {
			r.sum.Done = true
			r.sum.StopReason = "done"
			return nil
		}
		if limit > 0 && step >= limit {
			if r.cfg.MaxSteps > 0 {
				r.sum.StopReason = "max steps"
				return nil
			}
			return fmt.Errorf("after %d steps: %w", step, ErrStepLimit)
		}
		if r.pastUntil() {
			r.sum.StopReason = StopUntil
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if r.probing && step-from.Step >= probeSteps {
			if r.probe() {
				r.handover = Checkpoint[S]{Step: step, State: state, Prev: prev}
				return errVoteAhead
			}
		}
		k := r.cfg.K
		if r.cfg.KPolicy != nil {
			k = r.cfg.KPolicy.K(step)
			if k < 1 {
				return fmt.Errorf("step %d: k policy returned k=%d", step+1, k)
			}
		}
		prompt := r.task.Prompt(state, prev, step)
		digest, rec, winner, hit := r.fromCache(step, state, prev, prompt, k)
		asked := false // a person decided the step: not a vote to cache
		if !hit {
			var err error
			if rec, winner, err = r.decide(ctx, step, state, prev, prompt, k); err != nil {
				if !errors.Is(err, ErrNoConsensus) || !r.cfg.Approval.asks() {
					return err
				}
				if winner, err = r.ask(ctx, step, state, prev, rec); err != nil {
					return err
				}
				asked = true
			}
		}
		if r.checker != nil {
			if cerr := r.checker.Check(step, state, winner); cerr != nil {
				rec.Wrong, rec.WrongWhy = true, cerr.Error()
			}
		}
		next := winner.State
		if r.executor != nil {
			if r.cfg.Approval.actions() {
				if err := r.approve(ctx, step, prev, winner); err != nil {
					return err
				}
			}
			var err error
			if next, err = r.executor.Execute(ctx, state, winner); err != nil {
				return fmt.Errorf("step %d: execute %q: %w", step+1, winner.Action, err)
			}
		}
		rec.State = next
		if r.cache != nil && !hit && !asked {
			r.cache.remember(digest, rec)
		}
		r.sum.addDecision(rec)
		if r.cfg.KPolicy != nil {
			r.cfg.KPolicy.Observe(rec)
		}
		for _, o := range r.cfg.Observers {
			if err := o.Observe(ctx, rec); err != nil {
				return fmt.Errorf("step %d: observer: %w", step+1, err)
			}
		}
		if !r.cfg.DiscardActions {
			res.Actions = append(res.Actions, winner.Action)
		}
		res.State = next
		state, prev = next, winner.Action
	}
}

// StopUntil is the StopReason of a run that [Config.Until] ended.
const StopUntil = "until"

// pastUntil reports whether Config.Until has passed: no step may start.
func (r *runner[S]) pastUntil() bool {
	return !r.cfg.Until.IsZero() && !time.Now().Before(r.cfg.Until)
}

// admit decides whether one more sample may be launched without crossing a
// budget limit, counting the samples in flight at the dearest cost seen.
func (r *runner[S]) admit(step, inflight int, prompt Prompt) error {
	b := r.cfg.Budget
	if b.MaxWall > 0 && time.Since(r.start)+b.Spent.Wall >= b.MaxWall {
		return r.wallError(step)
	}
	if b.MaxSamplesTotal > 0 && b.Spent.Samples+r.sum.Samples+int64(inflight)+1 > b.MaxSamplesTotal {
		return &BudgetError{Limit: "max-samples-total", Step: step + 1, Value: fmt.Sprint(b.MaxSamplesTotal)}
	}
	if b.MaxCost > 0 {
		est := r.maxSampleCost
		if est == 0 {
			// Nothing seen yet: assume a full-length answer.
			est = r.pricing.Cost(Response{InputTokens: prompt.EstimateTokens(), OutputTokens: r.cfg.MaxTokens})
		}
		if b.Spent.CostUSD+r.sum.ChargedUSD()+float64(inflight+1)*est > b.MaxCost {
			return &BudgetError{Limit: "max-cost", Step: step + 1, Value: fmt.Sprintf("$%.4f", b.MaxCost)}
		}
	}
	return nil
}

// wallError is the budget error of a run that reached its wall limit.
func (r *runner[S]) wallError(step int) error {
	return &BudgetError{Limit: "max-wall", Step: step + 1, Value: r.cfg.Budget.MaxWall.String()}
}

// wallReached reports whether the wall limit cancelled the samples while the
// caller's own context is still live.
func (r *runner[S]) wallReached(ctx context.Context) bool {
	return ctx.Err() == nil && r.sampleCtx.Err() != nil
}
