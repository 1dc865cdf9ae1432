package hanoi_test

import (
	"context"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/sim"
)

// BenchmarkHanoiSim is a whole 12-disk run (4,095 steps) on the simulated
// model, the work `maker hanoi` does per step: prompt, samples, strict
// parsing, voting and the check.
func BenchmarkHanoiSim(b *testing.B) {
	task, _ := hanoi.New(12)
	m, _ := sim.New(task, sim.DefaultConfig())
	b.ReportAllocs()
	for b.Loop() {
		res, err := maker.Run(context.Background(), task, m, maker.Config{K: 3, Ordered: true})
		if err != nil || !res.Summary.Success {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(task.Steps()*b.N)/b.Elapsed().Seconds(), "steps/s")
}
