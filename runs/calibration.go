package runs

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/spf13/pflag"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/calibrate"
	"github.com/maker-go/maker/plan"
	"github.com/maker-go/maker/sim"
)

// Calibration is `maker calibrate TASK ...`: what calibrate takes for
// itself from the task's command line, the rest being the task command's
// own. The task command builds its execution as for a run, and execute
// hands it to calibrate (Execution.calibrate) instead of running it.
type Calibration struct {
	models     []string
	samples    int
	perStep    int
	probeSeed  uint64
	pilotSteps int
	pilotK     int
	followUp   int
	// ensemble measures the --model list as one ensemble.
	ensemble bool
	// json prints the report as JSON whatever the task's --json (the
	// service's calibrations).
	json bool
}

// Register adds calibrate's own flags: those that are not a run's.
func (c *Calibration) Register(fs *pflag.FlagSet) {
	fs.StringArrayVar(&c.models, "model", []string{sim.Name}, "model to measure: sim, sim/NAME?error=0.01&..., or provider/model; give it several times (or a comma list) to compare models on the same steps")
	fs.IntVar(&c.samples, "samples", 1000, fmt.Sprintf("model calls to make in all (at most %d)", calibrate.MaxSamples))
	fs.IntVar(&c.perStep, "per-step", 2, "independent samples per step (two or more show collisions, three or more the hard steps)")
	fs.Uint64Var(&c.probeSeed, "probe-seed", 1, "seed that picks the steps")
	fs.IntVar(&c.pilotSteps, "pilot-steps", 0, "for a task with no known answers: the first steps to decide by a pilot vote and measure on (0: samples / per-step)")
	fs.IntVar(&c.pilotK, "pilot-k", 5, "for a task with no known answers: the margin of the pilot vote that decides the provisional answers")
	fs.IntVar(&c.followUp, "follow-up", 0, "more samples on each step where two samples were wrong, to measure the hard steps' p (0: none)")
	fs.BoolVar(&c.ensemble, "ensemble", false, "measure the --model list as one ensemble, its members taking turns on each step's samples as in a run (weights allowed: a=2,b=1), and plan for it")
}

// Check validates the calibration's own flags.
func (c *Calibration) Check() error {
	switch {
	case c.samples < 2 || c.samples > calibrate.MaxSamples:
		return usageErr("--samples: want 2 to %d model calls, got %d", calibrate.MaxSamples, c.samples)
	case c.perStep < 1 || c.perStep > c.samples:
		return usageErr("--per-step: want 1 to --samples (%d), got %d", c.samples, c.perStep)
	case c.pilotSteps < 0 || c.pilotSteps > calibrate.MaxSamples:
		return usageErr("--pilot-steps: want 0 to %d, got %d", calibrate.MaxSamples, c.pilotSteps)
	case c.pilotK < 1 || c.pilotK > maxK:
		return usageErr("--pilot-k: want 1 to %d, got %d", maxK, c.pilotK)
	case c.followUp < 0 || c.followUp > 1000:
		return usageErr("--follow-up: want 0 to 1000 samples a step, got %d", c.followUp)
	}
	return nil
}

// Models are the models the calibration measures.
func (c *Calibration) Models() []string { return c.models }

type calibrateKey struct{}

// WithCalibration makes the task commands run under ctx calibrate models
// on their task with c instead of running it.
func WithCalibration(ctx context.Context, c *Calibration) context.Context {
	return context.WithValue(ctx, calibrateKey{}, c)
}

// Calibrating is the calibration a task command runs under, or nil.
func Calibrating(ctx context.Context) *Calibration {
	c, _ := ctx.Value(calibrateKey{}).(*Calibration)
	return c
}

// oracler is a task that can give its own oracle (a task file with
// expected answers).
type oracler interface {
	Oracle() (maker.Oracle, error)
}

// maxWalk bounds the steps a calibration walks along the known solution
// to find its steps' states: a 21-disk Hanoi's worth.
const maxWalk = 1 << 21

