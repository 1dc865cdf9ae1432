package apitest

import (
	"context"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/plan"
	"github.com/maker-go/maker/sim"
)

// BenchmarkSuite runs the default and the large suite against the live
// service with the simulator at its default error rate and k_min for a
// 95% target: go test -run '^$' -bench Suite -benchtime 1x ./scenario/apitest
func BenchmarkSuite(b *testing.B) {
	for _, size := range []struct {
		name  string
		users int
	}{{"default", DefaultUsers}, {"large", LargeUsers}} {
		b.Run(size.name, func(b *testing.B) {
			inst, err := Generate(1, size.users)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				svc, err := StartService(inst)
				if err != nil {
					b.Fatal(err)
				}
				task, _ := New(inst, svc.URL)
				cfg := sim.DefaultConfig()
				model, _ := sim.New(task, cfg)
				k, _ := plan.KMin(1-cfg.ErrorRate, task.Steps(), 0.95, 1)
				res, err := maker.Run(context.Background(), task, model, maker.Config{K: k, Ordered: true})
				task.Wait()
				svc.Close()
				if err != nil || !res.Summary.Success {
					b.Fatalf("run: %v (%s)", err, res.Summary.FirstWrongWhy)
				}
				s := res.Summary
				b.ReportMetric(float64(len(inst.Tests)), "tests")
				b.ReportMetric(float64(s.Steps), "steps")
				b.ReportMetric(float64(k), "k")
				b.ReportMetric(float64(s.Samples), "samples")
				b.ReportMetric(float64(s.InputTokens)/float64(s.Samples), "in-tok/call")
				b.ReportMetric(s.CostUSD, "sim-USD")
			}
		})
	}
}
