package maker_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/maker-go/maker"
)

// countTask is the smallest task: n steps, each answered "answer=X"; the right
// answer is always R. The state is the step count.
type countTask struct{ n int }

func (c countTask) Name() string              { return "count" }
func (c countTask) Initial() int              { return 0 }
func (c countTask) Steps() int                { return c.n }
func (c countTask) Done(_ int, step int) bool { return step >= c.n }
func (c countTask) Prompt(s int, prev string, step int) maker.Prompt {
	return maker.Prompt{System: "count", User: fmt.Sprintf("state %d prev %s", s, prev)}
}
func (c countTask) Parse(text string) (maker.Candidate[int], error) {
	a, ok := strings.CutPrefix(text, "answer=")
	if !ok || a == "" || strings.ContainsAny(a, " \n") {
		return maker.Candidate[int]{}, errors.New("malformed")
	}
	return maker.Candidate[int]{Action: a, State: 0}, nil
}
func (c countTask) Key(x maker.Candidate[int]) string { return x.Action }
func (c countTask) Check(_ int, _ int, d maker.Candidate[int]) error {
	if d.Action != "R" {
		return fmt.Errorf("decided %s", d.Action)
	}
	return nil
}

// script answers sample (step, i) with f's text.
func script(f func(step, i int) string) maker.Model {
	return maker.ModelFunc(func(ctx context.Context, r maker.Request) (maker.Response, error) {
		return maker.Response{Text: f(r.Step, r.Sample), OutputTokens: 10, InputTokens: 20, Finish: maker.FinishStop}, nil
	})
}

func TestRunCountsEverySample(t *testing.T) {
	// Sample 0 of every step is over-long, sample 1 malformed, the rest right.
	m := maker.ModelFunc(func(ctx context.Context, r maker.Request) (maker.Response, error) {
		switch r.Sample {
		case 0:
			return maker.Response{Text: "answer=R", OutputTokens: 900}, nil
		case 1:
			return maker.Response{Text: "the answer is R", OutputTokens: 10}, nil
		}
		return maker.Response{Text: "answer=R", OutputTokens: 10}, nil
	})
	res, err := maker.Run(context.Background(), countTask{n: 5}, m, maker.Config{K: 3, Ordered: true})
	if err != nil {
		t.Fatal(err)
	}
	s := res.Summary
	if !s.Success || s.Steps != 5 || s.WrongSteps != 0 {
		t.Fatalf("summary: %+v", s)
	}
	if s.ValidVotes != 15 || s.Flagged[maker.FlagTooLong] != 5 || s.Flagged[maker.FlagMalformed] != 5 {
		t.Fatalf("votes %d, flags %v: flagged samples must be replaced and never vote", s.ValidVotes, s.Flagged)
	}
	if s.Samples != s.ValidVotes+s.FlaggedTotal()+s.Cancelled {
		t.Fatalf("samples %d != votes %d + flagged %d + cancelled %d", s.Samples, s.ValidVotes, s.FlaggedTotal(), s.Cancelled)
	}
	if s.VotesHistogram[3] != 5 || s.StepsOverK != 0 || s.MaxVotesInStep != 3 {
		t.Fatalf("histogram %v, over k %d, max %d", s.VotesHistogram, s.StepsOverK, s.MaxVotesInStep)
	}
}

func TestRunTemperatures(t *testing.T) {
	var mu sync.Mutex
	temps := map[int]float64{}
	m := maker.ModelFunc(func(ctx context.Context, r maker.Request) (maker.Response, error) {
		mu.Lock()
		temps[r.Sample] = r.Temperature
		mu.Unlock()
		if r.Sample == 0 { // the temperature-0 sample is flagged: its replacement is at 0.1
			return maker.Response{Text: "x"}, nil
		}
		return maker.Response{Text: "answer=R"}, nil
	})
	if _, err := maker.Run(context.Background(), countTask{n: 1}, m, maker.Config{K: 2}); err != nil {
		t.Fatal(err)
	}
	want := map[int]float64{0: 0, 1: 0.1, 2: 0.1}
	if fmt.Sprint(temps) != fmt.Sprint(want) {
		t.Fatalf("temperatures by sample = %v, want %v", temps, want)
	}
}