// calibrate measures each --model on the same steps of the task: steps of
// its known solution when it has one (an oracle, expected answers), else
// the first steps as a pilot vote decided them. It prints the report and
// the plan, or the comparison of the models.
func (e Execution[S]) calibrate(cmd session, c *Calibration) error {
	f := e.flags
	ctx := cmd.Context()
	pick := CalibrationModels
	if c.ensemble {
		pick = ensembleModels
	}
	names, err := pick(c.models)
	if err != nil {
		return err
	}
	f.model = strings.Join(names, ",")
	if err := f.validate(); err != nil {
		return err
	}
	oracle := e.Oracle
	if oracle == nil {
		if o, ok := e.Task.(oracler); ok {
			oracle, _ = o.Oracle() // none: a pilot decides
		}
	}
	n := max(1, c.samples/c.perStep)
	var probes []calibrate.Probe[S]
	var total int
	truth, note := "known", ""
	var pilot *pilotRunOf[S]
	if oracle != nil {
		probes, total, err = knownProbes(ctx, e.Task, oracle, n, c.probeSeed)
		if err != nil {
			return err
		}
	}
	if len(probes) == 0 {
		steps := c.pilotSteps
		if steps == 0 {
			steps = n
		}
		f.model = names[0]
		model, err := f.openModel(ctx, oracle)
		if err != nil {
			return fmt.Errorf("pilot: %w", err)
		}
		if pilot, err = e.pilot(ctx, model, steps, c.pilotK); err != nil {
			return err
		}
		probes = pilot.probes
		if len(probes) > n {
			probes = probes[:n]
		}
		truth = "pilot"
		note = fmt.Sprintf("the task has no known answers: the right answers are those a pilot vote at k = %d on %s decided for the first %d steps (%d samples, $%.4f), so p is measured by agreement with it. "+
			"It is biased upward: a model's errors agree with the pilot's where they repeat across samples (most of all on the pilot's own model), and a step the pilot decided wrong counts the right answers as errors; the first steps may also be easier or harder than the rest",
			c.pilotK, sim.ShortName(names[0]), len(pilot.probes), pilot.sum.Samples, pilot.sum.CostUSD)
	}
	steps := e.Task.Steps()
	if steps == 0 {
		steps = e.PlannedSteps
	}
	if steps == 0 {
		steps = total
	}
	if steps == 0 {
		steps = len(probes)
		note = strings.TrimPrefix(note+"; ", "; ") + fmt.Sprintf("the task's length is unknown: the plan is for the %d steps measured", steps)
	}
	reps := make([]*calibrate.Report, len(names))
	prices := make([]maker.Pricing, len(names))
	conc := f.concurrency
	if conc == 0 {
		conc = 8
	}
	for i, name := range names {
		f.model = name
		model, err := f.openModel(ctx, oracle)
		if err != nil {
			return err
		}
		rep, err := calibrate.Run(ctx, e.Task, model, probes, calibrate.Options{
			PerStep: c.perStep, Concurrency: conc, Temperature: f.temp, MaxTokens: f.maxTokens, MinChars: f.minChars, FollowUp: c.followUp,
		})
		if err != nil {
			return &exitError{Code: exitFailed, Err: fmt.Errorf("--model %s: %w", name, err)}
		}
		rep.Model, rep.Truth, rep.TruthNote = name, truth, note
		reps[i] = rep
		if pr, ok := model.(maker.Priced); ok {
			prices[i] = pr.Pricing()
		}
	}
	out := cmd.OutOrStdout()
	if len(reps) > 1 {
		tab := CompareModels(reps, prices, steps, f.target)
		if f.jsonOut || c.json {
			return WriteJSON(out, tab)
		}
		if note != "" {
			fmt.Fprintf(out, "truth: %s: %s\n", truth, note)
		}
		return tab.WriteText(out)
	}
	plans := CalibrationPlans(reps[0], steps, f.target)
	if f.jsonOut || c.json {
		return WriteJSON(out, struct {
			*calibrate.Report
			Plans map[string]any `json:"plans"`
		}{reps[0], plans})
	}
	return WriteCalibration(out, reps[0], plans)
}

