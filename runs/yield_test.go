package runs

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/maker-go/maker"
)

// A run in the service gives the processor up after each decided step, so
// that a request to the API (here, a goroutine made ready while the run
// works) waits one step, not the scheduler's time slice of about 10 ms,
// however many runs keep every processor busy.
func TestRunYieldsEachStep(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	a := &active{id: "r", wake: make(chan struct{})}
	var other atomic.Bool
	ran := make(chan int, 1)
	go func() {
		go other.Store(true)
		for i := range 2000 {
			if other.Load() {
				ran <- i
				return
			}
			if err := a.Observe(context.Background(), &maker.StepRecord{Step: i, Key: "k"}); err != nil {
				t.Error(err)
			}
		}
		ran <- -1
	}()
	if i := <-ran; i < 0 {
		t.Fatal("a goroutine made ready before the run's first step had not run after 2,000 steps")
	} else {
		t.Logf("it ran after step %d", i)
	}
}
