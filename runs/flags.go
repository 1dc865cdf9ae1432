package runs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/local"
	"github.com/maker-go/maker/plan"
	"github.com/maker-go/maker/provider"
	"github.com/maker-go/maker/sim"
)

// Flags are the flags every command that runs a task shares.
type Flags struct {
	model       string
	k           string
	target      float64
	p           float64
	maxTokens   int
	minChars    int
	concurrency int
	maxSamples  int
	seed        uint64
	simError    float64
	simLatency  time.Duration
	temp0       float64
	temp        float64
	jsonOut     bool
	quiet       bool
	baseURL     string
	apiKeyEnv   string
	timeout     time.Duration
	batch       bool
	priceIn     float64
	priceOut    float64
	maxCost     float64
	maxSamplesT int64
	maxWall     time.Duration
	speculate   int
	report      string
	journal     journalFlags // --db, --no-journal, --keep-samples, --events (journaling.go)
	// pacer, when set, keeps --rpm and --tpm for a whole fleet (a
	// worker's runs); no flag sets it.
	pacer     maker.Pacer
	rpm       float64
	tpm       float64
	retries   int
	retryWait time.Duration
	// structured sends the task's answer schema to providers that can
	// constrain their answers to it; onNoConsensus is the policy for a
	// step without consensus (escalate.go).
	structured    bool
	onNoConsensus string
	// noCache votes every step, even one the journal's decision cache
	// holds (cache.go).
	noCache bool
	// approval makes each action wait for a person (approve.go).
	approval approvalFlags
}

// ModelFlags open the model: the simulator's or a provider's settings.
var ModelFlags = []string{"model", "seed", "sim-error", "sim-latency", "base-url", "api-key-env", "timeout", "rpm", "tpm", "retries", "retry-wait"}

// Register adds every run flag to fs.
func (f *Flags) Register(fs *pflag.FlagSet) { f.RegisterOnly(fs) }

// RegisterOnly adds to fs the run flags named, or all of them when none is
// named, so a command lists in its help only the flags it reads. The flags
// left out keep their defaults, so validate and config see the same values
// as when every flag is registered.
func (f *Flags) RegisterOnly(fs *pflag.FlagSet, names ...string) {
	all := pflag.NewFlagSet("run flags", pflag.ContinueOnError)
	f.registerAll(all)
	if len(names) == 0 {
		fs.AddFlagSet(all)
		return
	}
	for _, name := range names {
		fl := all.Lookup(name)
		if fl == nil {
			panic("maker: no run flag --" + name)
		}
		fs.AddFlag(fl)
	}
}