// knownProbes are n steps drawn at random from the task's known solution,
// which the oracle's right answers walk from the initial state, and the
// number of steps it has. A task whose oracle cannot answer its first
// step has none (the pilot decides).
func knownProbes[S any](ctx context.Context, task maker.Task[S], oracle maker.Oracle, n int, seed uint64) ([]calibrate.Probe[S], int, error) {
	total := task.Steps()
	if total <= 0 {
		// Count the steps first: the draw needs them.
		var err error
		if total, err = walkKnown(ctx, task, oracle, nil); err != nil {
			return nil, 0, err
		}
	}
	total = min(total, maxWalk)
	if total == 0 {
		return nil, 0, nil
	}
	want := map[int]bool{}
	if n >= total {
		for i := range total {
			want[i] = true
		}
	} else {
		// Floyd's sample of n distinct steps.
		rng := rand.New(rand.NewPCG(seed, 0x63616c))
		for j := total - n; j < total; j++ {
			t := rng.IntN(j + 1)
			if want[t] {
				t = j
			}
			want[t] = true
		}
	}
	probes := make([]calibrate.Probe[S], 0, len(want))
	walked, err := walkKnown(ctx, task, oracle, func(step int, state S, prev string, right maker.Candidate[S]) bool {
		if want[step] {
			probes = append(probes, calibrate.Probe[S]{Step: step, State: state, Prev: prev, Right: right})
		}
		return len(probes) < len(want)
	})
	if err != nil {
		return nil, 0, err
	}
	if walked == 0 {
		return nil, 0, nil
	}
	return probes, total, nil
}

// walkKnown walks the known solution from the initial state, calling
// visit (when not nil) with each step until it returns false, and returns
// the steps walked. An oracle that does not know the task's prompts
// (maker.ErrNotMine) ends the walk where it is.
func walkKnown[S any](ctx context.Context, task maker.Task[S], oracle maker.Oracle, visit func(int, S, string, maker.Candidate[S]) bool) (int, error) {
	state, prev := task.Initial(), ""
	limit := task.Steps()
	step := 0
	for ; step < maxWalk && (limit <= 0 || step < limit) && !task.Done(state, step); step++ {
		if step%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return step, err
			}
		}
		ans, err := oracle.Answer(task.Prompt(state, prev, step))
		if errors.Is(err, maker.ErrNotMine) || (err != nil && step == 0) {
			return step, nil
		}
		if err != nil {
			return step, fmt.Errorf("calibrate: the known answer of step %d: %w", step+1, err)
		}
		right, err := task.Parse(ans.Right)
		if err != nil {
			return step, fmt.Errorf("calibrate: the known answer of step %d does not parse: %w", step+1, err)
		}
		if visit != nil && !visit(step, state, prev, right) {
			return step + 1, nil
		}
		state, prev = right.State, right.Action
	}
	return step, nil
}

// pilot decides the task's first steps by a vote at margin k on model,
// without a journal or a cache, and returns them as probes whose right
// answers are the decided ones.
func (e Execution[S]) pilot(ctx context.Context, model maker.Model, steps, k int) (*pilotRunOf[S], error) {
	f := e.flags
	cfg := f.config(k)
	cfg.MaxSteps = steps
	cfg.Speculate = 0
	cfg.DiscardActions = true
	before := e.Task.Initial()
	var probes []calibrate.Probe[S]
	cfg.Observers = []maker.Observer{maker.ObserverFunc(func(_ context.Context, rec *maker.StepRecord) error {
		after, ok := rec.State.(S)
		if !ok {
			return fmt.Errorf("pilot: step %d: state of type %T", rec.Step+1, rec.State)
		}
		probes = append(probes, calibrate.Probe[S]{Step: rec.Step, State: before, Prev: rec.Prev, Key: rec.Key,
			Right: maker.Candidate[S]{Action: rec.Action, State: after}})
		before = after
		return nil
	})}
	res, err := maker.Run(ctx, e.Task, model, cfg)
	if len(probes) == 0 {
		if err == nil {
			err = errors.New("no step")
		}
		return nil, &exitError{Code: exitFailed, Err: fmt.Errorf("pilot: %w", err)}
	}
	p := &pilotRunOf[S]{probes: probes}
	if res != nil {
		p.sum = res.Summary
	}
	return p, nil
}

// pilotRunOf is a pilot's decided steps as probes, and its summary.
type pilotRunOf[S any] struct {
	probes []calibrate.Probe[S]
	sum    maker.Summary
}

// hardPlan is the plan under the report's hard-step estimate, or why
// there is none.
func hardPlan(rep *calibrate.Report, steps int, target float64) any {
	pl, err := plan.Compute(rep.PlanInput(steps, target))
	if err != nil {
		return map[string]string{"error": err.Error()}
	}
	return pl
}
