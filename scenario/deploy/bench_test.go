package deploy

import (
	"context"
	"testing"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/scenario/internal/scentest"
)

// BenchmarkDeploy rolls the default and the large fleet with the prober
// running, the simulator at its default error rate and k_min for a 95%
// target: go test -run '^$' -bench Deploy -benchtime 1x ./scenario/deploy
func BenchmarkDeploy(b *testing.B) {
	for _, size := range []struct {
		name      string
		instances int
	}{{"default", DefaultInstances}, {"large", LargeInstances}} {
		b.Run(size.name, func(b *testing.B) {
			in, err := Generate(size.instances, 1)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				f, err := StartFleet(in)
				if err != nil {
					b.Fatal(err)
				}
				task, _ := New(in, f)
				model, k := scentest.PlannedSim(b, task, task.Steps())
				p := StartProber(f.URLs(), 2*time.Millisecond, 10_000_000, time.Hour)
				res, err := maker.Run(context.Background(), task, model, maker.Config{K: k, Ordered: true})
				r := p.Stop()
				f.Close()
				if err != nil || !res.Summary.Success || r.Failed > 0 {
					b.Fatalf("run: %v (%s), prober %d failed", err, res.Summary.FirstWrongWhy, r.Failed)
				}
				s := res.Summary
				b.ReportMetric(float64(in.Total()), "instances")
				scentest.ReportRun(b, s, k)
				b.ReportMetric(s.CostUSD, "sim-USD")
				b.ReportMetric(float64(r.Requests), "probes")
				b.ReportMetric(float64(r.Failed), "probe-failures")
			}
		})
	}
}
