package calibrate_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/calibrate"
	"github.com/maker-go/maker/sim"
)

// cancelling is a model that stops the calibration at its first call, as
// a SIGTERM does, and counts the calls made.
type cancelling struct {
	maker.Model
	cancel context.CancelFunc
	calls  atomic.Int64
}

func (c *cancelling) Generate(ctx context.Context, req maker.Request) (maker.Response, error) {
	c.calls.Add(1)
	c.cancel()
	return maker.Response{}, ctx.Err()
}

// TestRunStopsWhenCancelled: once its context ends, a calibration starts
// no more samples and says why it stopped.
func TestRunStopsWhenCancelled(t *testing.T) {
	task, pr := probes(t, 12, 1000, 7)
	m, _ := sim.New(task, sim.DefaultConfig())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	model := &cancelling{Model: m, cancel: cancel}
	const concurrency = 4
	_, err := calibrate.Run(ctx, task, model, pr, calibrate.Options{Concurrency: concurrency})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Run = %v, want context.Canceled", err)
	}
	if n := model.calls.Load(); n > concurrency {
		t.Errorf("%d samples were started after the calibration was cancelled at the first; want at most %d in flight", n, concurrency)
	}
}

// TestRunRefusesTooManySamples: a calibration over MaxSamples model calls
// is refused before anything is allocated for it.
func TestRunRefusesTooManySamples(t *testing.T) {
	task, pr := probes(t, 12, 10, 7)
	m, _ := sim.New(task, sim.DefaultConfig())
	for _, perStep := range []int{calibrate.MaxSamples + 1, calibrate.MaxSamples/10 + 1} {
		_, err := calibrate.Run(context.Background(), task, m, pr, calibrate.Options{PerStep: perStep})
		if err == nil || !strings.Contains(err.Error(), "at most 100000") {
			t.Errorf("10 steps x %d samples: %v, want a refusal naming the limit", perStep, err)
		}
	}
}
