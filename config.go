package maker

import (
	"fmt"
	"log/slog"
	"time"
)

// Engine defaults.
const (
	DefaultK                = 3
	DefaultFirstTemperature = 0.0
	DefaultTemperature      = 0.1
	DefaultMaxSamples       = 100
)

// SpeculateAuto as [Config.Speculate] lets the engine choose the depth.
const SpeculateAuto = -1

// Temperatures are the sampling temperatures of a step: the first sample at
// First, so the model's best guess is always among the votes, and every other
// at Rest, so the votes are independent draws.
type Temperatures struct {
	First float64
	Rest  float64
}

// Config controls a run. The zero value is usable: every zero field takes
// the default named in its comment.
type Config struct {
	// K is the vote margin (default 3). A KPolicy, when set, overrides it.
	K       int
	KPolicy KPolicy
	// Temperatures default to 0 for the first sample and 0.1 after.
	Temperatures *Temperatures
	// MaxTokens is the output-token limit asked of the model and the
	// red-flag threshold (default 750).
	MaxTokens int
	// MinChars is the shortest valid answer (default 8 characters).
	MinChars int
	// RefusalPatterns are regular expressions that red-flag an answer; nil
	// takes DefaultRefusalPatterns, an empty slice none.
	RefusalPatterns []string
	// Concurrency caps the samples in flight (default: as many as the
	// leader needs, which is at most K).
	Concurrency int
	// Hedge launches up to this many samples beyond what the leader needs,
	// to cut the tail latency of slow providers (default 0, the paper's
	// policy). The extras are cancelled the moment a candidate wins.
	Hedge int
	// MaxSamples caps the samples of one step, flagged ones included
	// (default 100). Reaching it is a NoConsensusError.
	MaxSamples int
	// Batch draws the first votes of a step in one request when the model is
	// a BatchModel, so the prompt is billed once. While the engine votes
	// ahead, a step's opening votes go out one request each instead, so the
	// step after it starts on the fastest of them; only later votes are
	// batched.
	Batch bool
	// Ordered tallies samples in the order they were launched rather than
	// the order they arrive. With a model whose samples depend only on
	// (step, sample), such as the simulator, the run is then reproducible
	// whatever the timing; it costs a little head-of-line waiting.
	Ordered bool
	// Speculate is how many steps ahead of the step being voted the engine
	// may start voting, each from the leading candidate of the step before
	// (0, the default: none). SpeculateAuto chooses the depth as the run
	// goes, from PlannedP and the leader changes the run measures, so that
	// the expected waste stays within MaxSpeculationWaste of the samples
	// (see [SpeculationDepth]). A step is still decided only by its own vote
	// on a prompt built from its decided predecessor; speculation trades a
	// few thrown-away samples for wall time. Tasks with an Executor never
	// speculate: an action carried out cannot be taken back. See
	// docs/concepts.md, "Speculation". A KPolicy chooses a step's k when
	// its vote starts, which with speculation may be before the steps just
	// above it were observed.
	Speculate int
	// PlannedP is the per-sample success rate the run was planned for (0:
	// unknown). SpeculateAuto starts from its leader-change rate, 1-PlannedP.
	PlannedP float64
	// Pricing overrides the model's own prices (see Priced).
	Pricing Pricing
	// Budget stops the run before a limit is crossed.
	Budget Budget
	// MaxSteps stops a run after this many steps (default: the task's
	// Steps, or no limit when that is unknown).
	MaxSteps int
	// Until, when set, ends the run on time at a step boundary: once it has
	// passed, no step starts voting, the steps already voting (with
	// Speculate, those ahead of the head too) are decided and observed in
	// order, and the run stops with StopReason [StopUntil]. A fleet's
	// chunk of a run ends so, throwing away no step it has voted on.
	Until time.Time
	// DiscardActions leaves [Result.Actions] empty, so that a run of
	// millions of steps holds none of them in memory (observers and the
	// journal still see every step).
	DiscardActions bool
	// Observers see every decided step, in order, before the next is
	// decided (with Speculate, the next ones may already be voting).
	Observers []Observer
	// ModelName is reported in the summary.
	ModelName string
	// NoStructured leaves the task's answer schema off the requests, so no
	// provider constrains its output to it (see [Structured]); structured
	// outputs are on by default.
	NoStructured bool
	// Escalate, when set, votes a step that reaches MaxSamples without a
	// candidate ahead by k again on a stronger model instead of stopping
	// the run (see [Escalation]); nil keeps the default, a
	// [NoConsensusError].
	Escalate *Escalation
	// Approval, when set, asks a person before each action of a task
	// with an Executor, or about a step without consensus (see
	// [Approval]); nil asks nobody.
	Approval *Approval
	// Cache, when set, decides a step whose vote an earlier run in the same
	// scope decided without a model call (see [DecisionCache]). CacheScope
	// must name everything besides the engine settings and the prompt that
	// can change a vote: the task kind and its version, the models and
	// their settings (a simulator's error rate and seed, a provider's
	// endpoint). CacheOrigin is this run's id, which the cache marks with
	// the scope so that later runs find its journaled steps.
	Cache       DecisionCache
	CacheScope  string
	CacheOrigin string
	// Logger receives progress and policy messages (default: discarded).
	Logger *slog.Logger
}

