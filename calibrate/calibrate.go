// Package calibrate measures a model on a task before a run: it samples
// single answers on steps whose right answer is known, without voting, and
// reports the per-step error rate with a 95% Wilson interval, the red-flag
// rate, token counts, errors by answer length and collisions, then plans the
// full task at the measured rate. This is the paper's method: measure p on a
// sample of steps, compute k_min and the cost, then run.
package calibrate

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"golang.org/x/sync/errgroup"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/plan"
)

// Probe is one step with a known right answer.
type Probe[S any] struct {
	Step  int
	State S
	Prev  string
	Right maker.Candidate[S]
	// Key, when set, is the right answer's vote key, in place of
	// Task.Key(Right): a pilot knows the key its vote decided, where the
	// candidate's state may be the world's (a task that executes).
	Key string
}

// Options control a calibration.
type Options struct {
	// PerStep is the number of independent samples drawn on each probe
	// (default 2: two are needed to see collisions).
	PerStep int
	// Concurrency caps the samples in flight (default 8).
	Concurrency int
	// Temperature of every sample (default 0.1: independent draws).
	Temperature float64
	// MaxTokens is asked of the model and is the red-flag length limit
	// (default 750). The paper calibrated with a generous 2048 and no red
	// flags; both views are reported here.
	MaxTokens int
	// MinChars and RefusalPatterns as in maker.Config.
	MinChars        int
	RefusalPatterns []string
	// FollowUp draws this many more samples on every step where two valid
	// samples were wrong, to measure the hard steps' p from samples their
	// selection did not see (0: none). Each adds to Samples and the cost,
	// not to the error rates, which stay those of steps drawn at random.
	FollowUp int
}

// Bucket is the error rate among answers of one length range.
type Bucket struct {
	MinTokens int     `json:"min_tokens"`
	MaxTokens int     `json:"max_tokens"` // exclusive; 0 for no bound
	Answers   int     `json:"answers"`    // answers that parse
	Errors    int     `json:"errors"`
	Rate      float64 `json:"error_rate"`
}

// Interval is an estimate with its 95% Wilson interval. With nothing to
// judge (N = 0) the interval is the whole of [0, 1] and the estimate its
// worst end, 1: a model none of whose answers could be judged has shown no
// right one, and is not planned for as if it had made no error.
type Interval struct {
	Value float64 `json:"value"`
	Lo    float64 `json:"lo"`
	Hi    float64 `json:"hi"`
	N     int     `json:"n"`
}

// Report is what a calibration measured.
type Report struct {
	Task      string `json:"task"`
	Model     string `json:"model"`
	Simulated bool   `json:"simulated"`
	Steps     int    `json:"steps"`   // probes
	Samples   int    `json:"samples"` // model calls
	// ErrorRate is the share of samples that are not the right answer, for
	// any reason: 1-p for a single unvoted sample.
	ErrorRate Interval `json:"error_rate"`
	// VoteErrorRate is the share of valid (unflagged) answers that are wrong:
	// what voting has to beat, with red-flagging on.
	VoteErrorRate Interval `json:"vote_error_rate"`
	// NoFlagErrorRate is the share of parseable answers that are wrong when
	// only the parser is applied (no length, truncation, shortness or
	// refusal flags): what voting would face without red-flagging.
	NoFlagErrorRate Interval `json:"no_flag_error_rate"`
	// V is the share of samples that pass every red flag.
	V       float64            `json:"v"`
	Flagged map[maker.Flag]int `json:"flagged"`
	// Mean token counts per sample.
	MeanInputTokens  float64  `json:"mean_input_tokens"`
	MeanOutputTokens float64  `json:"mean_output_tokens"`
	ByLength         []Bucket `json:"error_by_length"`
	// Collisions are probes where two independent samples were both wrong
	// (a sign of correlated errors), with the number expected if errors
	// were independent at the measured rate.
	Collisions         int     `json:"collisions"`
	CollisionSteps     []int   `json:"collision_steps"` // 1-based
	ExpectedCollisions float64 `json:"expected_collisions"`
	CostUSD            float64 `json:"cost_usd"`
	// LatencyP90Seconds is the 90th percentile of the samples' latency: a
	// round of parallel calls waits for its slowest, so plans use a high
	// percentile rather than the mean.
	LatencyP90Seconds float64 `json:"latency_p90_seconds"`
	// Hard is how p varies across steps (hard.go): the share of hard
	// steps and their p, from the several samples drawn on each step.
	Hard Hard `json:"hard_steps"`
	// Truth says where the right answers came from: "known" (the task's
	// oracle or expected answers) or "pilot" (decided by a vote at a high
	// k, see Pilot), and TruthNote what that means for p.
	Truth     string `json:"truth,omitempty"`
	TruthNote string `json:"truth_note,omitempty"`
	// FollowUpSamples are the samples of Options.FollowUp, in Samples.
	FollowUpSamples int `json:"follow_up_samples,omitempty"`
}