func TestRunNoConsensus(t *testing.T) {
	m := script(func(step, i int) string { return []string{"answer=A", "answer=B"}[i%2] })
	res, err := maker.Run(context.Background(), countTask{n: 3}, m, maker.Config{K: 2, MaxSamples: 10, Ordered: true})
	var nc *maker.NoConsensusError
	if !errors.As(err, &nc) || !errors.Is(err, maker.ErrNoConsensus) {
		t.Fatalf("err = %v, want a NoConsensusError", err)
	}
	if nc.Step != 1 || nc.Samples != 10 || len(nc.Tally) != 2 || nc.Tally[0].Votes != 5 {
		t.Fatalf("error = %+v", nc)
	}
	if !strings.Contains(err.Error(), "step 1") || !strings.Contains(err.Error(), `"A"`) {
		t.Fatalf("message should name the step and the tally: %v", err)
	}
	if res.Summary.Success || res.Summary.StopReason != "no consensus" || res.Summary.Samples != 10 {
		t.Fatalf("summary = %+v", res.Summary)
	}
}

func TestRunArrivalOrder(t *testing.T) {
	// k=1 with one hedge sample: sample 0 is slow and says A, sample 1 is
	// fast and says B. Arrival order lets B win; launch order lets A win.
	m := maker.ModelFunc(func(ctx context.Context, r maker.Request) (maker.Response, error) {
		if r.Sample == 0 {
			time.Sleep(30 * time.Millisecond)
			return maker.Response{Text: "answer=A"}, nil
		}
		return maker.Response{Text: "answer=B"}, nil
	})
	for _, tt := range []struct {
		ordered bool
		want    string
	}{{false, "B"}, {true, "A"}} {
		res, err := maker.Run(context.Background(), countTask{n: 1}, m, maker.Config{K: 1, Hedge: 1, Ordered: tt.ordered})
		if err != nil {
			t.Fatal(err)
		}
		if res.Actions[0] != tt.want {
			t.Fatalf("ordered=%v: decided %s, want %s", tt.ordered, res.Actions[0], tt.want)
		}
	}
}

func TestRunCancelsInFlight(t *testing.T) {
	// Samples 0-2 answer at once; hedged samples block until cancelled.
	var cancelled atomic.Int32
	m := maker.ModelFunc(func(ctx context.Context, r maker.Request) (maker.Response, error) {
		if r.Sample < 3 {
			return maker.Response{Text: "answer=R"}, nil
		}
		select {
		case <-ctx.Done():
			cancelled.Add(1)
			return maker.Response{}, ctx.Err()
		case <-time.After(10 * time.Second):
			return maker.Response{Text: "answer=R"}, nil
		}
	})
	start := time.Now()
	res, err := maker.Run(context.Background(), countTask{n: 1}, m, maker.Config{K: 3, Hedge: 2})
	if err != nil {
		t.Fatal(err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatal("the step waited for samples it should have cancelled")
	}
	if cancelled.Load() != 2 || res.Summary.Cancelled != 2 || res.Summary.ValidVotes != 3 || res.Summary.Samples != 5 {
		t.Fatalf("model saw %d cancellations; summary cancelled %d, votes %d, samples %d", cancelled.Load(), res.Summary.Cancelled, res.Summary.ValidVotes, res.Summary.Samples)
	}
}

func TestRunInFlightNeverExceedsNeed(t *testing.T) {
	var inflight, peak atomic.Int32
	m := maker.ModelFunc(func(ctx context.Context, r maker.Request) (maker.Response, error) {
		n := inflight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(time.Millisecond)
		inflight.Add(-1)
		return maker.Response{Text: []string{"answer=R", "answer=R", "answer=W"}[(r.Step+r.Sample)%3]}, nil
	})
	if _, err := maker.Run(context.Background(), countTask{n: 20}, m, maker.Config{K: 4, MaxSamples: 1000}); err != nil && !errors.Is(err, maker.ErrNoConsensus) {
		t.Fatal(err)
	}
	if peak.Load() > 4 {
		t.Fatalf("peak in flight %d > k", peak.Load())
	}
	peak.Store(0)
	if _, err := maker.Run(context.Background(), countTask{n: 20}, m, maker.Config{K: 4, Concurrency: 2, MaxSamples: 1000}); err != nil && !errors.Is(err, maker.ErrNoConsensus) {
		t.Fatal(err)
	}
	if peak.Load() > 2 {
		t.Fatalf("peak in flight %d > concurrency 2", peak.Load())
	}
}

func TestRunModelError(t *testing.T) {
	boom := errors.New("401 unauthorized: set OPENAI_API_KEY")
	m := maker.ModelFunc(func(ctx context.Context, r maker.Request) (maker.Response, error) {
		if r.Step == 2 {
			return maker.Response{}, boom
		}
		return maker.Response{Text: "answer=R"}, nil
	})
	res, err := maker.Run(context.Background(), countTask{n: 5}, m, maker.Config{K: 2})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "step 3") {
		t.Fatalf("err = %v", err)
	}
	if res.Summary.Steps != 2 || res.Summary.Success {
		t.Fatalf("summary = %+v", res.Summary)
	}
}