func (f *Flags) registerAll(fs *pflag.FlagSet) {
	d := sim.DefaultConfig()
	fs.StringVar(&f.model, "model", sim.Name, "model: sim (simulated), sim/NAME?error=0.01&... (a named simulated model), or provider/model, e.g. openai/gpt-4.1-mini; a,b or a=2,b=1 for an ensemble that draws each step's samples across them")
	fs.StringVar(&f.k, "k", "auto", "vote margin: a number; auto for k_min at --target; adaptive to start there and raise k when the run's votes say the target is at risk")
	fs.Float64Var(&f.target, "target", 0.95, "target probability that the whole task succeeds (for --k auto)")
	fs.Float64Var(&f.p, "p", 0, "per-step success rate of the model (for --k auto on a real model)")
	fs.IntVar(&f.maxTokens, "max-tokens", maker.DefaultMaxTokens, "output-token limit; longer or cut-off answers are red-flagged")
	fs.IntVar(&f.minChars, "min-chars", maker.DefaultMinChars, "shorter answers are red-flagged")
	fs.IntVar(&f.concurrency, "concurrency", 0, "most samples in flight (0: as many as the leader needs)")
	fs.IntVar(&f.maxSamples, "max-samples", maker.DefaultMaxSamples, "samples per step before it is an error (no consensus)")
	fs.Uint64Var(&f.seed, "seed", d.Seed, "seed of the simulated model, and of a local/ model's sampling")
	fs.Float64Var(&f.simError, "sim-error", d.ErrorRate, "per-sample error rate of the simulated model")
	fs.DurationVar(&f.simLatency, "sim-latency", 0, "median latency of a simulated sample")
	fs.Float64Var(&f.temp0, "first-temperature", maker.DefaultFirstTemperature, "temperature of a step's first sample")
	fs.Float64Var(&f.temp, "temperature", maker.DefaultTemperature, "temperature of the other samples")
	fs.BoolVar(&f.jsonOut, "json", false, "print the summary as one JSON object")
	fs.BoolVarP(&f.quiet, "quiet", "q", false, "no progress bar")
	fs.StringVar(&f.baseURL, "base-url", "", "override the provider's endpoint")
	fs.StringVar(&f.apiKeyEnv, "api-key-env", "", "environment variable that holds the API key")
	fs.DurationVar(&f.timeout, "timeout", 0, "per-request timeout, reading the answer included (0: the default, "+provider.DefaultTimeout.String()+")")
	fs.BoolVar(&f.batch, "batch", true, "draw a step's first votes in one request where the provider allows (n>1); while speculating, its opening votes go one request each, so the next step starts on the fastest, and only later votes are batched")
	fs.Float64Var(&f.priceIn, "price-in", 0, "input price in USD per million tokens (overrides the catalog)")
	fs.Float64Var(&f.priceOut, "price-out", 0, "output price in USD per million tokens (overrides the catalog)")
	fs.Float64Var(&f.maxCost, "max-cost", 0, "stop before spending more than this many USD")
	fs.Int64Var(&f.maxSamplesT, "max-samples-total", 0, "stop before making more model calls than this")
	fs.DurationVar(&f.maxWall, "max-wall", 0, "stop before running longer than this")
	f.speculate = maker.SpeculateAuto
	fs.Var((*speculateValue)(&f.speculate), "speculate", "vote up to this many steps ahead, each from the leading candidate of the step before: auto for a depth chosen from the planned p and the leader changes measured, so that at most 2% of samples are thrown away; 0 for off (never for tasks that execute actions)")
	fs.StringVar(&f.report, "report", "", "write an HTML report of the run to this file (self-contained, opens offline)")
	f.journal.register(fs)
	fs.Float64Var(&f.rpm, "rpm", 0, "most requests per minute to the provider (0: no limit)")
	fs.Float64Var(&f.tpm, "tpm", 0, "most tokens per minute to the provider, estimated before each request (0: no limit)")
	fs.IntVar(&f.retries, "retries", provider.DefaultMaxRetries, "most retries of one request on 429, 5xx, timeouts and dropped connections (0: none)")
	fs.DurationVar(&f.retryWait, "retry-wait", provider.DefaultRetryInitial, "first backoff wait between retries; it doubles each time, with jitter")
	fs.BoolVar(&f.structured, "structured", true, "send the task's answer schema to providers that can constrain their answers to it (structured outputs); the answers are still checked against it")
	fs.StringVar(&f.onNoConsensus, "on-no-consensus", "", "a step without consensus: error (stop the run; the default), escalate:MODEL (vote the step again on MODEL, e.g. escalate:openai/gpt-4.1) or ask (wait for a person to pick a candidate: maker approve RUN --pick N); default: the task file's on_no_consensus")
	f.approval.register(fs)
	fs.BoolVar(&f.noCache, "no-cache", false, "vote every step, even one the journal's decision cache decided before under the same settings (see maker cache)")
}

// simulated reports whether every model --model names is simulated.
func (f *Flags) simulated() bool {
	entries, err := f.models()
	if err != nil {
		return false
	}
	for _, e := range entries {
		if !sim.IsName(e.name) {
			return false
		}
	}
	return true
}

// seeded reports whether every model --model names draws its samples from
// --seed, the step and the sample index alone (the simulator and local/
// models), so that tallying them in launch order makes a run reproducible
// whatever the timing.
func (f *Flags) seeded() bool {
	entries, err := f.models()
	if err != nil {
		return false
	}
	for _, e := range entries {
		if !sim.IsName(e.name) && !strings.HasPrefix(e.name, local.Prefix+"/") {
			return false
		}
	}
	return true
}