// buckets are the length ranges of the error-by-length table.
var buckets = [][2]int{{0, 250}, {250, 500}, {500, 700}, {700, 750}, {750, 1000}, {1000, 0}}

// MaxSamples bounds the model calls of one calibration, probes times
// PerStep: enough to measure an error rate of 0.2% to within 0.03%, and
// small enough that the answers kept for the report fit in memory.
const MaxSamples = 100_000

// Run samples every probe PerStep times and measures the model. It stops
// starting samples as soon as ctx ends, and then returns its error.
func Run[S any](ctx context.Context, task maker.Task[S], model maker.Model, probes []Probe[S], opt Options) (*Report, error) {
	if len(probes) == 0 {
		return nil, errors.New("calibrate: no steps to sample")
	}
	if opt.PerStep == 0 {
		opt.PerStep = 2
	}
	if opt.Concurrency == 0 {
		opt.Concurrency = 8
	}
	if opt.Temperature == 0 {
		opt.Temperature = maker.DefaultTemperature
	}
	if opt.PerStep < 1 || opt.Concurrency < 1 || opt.Temperature < 0 {
		return nil, fmt.Errorf("calibrate: samples per step, concurrency and temperature must be positive")
	}
	if opt.PerStep > MaxSamples || len(probes) > MaxSamples/opt.PerStep {
		return nil, fmt.Errorf("calibrate: %d steps of %d samples each: want at most %d samples in all", len(probes), opt.PerStep, MaxSamples)
	}
	flags, err := maker.NewRedFlags(opt.MaxTokens, opt.MinChars, opt.RefusalPatterns)
	if err != nil {
		return nil, err
	}
	pricing := maker.Pricing{}
	if p, ok := model.(maker.Priced); ok {
		pricing = p.Pricing()
	}

	type result struct {
		resp maker.Response
	}
	raw, err := draw(ctx, task, model, probes, 0, opt.PerStep, opt.Concurrency, opt.Temperature, flags.MaxTokens)
	if err != nil {
		return nil, err
	}
	results := make([][]result, len(probes))
	for i := range raw {
		results[i] = make([]result, len(raw[i]))
		for j, r := range raw[i] {
			results[i][j] = result{r}
		}
	}

	rep := &Report{Task: task.Name(), Simulated: maker.IsSimulated(model), Steps: len(probes), Flagged: map[maker.Flag]int{}}
	var notRight, valid, validWrong, parsed, parsedWrong int
	var inTok, outTok int64
	lat := make([]float64, 0, len(probes)*opt.PerStep)
	votes := make([]stepVotes, 0, len(probes))
	bk := make([]Bucket, len(buckets))
	for i, b := range buckets {
		bk[i] = Bucket{MinTokens: b[0], MaxTokens: b[1]}
	}
	for i, pr := range probes {
		rightKey := pr.Key
		if rightKey == "" {
			rightKey = task.Key(pr.Right)
		}
		wrongHere, validHere := 0, 0
		for _, r := range results[i] {
			rep.Samples++
			inTok += int64(r.resp.InputTokens)
			outTok += int64(r.resp.OutputTokens)
			lat = append(lat, r.resp.Latency.Seconds())
			rep.CostUSD += pricing.Cost(r.resp)
			flag := flags.Check(r.resp)
			cand, perr := task.Parse(r.resp.Text)
			right := perr == nil && task.Key(cand) == rightKey
			if perr == nil && flag == maker.FlagNone {
				flag, _ = maker.Validate(ctx, task, pr.State, cand)
			}
			if perr == nil {
				parsed++
				if !right {
					parsedWrong++
				}
				for bi := range bk {
					if r.resp.OutputTokens >= bk[bi].MinTokens && (bk[bi].MaxTokens == 0 || r.resp.OutputTokens < bk[bi].MaxTokens) {
						bk[bi].Answers++
						if !right {
							bk[bi].Errors++
						}
					}
				}
			} else if flag == maker.FlagNone {
				flag = maker.FlagMalformed
			}
			if flag != maker.FlagNone {
				rep.Flagged[flag]++
			} else {
				valid++
				validHere++
				if !right {
					validWrong++
				}
			}
			if !right {
				notRight++
				if perr == nil && flag == maker.FlagNone {
					wrongHere++
				}
			}
		}
		if wrongHere >= 2 {
			rep.Collisions++
			rep.CollisionSteps = append(rep.CollisionSteps, pr.Step+1)
		}
		votes = append(votes, stepVotes{valid: validHere, wrong: wrongHere})
	}
	rep.ErrorRate = interval(notRight, rep.Samples)
	rep.VoteErrorRate = interval(validWrong, valid)
	rep.NoFlagErrorRate = interval(parsedWrong, parsed)
	rep.V = float64(valid) / float64(rep.Samples)
	rep.MeanInputTokens = float64(inTok) / float64(rep.Samples)
	rep.MeanOutputTokens = float64(outTok) / float64(rep.Samples)
	for i := range bk {
		if bk[i].Answers > 0 {
			bk[i].Rate = float64(bk[i].Errors) / float64(bk[i].Answers)
		}
	}
	rep.ByLength = bk
	// Both of a probe's valid samples wrong, if errors were independent.
	q := rep.VoteErrorRate.Value
	pairs := 0.0
	if opt.PerStep >= 2 {
		pairs = float64(opt.PerStep*(opt.PerStep-1)/2) * float64(len(probes))
	}
	rep.ExpectedCollisions = pairs * q * q * rep.V * rep.V
	// The collision rate expected per probe is that of at least one pair
	// of its samples, which for rare errors is close to the pairs' sum.
	followQ := -1.0
	if opt.FollowUp > 0 {
		// A second look at the steps that erred twice: fresh samples,
		// which the first look's selection did not touch, measure the
		// hard steps' p.
		var hard []Probe[S]
		for i, v := range votes {
			if v.wrong >= 2 {
				hard = append(hard, probes[i])
			}
		}
		if len(hard) > 0 {
			more, err := draw(ctx, task, model, hard, opt.PerStep, opt.FollowUp, opt.Concurrency, opt.Temperature, flags.MaxTokens)
			if err != nil {
				return nil, err
			}
			var fv, fw int
			for i, pr := range hard {
				rightKey := pr.Key
				if rightKey == "" {
					rightKey = task.Key(pr.Right)
				}
				for _, r := range more[i] {
					rep.Samples++
					rep.FollowUpSamples++
					rep.CostUSD += pricing.Cost(r)
					if flags.Check(r) != maker.FlagNone {
						continue
					}
					cand, perr := task.Parse(r.Text)
					if perr != nil {
						continue
					}
					if f, _ := maker.Validate(ctx, task, pr.State, cand); f != maker.FlagNone {
						continue
					}
					fv++
					if task.Key(cand) != rightKey {
						fw++
					}
				}
			}
			if fv > 0 {
				followQ = float64(fw) / float64(fv)
			}
		}
	}
	rep.Hard = fitHard(votes, rep.Collisions, len(probes), rep.ExpectedCollisions, followQ)
	sort.Ints(rep.CollisionSteps)
	sort.Float64s(lat)
	rep.LatencyP90Seconds = lat[(len(lat)*9+9)/10-1] // nearest rank
	return rep, nil
}