func TestRunBudgets(t *testing.T) {
	m := script(func(step, i int) string { return "answer=R" })
	pricing := maker.Pricing{InPerMTok: 1000, OutPerMTok: 1000} // 30 tokens = $0.03 a sample
	tests := []struct {
		name   string
		budget maker.Budget
		limit  string
		steps  int
	}{
		{"samples", maker.Budget{MaxSamplesTotal: 10}, "max-samples-total", 5},
		{"cost", maker.Budget{MaxCost: 0.30}, "max-cost", 5},
		{"wall", maker.Budget{MaxWall: time.Nanosecond}, "max-wall", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := maker.Run(context.Background(), countTask{n: 100}, m, maker.Config{K: 2, Budget: tt.budget, Pricing: pricing, MaxTokens: 20})
			var be *maker.BudgetError
			if !errors.As(err, &be) || be.Limit != tt.limit {
				t.Fatalf("err = %v, want budget %s", err, tt.limit)
			}
			s := res.Summary
			if s.Steps != tt.steps || be.Step != tt.steps+1 || s.StopReason != "budget: "+tt.limit {
				t.Fatalf("stopped after %d steps at step %d (%s), want %d", s.Steps, be.Step, s.StopReason, tt.steps)
			}
			if tt.budget.MaxCost > 0 && s.CostUSD > tt.budget.MaxCost+1e-9 {
				t.Fatalf("spent %.4f past the cap %.4f", s.CostUSD, tt.budget.MaxCost)
			}
		})
	}
}

// binaryModel answers right with probability p, else the one wrong
// candidate, from a seed and the sample's identity: the two-candidate model
// the paper's formulas assume.
func binaryModel(seed uint64, p float64) maker.Model {
	return maker.ModelFunc(func(ctx context.Context, r maker.Request) (maker.Response, error) {
		rng := rand.New(rand.NewPCG(seed, uint64(r.Step)<<20|uint64(r.Sample)))
		if rng.Float64() < p {
			return maker.Response{Text: "answer=R"}, nil
		}
		return maker.Response{Text: "answer=W"}, nil
	})
}

// TestVotingMatchesTheory runs the real engine on the two-candidate model
// and checks the fraction of steps decided right and the mean votes per
// step against 1/(1+r^k) and (k/(2p-1))(1-r^k)/(1+r^k), within 4 standard
// errors of the sample (binomial for the fraction; the sample standard
// deviation of the vote counts for the mean).
func TestVotingMatchesTheory(t *testing.T) {
	const steps = 20000
	for _, p := range []float64{0.6, 0.8, 0.95} {
		for _, k := range []int{1, 2, 3} {
			t.Run(fmt.Sprintf("p=%g/k=%d", p, k), func(t *testing.T) {
				var sum, sumSq float64
				hist := maker.ObserverFunc(func(_ context.Context, rec *maker.StepRecord) error {
					v := float64(rec.Votes)
					sum += v
					sumSq += v * v
					return nil
				})
				res, err := maker.Run(context.Background(), countTask{n: steps}, binaryModel(uint64(k)*7919+uint64(p*1000), p),
					maker.Config{K: k, Ordered: true, MaxSamples: 10000, Observers: []maker.Observer{hist}})
				if err != nil {
					t.Fatal(err)
				}
				r := (1 - p) / p
				wantRight := 1 / (1 + math.Pow(r, float64(k)))
				gotRight := 1 - float64(res.Summary.WrongSteps)/steps
				se := math.Sqrt(wantRight * (1 - wantRight) / steps)
				if math.Abs(gotRight-wantRight) > 4*se+1e-12 {
					t.Errorf("right fraction %.5f, want %.5f ± %.5f", gotRight, wantRight, 4*se)
				}
				wantVotes := float64(k) / (2*p - 1) * (1 - math.Pow(r, float64(k))) / (1 + math.Pow(r, float64(k)))
				mean := sum / steps
				sd := math.Sqrt(sumSq/steps - mean*mean)
				seV := sd / math.Sqrt(steps)
				if math.Abs(mean-wantVotes) > 4*seV+1e-12 {
					t.Errorf("mean votes %.4f, want %.4f ± %.4f", mean, wantVotes, 4*seV)
				}
			})
		}
	}
}