// Upper bounds of the numeric flags: far above any useful value, low
// enough that a typo cannot exhaust memory before the run starts.
const (
	maxK           = 1000
	maxMaxSamples  = 100_000
	maxConcurrency = 10_000
	maxMaxTokens   = 1_000_000
	maxTemperature = 2  // the largest any provider accepts
	maxSpeculate   = 64 // deeper only wastes samples: a step rarely waits on more than a few
)

// validate checks the flags that need no model: every number in its range
// and no flag that the chosen model would ignore. Each error is one line
// naming the flag and its range.
func (f *Flags) validate() error {
	floats := []struct {
		name string
		v    float64
	}{
		{"target", f.target}, {"p", f.p}, {"sim-error", f.simError}, {"first-temperature", f.temp0}, {"temperature", f.temp},
		{"price-in", f.priceIn}, {"price-out", f.priceOut}, {"max-cost", f.maxCost}, {"rpm", f.rpm}, {"tpm", f.tpm},
	}
	for _, fl := range floats {
		if math.IsNaN(fl.v) || math.IsInf(fl.v, 0) {
			return usageErr("--%s must be a finite number, got %g", fl.name, fl.v)
		}
	}
	switch {
	case f.target <= 0 || f.target >= 1:
		return usageErr("--target must be between 0 and 1 (exclusive), got %g", f.target)
	case f.maxTokens < 1 || f.maxTokens > maxMaxTokens:
		return usageErr("--max-tokens must be between 1 and %d, got %d", maxMaxTokens, f.maxTokens)
	case f.minChars < 0:
		return usageErr("--min-chars must not be negative, got %d", f.minChars)
	case f.concurrency < 0 || f.concurrency > maxConcurrency:
		return usageErr("--concurrency must be between 0 and %d, got %d", maxConcurrency, f.concurrency)
	case f.maxSamples < 1 || f.maxSamples > maxMaxSamples:
		return usageErr("--max-samples must be between 1 and %d, got %d", maxMaxSamples, f.maxSamples)
	case f.simError < 0 || f.simError > 1:
		return usageErr("--sim-error must be between 0 and 1, got %g", f.simError)
	case f.simLatency < 0:
		return usageErr("--sim-latency must not be negative, got %v", f.simLatency)
	case f.temp0 < 0 || f.temp0 > maxTemperature:
		return usageErr("--first-temperature must be between 0 and %d, got %g", maxTemperature, f.temp0)
	case f.temp < 0 || f.temp > maxTemperature:
		return usageErr("--temperature must be between 0 and %d, got %g", maxTemperature, f.temp)
	case f.p < 0 || f.p > 1:
		return usageErr("--p must be between 0 and 1, got %g", f.p)
	case maker.CheckPrice(f.priceIn) != nil:
		return usageErr("--price-in: %v", maker.CheckPrice(f.priceIn))
	case maker.CheckPrice(f.priceOut) != nil:
		return usageErr("--price-out: %v", maker.CheckPrice(f.priceOut))
	case f.maxCost < 0:
		return usageErr("--max-cost must not be negative (0: no limit), got %g", f.maxCost)
	case f.maxSamplesT < 0:
		return usageErr("--max-samples-total must not be negative (0: no limit), got %d", f.maxSamplesT)
	case f.maxWall < 0:
		return usageErr("--max-wall must not be negative (0: no limit), got %v", f.maxWall)
	case f.speculate < maker.SpeculateAuto || f.speculate > maxSpeculate:
		return usageErr("--speculate must be auto or a depth from 0 to %d, got %d", maxSpeculate, f.speculate)
	case f.rpm < 0 || f.tpm < 0 || f.retries < 0 || f.retryWait < 0 || f.timeout < 0:
		return usageErr("--rpm, --tpm, --retries, --retry-wait and --timeout must not be negative")
	case f.checkOnNoConsensus() != nil:
		return f.checkOnNoConsensus()
	case f.approval.check() != nil:
		return f.approval.check()
	case f.simulated() && f.baseURL != "":
		return usageErr("--base-url sets a provider's endpoint: it does not apply to --model %s", f.model)
	}
	return nil
}