// draw takes n samples, indices from..from+n-1, of every probe.
func draw[S any](ctx context.Context, task maker.Task[S], model maker.Model, probes []Probe[S], from, n, concurrency int, temp float64, maxTokens int) ([][]maker.Response, error) {
	out := make([][]maker.Response, len(probes))
	for i := range out {
		out[i] = make([]maker.Response, n)
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(concurrency)
launch:
	for i, pr := range probes {
		prompt := task.Prompt(pr.State, pr.Prev, pr.Step)
		for j := range n {
			if gctx.Err() != nil {
				break launch // stopped, or a sample failed
			}
			g.Go(func() error {
				if err := gctx.Err(); err != nil {
					return err // stopped while this sample waited for its turn
				}
				resp, err := model.Generate(gctx, maker.Request{Prompt: prompt, Temperature: temp, MaxTokens: maxTokens, Step: pr.Step, Sample: from + j})
				if err != nil {
					return fmt.Errorf("calibrate: step %d: %w", pr.Step+1, err)
				}
				out[i][j] = resp
				return nil
			})
		}
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("calibrate: %w", err)
	}
	return out, nil
}

func interval(errs, n int) Interval {
	if n == 0 {
		return Interval{Value: 1, Lo: 0, Hi: 1}
	}
	lo, hi, _ := plan.Wilson(errs, n, plan.Z95)
	return Interval{Value: float64(errs) / float64(n), Lo: lo, Hi: hi, N: n}
}
