// Package sim is the simulated model: a [maker.Model] that answers in the
// task's own format from the task's [maker.Oracle], with an error model
// shaped like a real one. It lets everything run offline, and it is what the
// tests use. Nothing it produces came from an LLM, and every summary of a
// run on it says so.
//
// Its randomness depends only on the seed, the step and the sample index,
// never on timing, so a run with [maker.Config.Ordered] set is reproducible.
package sim

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/maker-go/maker"
)

// Name is the model name that selects the simulator.
const Name = "sim"

// Config is the simulator's error model. Start from [DefaultConfig]: zero
// is a meaningful value for every rate.
type Config struct {
	// Seed makes the run reproducible.
	Seed uint64
	// ErrorRate is the chance that one sample of an ordinary step is wrong
	// (default 0.0022, the paper's gpt-4.1-mini at temperature 0.1).
	ErrorRate float64
	// FlagShare is the part of the errors that red-flagging should catch:
	// half malformed answers, half over-long ramblings (default 0.3).
	FlagShare float64
	// HardFraction of the steps are hard: their error rate is HardErrorRate
	// and every plausible wrong answer there is the same one, so errors are
	// correlated (defaults 0.0001 and 0.05).
	HardFraction  float64
	HardErrorRate float64
	// OutTokens and OutTokensSD shape the output-token counts of normal
	// answers (defaults 540 and 60, near the paper's 538). Input tokens are
	// the prompt's length over four.
	OutTokens   int
	OutTokensSD int
	// Latency is the median time a sample takes (default 0: instant), and
	// LatencySpread the sigma of its log-normal spread (default 0.3).
	Latency       time.Duration
	LatencySpread float64
	// Pricing is what the simulated tokens are priced at (default
	// gpt-4.1-mini's $0.40 in, $0.10 cached, $1.60 out per million tokens),
	// so that cost figures mean something.
	Pricing maker.Pricing
	// Name tells simulated models apart (see [ParseName]). A named model
	// draws its samples from its own stream, seeded by Seed and the name,
	// so two models with one seed err independently; the unnamed model
	// keeps the stream it always had.
	Name string
	// PrivateHard makes a named model's hard steps its own: which steps
	// are hard, and the one wrong answer it repeats there, follow from its
	// name. Otherwise hard steps are shared: every model with the same
	// seed finds the same steps hard and gives the same wrong answer on
	// them, so their errors are correlated and voting across them does not
	// undo those errors.
	PrivateHard bool
	// Spellings is the chance that a right answer is written in another
	// spelling that means the same (JSON key order and layout, 1.50 for
	// 1.5; see spell.go), as real models do; 0 (the default) writes every
	// right answer as the oracle does.
	Spellings float64
	// BadJSON is the chance that a right answer that is a JSON object is
	// written as broken JSON, which red-flagging must discard (default 0).
	BadJSON float64
}

// DefaultConfig is the simulator as `maker` runs it by default.
func DefaultConfig() Config {
	return Config{
		Seed:          1,
		ErrorRate:     0.0022,
		FlagShare:     0.3,
		HardFraction:  0.0001,
		HardErrorRate: 0.05,
		OutTokens:     540,
		OutTokensSD:   60,
		LatencySpread: 0.3,
		Pricing:       maker.Pricing{InPerMTok: 0.40, CachedInPerMTok: 0.10, OutPerMTok: 1.60},
	}
}

// Validate reports the first rate or size out of range.
func (c Config) Validate() error {
	rates := []struct {
		name string
		v    float64
	}{{"error rate", c.ErrorRate}, {"flag share", c.FlagShare}, {"hard fraction", c.HardFraction}, {"hard error rate", c.HardErrorRate}, {"spellings", c.Spellings}, {"bad JSON rate", c.BadJSON}}
	for _, r := range rates {
		if math.IsNaN(r.v) || r.v < 0 || r.v > 1 {
			return fmt.Errorf("sim: %s must be between 0 and 1, got %g", r.name, r.v)
		}
	}
	if c.OutTokens < 1 || c.OutTokensSD < 0 {
		return fmt.Errorf("sim: output tokens must be positive (mean %d, sd %d)", c.OutTokens, c.OutTokensSD)
	}
	if c.PrivateHard && c.Name == "" {
		return errors.New("sim: private hard steps need a named model (sim/NAME)")
	}
	if c.Latency < 0 || c.LatencySpread < 0 {
		return fmt.Errorf("sim: latency must not be negative")
	}
	return nil
}

// Model is the simulated model for one task's oracle.
type Model struct {
	cfg    Config
	oracle maker.Oracle
	recent answerCache
	// stream is the hash of the name that a named model mixes into its
	// randomness (0 for the unnamed model).
	stream uint64
}

var (
	_ maker.Model     = (*Model)(nil)
	_ maker.Priced    = (*Model)(nil)
	_ maker.Simulated = (*Model)(nil)
)

