package apitest

import (
	"context"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/scenario/internal/scentest"
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
			inst, err := Generate(size.users, 1)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				svc, err := StartService(inst)
				if err != nil {
					b.Fatal(err)
				}
				task, _ := New(inst, svc.URL)
				model, k := scentest.PlannedSim(b, task, task.Steps())
				res, err := maker.Run(context.Background(), task, model, maker.Config{K: k, Ordered: true})
				task.Wait()
				svc.Close()
				if err != nil || !res.Summary.Success {
					b.Fatalf("run: %v (%s)", err, res.Summary.FirstWrongWhy)
				}
				s := res.Summary
				b.ReportMetric(float64(len(inst.Tests)), "tests")
				scentest.ReportRun(b, s, k)
				b.ReportMetric(s.CostUSD, "sim-USD")
			}
		})
	}
}
