package maker_test

import (
	"context"
	"errors"
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
