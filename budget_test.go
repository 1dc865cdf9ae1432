package maker_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/maker-go/maker"
)

// TestRunMaxWallCancelsSamplesInFlight: a model that never answers on its own
// (a hung provider, an hour of latency) must not hold a run past its wall
// limit: the samples in flight are cancelled when the limit is reached.
func TestRunMaxWallCancelsSamplesInFlight(t *testing.T) {
	var cancelled int
	done := make(chan struct{}, 16)
	m := maker.ModelFunc(func(ctx context.Context, r maker.Request) (maker.Response, error) {
		<-ctx.Done()
		done <- struct{}{}
		return maker.Response{}, ctx.Err()
	})
	const wall = 200 * time.Millisecond
	start := time.Now()
	res, err := maker.Run(context.Background(), countTask{n: 10}, m, maker.Config{K: 3, Budget: maker.Budget{MaxWall: wall}})
	took := time.Since(start)
	var be *maker.BudgetError
	if !errors.As(err, &be) || be.Limit != "max-wall" || be.Step != 1 {
		t.Fatalf("err = %v, want budget max-wall at step 1", err)
	}
	if took > wall+2*time.Second {
		t.Fatalf("run stopped after %v, want about %v", took, wall)
	}
	for len(done) > 0 {
		<-done
		cancelled++
	}
	s := res.Summary
	if cancelled != 3 || s.Samples != 3 || s.Cancelled != 3 || s.StopReason != "budget: max-wall" {
		t.Fatalf("%d samples cancelled; summary samples %d, cancelled %d, stop %q", cancelled, s.Samples, s.Cancelled, s.StopReason)
	}
	for _, sr := range s.Flagged {
		if sr != 0 {
			t.Fatalf("flags %v", s.Flagged)
		}
	}
}

// TestRunMaxWallLeavesCallerCancellation: the caller cancelling its context
// is an interruption, not a budget stop, even with a wall limit set.
func TestRunMaxWallLeavesCallerCancellation(t *testing.T) {
	m := maker.ModelFunc(func(ctx context.Context, r maker.Request) (maker.Response, error) {
		<-ctx.Done()
		return maker.Response{}, ctx.Err()
	})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := maker.Run(ctx, countTask{n: 10}, m, maker.Config{K: 3, Budget: maker.Budget{MaxWall: time.Hour}})
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, maker.ErrBudget) {
		t.Fatalf("err = %v, want the caller's deadline", err)
	}
}

// TestRunBudgetCountsEarlierSessions: a budget caps the whole run. A
// session given what earlier sessions spent (Budget.Spent) stops before
// its first sample when that reached a limit already, and otherwise stops
// with the run's total within the limit; the summary says what the run
// spent of its cap.
func TestRunBudgetCountsEarlierSessions(t *testing.T) {
	m := script(func(step, i int) string { return "answer=R" })
	pricing := maker.Pricing{InPerMTok: 1000, OutPerMTok: 1000} // 30 tokens = $0.03 a sample
	tests := []struct {
		name    string
		budget  maker.Budget
		limit   string
		samples int64 // this session's
	}{
		{"cost spent", maker.Budget{MaxCost: 0.30, Spent: maker.Spent{CostUSD: 0.30}}, "max-cost", 0},
		{"cost over", maker.Budget{MaxCost: 0.30, Spent: maker.Spent{CostUSD: 0.32}}, "max-cost", 0},
		{"cost left", maker.Budget{MaxCost: 0.30, Spent: maker.Spent{CostUSD: 0.18}}, "max-cost", 4},
		{"samples spent", maker.Budget{MaxSamplesTotal: 10, Spent: maker.Spent{Samples: 10}}, "max-samples-total", 0},
		{"samples left", maker.Budget{MaxSamplesTotal: 10, Spent: maker.Spent{Samples: 6}}, "max-samples-total", 4},
		{"wall spent", maker.Budget{MaxWall: time.Hour, Spent: maker.Spent{Wall: time.Hour}}, "max-wall", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := maker.Run(context.Background(), countTask{n: 100}, m, maker.Config{K: 2, Budget: tt.budget, Pricing: pricing, MaxTokens: 20})
			var be *maker.BudgetError
			if !errors.As(err, &be) || be.Limit != tt.limit {
				t.Fatalf("err = %v, want budget %s", err, tt.limit)
			}
			s := res.Summary
			if s.Samples != tt.samples {
				t.Fatalf("the session drew %d samples, want %d", s.Samples, tt.samples)
			}
			if c := tt.budget.MaxCost; c > 0 && tt.budget.Spent.CostUSD <= c && s.RunCostUSD() > c+1e-9 {
				t.Fatalf("the run spent %.4f past the cap %.4f", s.RunCostUSD(), c)
			}
			if s.Budget == nil || s.Budget.CostUSDBefore != tt.budget.Spent.CostUSD || s.Budget.MaxCostUSD != tt.budget.MaxCost {
				t.Fatalf("summary budget %+v, want the caps and what was spent before", s.Budget)
			}
		})
	}
	res, _ := maker.Run(context.Background(), countTask{n: 100}, m, maker.Config{K: 2, Pricing: pricing, MaxTokens: 20,
		Budget: maker.Budget{MaxCost: 3, Spent: maker.Spent{CostUSD: 2.9}}})
	var b strings.Builder
	if err := res.Summary.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if want := "spent $2.9900 of $3"; !strings.Contains(b.String(), want) {
		t.Fatalf("the summary does not say %q:\n%s", want, b.String())
	}
	// The run's total over its sessions keeps the latest caps, with
	// nothing before it: its counters are the whole run's.
	total := &maker.Summary{}
	total.Merge(&maker.Summary{Usage: maker.Usage{CostUSD: 2.9}, Budget: &maker.BudgetUse{MaxCostUSD: 3}})
	total.Merge(&res.Summary)
	if got := total.SpentText(); got != "spent $2.9900 of $3" {
		t.Fatalf("merged: %q", got)
	}
}