// Budget limits a run. Zero fields are no limit. The limits are the whole
// run's, over every session: a resumed run is given what its earlier
// sessions spent (Spent, from its journal), and stops at once when that
// reaches a limit already. The cost limit counts the samples in flight at
// the dearest cost seen, so the cost stays under it; a sample answered
// dearer than any before may overshoot it by the difference.
type Budget struct {
	MaxCost         float64       // US dollars
	MaxSamplesTotal int64         // model calls
	MaxWall         time.Duration // wall time over the run's sessions
	// Spent is what the run spent before this session.
	Spent Spent
}

// KPolicy chooses the margin of each step, for example raising it when the
// observed error rate says the target is at risk.
type KPolicy interface {
	// K returns the margin for step (0-based).
	K(step int) int
	// Observe is called with every decided step.
	Observe(rec *StepRecord)
}

func (c Config) withDefaults() (Config, error) {
	if c.K < 0 {
		return c, fmt.Errorf("config: k must be at least 1, got %d", c.K)
	}
	if c.K == 0 {
		c.K = DefaultK
	}
	if c.Temperatures == nil {
		c.Temperatures = &Temperatures{First: DefaultFirstTemperature, Rest: DefaultTemperature}
	}
	if t := c.Temperatures; t.First < 0 || t.Rest < 0 {
		return c, fmt.Errorf("config: temperatures must not be negative (%g, %g)", t.First, t.Rest)
	}
	if c.Concurrency < 0 {
		return c, fmt.Errorf("config: concurrency must not be negative, got %d", c.Concurrency)
	}
	if c.Hedge < 0 {
		return c, fmt.Errorf("config: hedge must not be negative, got %d", c.Hedge)
	}
	if c.Speculate < SpeculateAuto {
		return c, fmt.Errorf("config: speculate must be a depth of 0 or more, or SpeculateAuto (-1), got %d", c.Speculate)
	}
	if !(c.PlannedP >= 0 && c.PlannedP <= 1) {
		return c, fmt.Errorf("config: planned p must be between 0 and 1, got %g", c.PlannedP)
	}
	if c.MaxSamples < 0 {
		return c, fmt.Errorf("config: max samples must not be negative, got %d", c.MaxSamples)
	}
	if c.MaxSamples == 0 {
		c.MaxSamples = DefaultMaxSamples
	}
	if c.MaxSteps < 0 {
		return c, fmt.Errorf("config: max steps must not be negative, got %d", c.MaxSteps)
	}
	if sp := c.Budget.Spent; sp.CostUSD < 0 || sp.Samples < 0 || sp.Wall < 0 {
		return c, fmt.Errorf("config: what a run spent before must not be negative, got %+v", sp)
	}
	if c.Budget.MaxCost < 0 || c.Budget.MaxSamplesTotal < 0 || c.Budget.MaxWall < 0 {
		return c, fmt.Errorf("config: budget limits must not be negative")
	}
	if err := c.Escalate.check(); err != nil {
		return c, err
	}
	if err := c.Approval.check(); err != nil {
		return c, err
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c, nil
}