// openOne opens one model: the simulator (answering from oracle) or a
// provider's.
func (f *Flags) openOne(ctx context.Context, name string, oracle maker.Oracle) (maker.Model, error) {
	if sim.IsName(name) {
		cfg, err := f.simConfig(name)
		if err != nil {
			return nil, err
		}
		m, err := sim.New(oracle, cfg)
		if err != nil {
			return nil, usageErr("%v", err)
		}
		return m, nil
	}
	spec := maker.ModelSpec{Name: name, BaseURL: f.baseURL, APIKeyEnv: f.apiKeyEnv, Timeout: f.timeout,
		Transport: maker.Transport{Retries: f.retries, RetryWait: f.retryWait, RPM: f.rpm, TPM: f.tpm, Pacer: f.pacer}}
	if strings.HasPrefix(name, local.Prefix+"/") {
		// A local model samples in this process: --seed seeds it, as it
		// seeds the simulator, so that a run is reproducible.
		spec.Options = map[string]string{"seed": strconv.FormatUint(f.seed, 10)}
	}
	m, err := maker.OpenModel(ctx, spec)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	return m, nil
}

// errorRate is the per-sample error rate --k auto plans for.
func (f *Flags) errorRate(cmd session) (float64, error) {
	if f.simulated() && !cmd.Flags().Changed("p") {
		return f.simErrorRate()
	}
	if f.p == 0 {
		return 0, usageErr("--k auto needs --p, the model's measured per-step success rate (see maker calibrate), or give --k")
	}
	return 1 - f.p, nil
}

// plannedP is the per-step success rate the run is planned for: the
// simulator's own, or --p; 0 when neither is known.
func (f *Flags) plannedP(cmd session) float64 {
	if e, err := f.errorRate(cmd); err == nil {
		return 1 - e
	}
	return 0
}

// plannedSuccess is plannedP for the engine, which has no command: --p,
// or the simulator's own rate; 0 when neither is known.
func (f *Flags) plannedSuccess() float64 {
	if f.p > 0 {
		return f.p
	}
	if f.simulated() {
		if e, err := f.simErrorRate(); err == nil {
			return 1 - e
		}
	}
	return 0
}

// speculateValue is --speculate: "auto" (maker.SpeculateAuto) or a depth.
type speculateValue int

func (v *speculateValue) String() string {
	if int(*v) == maker.SpeculateAuto {
		return "auto"
	}
	return strconv.Itoa(int(*v))
}

