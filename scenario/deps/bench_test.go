package deps

import (
	"context"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/plan"
	"github.com/maker-go/maker/sim"
)

// BenchmarkLargeRun runs the large instance (LargeSize) on the simulator
// at its default error rate and the planned k, and reports the steps, the
// samples and the cost per run. Run it with
// go test -run '^$' -bench LargeRun -benchtime 1x ./scenario/deps.
func BenchmarkLargeRun(b *testing.B) {
	in, err := Generate(LargeSize, 1)
	if err != nil {
		b.Fatal(err)
	}
	task, err := New(in)
	if err != nil {
		b.Fatal(err)
	}
	cfg := sim.DefaultConfig()
	k, err := plan.KMin(1-cfg.ErrorRate, task.Steps(), 0.95, 1)
	if err != nil {
		b.Fatal(err)
	}
	m, err := sim.New(task, cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		res, err := maker.Run(context.Background(), task, m, maker.Config{K: k, Ordered: true})
		if err != nil {
			b.Fatal(err)
		}
		if !res.Summary.Success {
			b.Fatalf("large run failed: %d wrong steps, first: %s", res.Summary.WrongSteps, res.Summary.FirstWrongWhy)
		}
		b.ReportMetric(float64(res.Summary.Steps), "steps/run")
		b.ReportMetric(float64(res.Summary.Samples), "samples/run")
		b.ReportMetric(float64(res.Summary.InputTokens)/float64(res.Summary.Samples), "in-tok/sample")
		b.ReportMetric(res.Summary.CostUSD, "sim-USD/run")
		b.ReportMetric(float64(k), "k")
	}
}