// New returns a simulated model that answers from oracle.
func New(oracle maker.Oracle, cfg Config) (*Model, error) {
	if oracle == nil {
		return nil, errors.New("sim: an oracle is required")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	m := &Model{cfg: cfg, oracle: oracle}
	if cfg.Name != "" {
		m.stream = nameHash(cfg.Name)
	}
	return m, nil
}

// nameHash is FNV-1a over the name, never 0.
func nameHash(name string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(name); i++ {
		h ^= uint64(name[i])
		h *= 1099511628211
	}
	return h | 1
}

// Config returns the model's error model.
func (m *Model) Config() Config { return m.cfg }

// Simulated implements [maker.Simulated].
func (m *Model) Simulated() bool { return true }

// Pricing implements [maker.Priced].
func (m *Model) Pricing() maker.Pricing { return m.cfg.Pricing }

// Hard reports whether step is one of the simulator's hard steps.
func (m *Model) Hard(step int) bool {
	if m.cfg.PrivateHard {
		return unit(mix(m.cfg.Seed, m.stream, 0x9e3779b97f4a7c15, uint64(step))) < m.cfg.HardFraction
	}
	return unit(mix(m.cfg.Seed, 0x9e3779b97f4a7c15, uint64(step))) < m.cfg.HardFraction
}

// hardWrong is the index of the wrong answer the model repeats on its hard
// steps: the first for shared hard steps, one chosen by the name for
// private ones.
func (m *Model) hardWrong(n int) int {
	if !m.cfg.PrivateHard || n == 0 {
		return 0
	}
	return int(m.stream % uint64(n))
}

// Outcome is how one simulated sample turned out.
type Outcome int

// The outcomes of a sample.
const (
	Right     Outcome = iota // the oracle's right answer
	Wrong                    // a plausible wrong answer in the right format
	Malformed                // breaks the format: red-flagging discards it
	Rambling                 // over-long: red-flagging discards it
)

// Generate implements [maker.Model]. The temperature is ignored: every
// sample, the first included, follows the same error model.
func (m *Model) Generate(ctx context.Context, req maker.Request) (maker.Response, error) {
	if err := ctx.Err(); err != nil {
		return maker.Response{}, err
	}
	seed := mix(m.cfg.Seed, uint64(req.Step))
	if m.stream != 0 {
		seed = mix(m.cfg.Seed, m.stream, uint64(req.Step))
	}
	rng := rand.New(rand.NewPCG(seed, uint64(req.Sample)))
	var latency time.Duration
	if m.cfg.Latency > 0 {
		latency = time.Duration(float64(m.cfg.Latency) * math.Exp(m.cfg.LatencySpread*rng.NormFloat64()))
		t := time.NewTimer(latency)
		select {
		case <-ctx.Done():
			t.Stop()
			return maker.Response{}, ctx.Err()
		case <-t.C:
		}
	}
	resp := m.answer(req, rng)
	resp.Latency = latency
	resp.InputTokens = req.EstimateTokens()
	return resp, nil
}

// answer draws the sample's outcome and writes its text.
func (m *Model) answer(req maker.Request, rng *rand.Rand) maker.Response {
	maxTok := req.MaxTokens
	if maxTok <= 0 {
		maxTok = maker.DefaultMaxTokens
	}
	normal := func() int {
		n := int(math.Round(float64(m.cfg.OutTokens) + float64(m.cfg.OutTokensSD)*rng.NormFloat64()))
		return max(20, min(n, maxTok-1))
	}
	// The wrong answers are asked for only when the sample is drawn
	// wrong: an oracle that writes its right answer alone then writes
	// them for few steps.
	right, err := m.recent.right(m.oracle, req)
	if err != nil {
		// A state the oracle cannot continue from confuses the model too.
		return maker.Response{Text: "I am not sure which move follows from this state; the position looks inconsistent.", OutputTokens: normal(), Finish: maker.FinishStop}
	}
	hard := m.Hard(req.Step)
	rate := m.cfg.ErrorRate
	if hard {
		rate = m.cfg.HardErrorRate
	}
	switch outcome(rng, rate, m.cfg.FlagShare) {
	case Wrong:
		ans, err := m.recent.answer(m.oracle, req)
		if err != nil {
			// The right answer was written: the oracle cannot fail now.
			return maker.Response{Text: right, OutputTokens: normal(), Finish: maker.FinishStop}
		}
		text := ans.Right
		if len(ans.Wrong) > 0 {
			text = ans.Wrong[m.hardWrong(len(ans.Wrong))]
			if !hard {
				text = ans.Wrong[rng.IntN(len(ans.Wrong))]
			}
		}
		return maker.Response{Text: text, OutputTokens: normal(), Finish: maker.FinishStop}
	case Malformed:
		return maker.Response{Text: malform(right, rng), OutputTokens: normal(), Finish: maker.FinishStop}
	case Rambling:
		n := maxTok + 1 + rng.IntN(maxTok)
		finish := maker.FinishStop
		if rng.IntN(2) == 0 {
			n, finish = maxTok, maker.FinishLength
		}
		return maker.Response{Text: ramble(right, rng), OutputTokens: n, Finish: finish}
	}
	return maker.Response{Text: m.spell(right, rng), OutputTokens: normal(), Finish: maker.FinishStop}
}

// spell writes a right answer as a real model might: in another spelling
// that means the same, or, for a JSON object, broken. Without Spellings
// and BadJSON it draws nothing, so seeded runs stay as they were.
func (m *Model) spell(right string, rng *rand.Rand) string {
	if m.cfg.BadJSON > 0 && strings.HasPrefix(strings.TrimSpace(right), "{") && rng.Float64() < m.cfg.BadJSON {
		return breakJSON(right, rng)
	}
	if m.cfg.Spellings > 0 && rng.Float64() < m.cfg.Spellings {
		return respell(right, rng)
	}
	return right
}

func outcome(rng *rand.Rand, rate, flagShare float64) Outcome {
	if rng.Float64() >= rate {
		return Right
	}
	if rng.Float64() >= flagShare {
		return Wrong
	}
	if rng.IntN(2) == 0 {
		return Malformed
	}
	return Rambling
}

// malform breaks the answer the way models do: a line dropped, a bracket
// lost, a word instead of a number. Whatever the task's format, the result
// differs from the right answer: when a way leaves the text unchanged, the
// answer is cut off mid-way instead.
func malform(right string, rng *rand.Rand) string {
	var out string
	switch rng.IntN(3) {
	case 0:
		if i := strings.LastIndexByte(strings.TrimRight(right, "\n"), '\n'); i > 0 {
			out = right[:i]
		}
	case 1:
		out = strings.ReplaceAll(right, "]", ")")
	default:
		out = strings.Replace(right, "= [", "= [one, ", 1)
	}
	if out == "" || out == right {
		out = right[:len(right)/2]
	}
	return out
}

// ramble talks in circles after the first line and never commits.
func ramble(right string, rng *rand.Rand) string {
	first, _, _ := strings.Cut(right, "\n")
	var b strings.Builder
	b.WriteString(first)
	for i := 0; i < 3+rng.IntN(4); i++ {
		b.WriteString("\nWait, let me reconsider the previous move and check the pegs again before deciding.")
	}
	return b.String()
}

// mix is splitmix64 over several words: a stable hash for seeding.
func mix(words ...uint64) uint64 {
	var h uint64 = 0x243f6a8885a308d3
	for _, w := range words {
		h ^= w
		h += 0x9e3779b97f4a7c15
		z := h
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		h = z ^ (z >> 31)
	}
	return h
}

func unit(h uint64) float64 { return float64(h>>11) / (1 << 53) }

// answerCache keeps the oracle's answers to the last few prompts: every
// sample of a step asks the same prompt, and rendering the answers is most
// of what a simulated sample costs. Entries are keyed by the step and the
// prompt's text, which for every task's prompt determine the oracle's
// answer (the hint is rendered into the text). An entry of a
// [maker.RightOracle] may hold the right answer alone until a sample is
// drawn wrong.
type answerCache struct {
	mu      sync.Mutex
	entries [8]cachedAnswer
	next    int
}

type cachedAnswer struct {
	step         int
	system, user string
	ans          maker.Answer
	err          error
	set          bool
	full         bool // ans holds the wrong answers too
}

// right is the oracle's right answer to req.
func (c *answerCache) right(o maker.Oracle, req maker.Request) (string, error) {
	ans, err := c.get(o, req, false)
	return ans.Right, err
}

// answer is the oracle's every answer to req.
func (c *answerCache) answer(o maker.Oracle, req maker.Request) (maker.Answer, error) {
	return c.get(o, req, true)
}

func (c *answerCache) get(o maker.Oracle, req maker.Request, full bool) (maker.Answer, error) {
	// The lock is held while the oracle answers, so that the samples of a
	// step, launched together, wait for one answer instead of each making it.
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.find(req)
	if e != nil && (e.full || !full || e.err != nil) {
		return e.ans, e.err
	}
	if e == nil {
		e = &c.entries[c.next]
		c.next = (c.next + 1) % len(c.entries)
	}
	*e = cachedAnswer{step: req.Step, system: req.System, user: req.User, set: true, full: true}
	if ro, ok := o.(maker.RightOracle); ok && !full {
		e.ans.Right, e.err = ro.RightAnswer(req.Prompt)
		e.full = false
	} else {
		e.ans, e.err = o.Answer(req.Prompt)
	}
	return e.ans, e.err
}

func (c *answerCache) find(req maker.Request) *cachedAnswer {
	for i := range c.entries {
		e := &c.entries[i]
		if e.set && e.step == req.Step && e.user == req.User && e.system == req.System {
			return e
		}
	}
	return nil
}