func (v *speculateValue) Set(s string) error {
	if s == "auto" {
		*v = speculateValue(maker.SpeculateAuto)
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > maxSpeculate {
		return fmt.Errorf("want auto or a depth from 0 to %d", maxSpeculate)
	}
	*v = speculateValue(n)
	return nil
}

func (v *speculateValue) Type() string { return "auto|depth" }

// resolveK turns --k into a number, planning k_min for auto.
func (f *Flags) resolveK(cmd session, steps int) (k int, note string, err error) {
	if f.k != "auto" && f.k != "adaptive" {
		k, err := strconv.Atoi(f.k)
		if err != nil || k < 1 {
			return 0, "", usageErr("--k must be a positive number, auto or adaptive, got %q", f.k)
		}
		if err := f.checkK(k); err != nil {
			return 0, "", err
		}
		return k, "", nil
	}
	if steps <= 0 {
		return 0, "", usageErr("--k %s needs a task with a known number of steps; give --k", f.k)
	}
	e, err := f.errorRate(cmd)
	if err != nil {
		return 0, "", err
	}
	k, err = plan.KMin(1-e, steps, f.target, 1)
	if err != nil {
		return 0, "", usageErr("--k auto: %v", err)
	}
	if err := f.checkK(k); err != nil {
		return 0, "", fmt.Errorf("--k %s planned k = %d: %w", f.k, k, err)
	}
	return k, fmt.Sprintf("%s: k_min for p=%.4g, %d steps, target %g", f.k, 1-e, steps, f.target), nil
}

// checkK rejects a k no step could reach: a step is decided only when one
// answer is k votes ahead, which takes at least k samples.
func (f *Flags) checkK(k int) error {
	if k > min(maxK, f.maxSamples) {
		return usageErr("--k must be between 1 and %d (and at most --max-samples, %d), got %d", maxK, f.maxSamples, k)
	}
	return nil
}

// config builds the engine configuration.
func (f *Flags) config(k int) maker.Config {
	cfg := maker.Config{
		K:            k,
		Temperatures: &maker.Temperatures{First: f.temp0, Rest: f.temp},
		MaxTokens:    f.maxTokens,
		MinChars:     f.minChars,
		Concurrency:  f.concurrency,
		MaxSamples:   f.maxSamples,
		Batch:        f.batch,
		Ordered:      f.seeded(),
		Speculate:    f.speculate,
		PlannedP:     f.plannedSuccess(),
		ModelName:    f.model,
		Budget:       maker.Budget{MaxCost: f.maxCost, MaxSamplesTotal: f.maxSamplesT, MaxWall: f.maxWall},
		NoStructured: !f.structured,
	}
	if f.priceIn > 0 || f.priceOut > 0 {
		cfg.Pricing = maker.Pricing{InPerMTok: f.priceIn, OutPerMTok: f.priceOut}
	}
	return cfg
}

// PrintSummary prints the summary for people or, with jsonOut, as one JSON
// object with the extra fields merged in.
func PrintSummary(w io.Writer, jsonOut bool, sum *maker.Summary, extra map[string]any) error {
	if jsonOut {
		b, err := json.Marshal(sum)
		if err != nil {
			return err
		}
		if len(extra) > 0 {
			var m map[string]any
			if err := json.Unmarshal(b, &m); err != nil {
				return err
			}
			for k, v := range extra {
				m[k] = v
			}
			if b, err = json.Marshal(m); err != nil {
				return err
			}
		}
		fmt.Fprintln(w, string(b))
		return nil
	}
	return sum.WriteText(w)
}

// outcome maps a run's end to an exit code: 3 for a budget stop, 130 for
// an interruption, the code runErr carries, or 1 for any other failure.
func outcome(sum *maker.Summary, runErr error) error {
	var ee *exitError
	switch {
	case errors.As(runErr, &ee):
		return runErr
	case errors.Is(runErr, maker.ErrBudget):
		return &exitError{Code: exitBudget, Err: runErr}
	case errors.Is(runErr, context.Canceled):
		return &exitError{Code: exitInterrupted, Err: runErr}
	case runErr != nil:
		return &exitError{Code: exitFailed, Err: runErr}
	case !sum.Success:
		return &exitError{Code: exitFailed, Err: fmt.Errorf("the task failed: %d wrong %s", sum.WrongSteps, plural(sum.WrongSteps, "step", "steps"))}
	}
	return nil
}

// Validate checks the flags that need no model: every number in its range
// and no flag that the chosen model would ignore. Each error is one line
// naming the flag and its range, and is a usage error.
func (f *Flags) Validate() error { return f.validate() }

// Simulated reports whether every model --model names is simulated.
func (f *Flags) Simulated() bool { return f.simulated() }

// JSON reports whether the summary is printed as one JSON object (--json).
func (f *Flags) JSON() bool { return f.jsonOut }

// K is --k as given: a number, auto or adaptive.
func (f *Flags) K() string { return f.k }

// Seed is --seed: the simulated model's, and a generated puzzle's.
func (f *Flags) Seed() uint64 { return f.seed }

// Target is --target: the probability the whole task is to succeed.
func (f *Flags) Target() float64 { return f.target }

// SetModel sets --model.
func (f *Flags) SetModel(name string) { f.model = name }
