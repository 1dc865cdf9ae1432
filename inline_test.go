package maker_test

import (
	"bytes"
	"context"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/maker-go/maker"
)

// goid is the calling goroutine's id, read from its stack header
// ("goroutine 7 [running]:").
func goid() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	b = b[:bytes.IndexByte(b, ' ')]
	id, _ := strconv.ParseUint(string(b), 10, 64)
	return id
}

// TestRunCallsAnInstantModelInline: a model that answers in microseconds
// (an in-process simulator) is called on the run's own goroutine once the
// run has seen it answer that fast, rather than handed to a worker
// goroutine and back for every sample, which costs more than the answer.
func TestRunCallsAnInstantModelInline(t *testing.T) {
	const steps = 2000
	var mu sync.Mutex
	callers := map[int]uint64{} // step -> the goroutine that answered its last sample
	m := maker.ModelFunc(func(ctx context.Context, r maker.Request) (maker.Response, error) {
		id := goid()
		mu.Lock()
		callers[r.Step] = id
		mu.Unlock()
		return maker.Response{Text: "answer=R", OutputTokens: 10}, nil
	})
	for _, ordered := range []bool{false, true} {
		clear(callers)
		var runner uint64
		task := observedTask{countTask: countTask{n: steps}, onPrompt: func() { runner = goid() }}
		res, err := maker.Run(context.Background(), task, m, maker.Config{K: 3, Ordered: ordered})
		if err != nil {
			t.Fatal(err)
		}
		if res.Summary.Samples != 3*steps || res.Summary.WrongSteps != 0 {
			t.Fatalf("ordered=%v: %d samples, %d wrong steps; want %d and 0", ordered, res.Summary.Samples, res.Summary.WrongSteps, 3*steps)
		}
		inline := 0
		for step := steps / 2; step < steps; step++ {
			if callers[step] == runner {
				inline++
			}
		}
		// A loaded machine may stall a call, which hands a window of
		// samples back to the workers: a heavily loaded one stalls many.
		if inline < steps/20 {
			t.Errorf("ordered=%v: %d of the last %d steps were sampled on the run's goroutine, want at least a tenth", ordered, inline, steps/2)
		}
	}
}

// observedTask is countTask that calls onPrompt on the goroutine that
// renders each prompt: the run's.
type observedTask struct {
	countTask
	onPrompt func()
}

func (o observedTask) Prompt(s int, prev string, step int) maker.Prompt {
	o.onPrompt()
	return o.countTask.Prompt(s, prev, step)
}

// TestRunHandsASlowModelBackToWorkers: a model that answered in
// microseconds and then takes its time is handed back to concurrent worker
// goroutines, so that a step's samples run side by side again.
func TestRunHandsASlowModelBackToWorkers(t *testing.T) {
	const fast, steps = 300, 340
	var running, peak atomic.Int32
	var mu sync.Mutex
	started := map[int]int{} // step -> its samples that have started
	m := maker.ModelFunc(func(ctx context.Context, r maker.Request) (maker.Response, error) {
		if r.Step < fast {
			return maker.Response{Text: "answer=R", OutputTokens: 10}, nil
		}
		n := running.Add(1)
		defer running.Add(-1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		mu.Lock()
		started[r.Step]++
		mu.Unlock()
		// Wait for the step's other samples to start beside this one, at
		// most 100 ms: far longer than any instant answer.
		deadline := time.Now().Add(100 * time.Millisecond)
		for time.Now().Before(deadline) {
			mu.Lock()
			all := started[r.Step] >= 3
			mu.Unlock()
			if all {
				break
			}
			time.Sleep(100 * time.Microsecond)
		}
		return maker.Response{Text: "answer=R", OutputTokens: 10}, nil
	})
	res, err := maker.Run(context.Background(), countTask{n: steps}, m, maker.Config{K: 3})
	if err != nil {
		t.Fatal(err)
	}
	if res.Summary.Samples != 3*steps {
		t.Fatalf("%d samples, want %d", res.Summary.Samples, 3*steps)
	}
	if peak.Load() < 3 {
		t.Errorf("at most %d samples of a slow step ran at once, want 3", peak.Load())
	}
}

// TestRunStepAllocations bounds what the engine allocates to decide a
// step of an instant model beyond the task's and the model's own: the
// step's record and its samples, which observers keep, and little else.
func TestRunStepAllocations(t *testing.T) {
	const steps = 2000
	m := maker.ModelFunc(func(ctx context.Context, r maker.Request) (maker.Response, error) {
		return maker.Response{Text: "answer=R", OutputTokens: 10}, nil
	})
	task := staticTask{countTask{n: steps}}
	for _, ordered := range []bool{false, true} {
		allocs := testing.AllocsPerRun(3, func() {
			if _, err := maker.Run(context.Background(), task, m, maker.Config{K: 3, Ordered: ordered, DiscardActions: true}); err != nil {
				t.Fatal(err)
			}
		})
		// About 3 when the model is called inline; a loaded machine that
		// stalls calls hands windows of samples to the workers, which
		// allocate a few more.
		if per := allocs / steps; per > 8 {
			t.Errorf("ordered=%v: %.1f allocations a step, want at most 8", ordered, per)
		}
	}
}

// staticTask is countTask with one prompt for every step, which costs
// nothing to render.
type staticTask struct{ countTask }

func (staticTask) Prompt(int, string, int) maker.Prompt {
	return maker.Prompt{System: "count", User: "the next answer"}
}
