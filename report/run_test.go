package report

import (
	"context"
	"testing"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/sim"
)

// simRun is a real run of Hanoi on the simulator that keeps every step
// record and feeds a collector too.
type simRun struct {
	res       *maker.Result[hanoi.State]
	recs      []*maker.StepRecord
	collector *Collector
	plannedP  float64
}

// runSim solves Hanoi with disks disks on the simulator at the given
// per-sample error rate and median latency.
func runSim(t testing.TB, disks int, errRate float64, latency time.Duration, k int) *simRun {
	t.Helper()
	task, err := hanoi.New(disks)
	if err != nil {
		t.Fatal(err)
	}
	cfg := sim.DefaultConfig()
	cfg.Seed = 7
	cfg.ErrorRate = errRate
	cfg.Latency = latency
	model, err := sim.New(task, cfg)
	if err != nil {
		t.Fatal(err)
	}
	// The per-vote success rate: flagged samples never vote.
	r := &simRun{collector: NewCollector(), plannedP: (1 - errRate) / (1 - errRate*cfg.FlagShare)}
	keep := maker.ObserverFunc(func(_ context.Context, rec *maker.StepRecord) error {
		r.recs = append(r.recs, rec)
		return nil
	})
	res, err := maker.Run(context.Background(), task, model, maker.Config{
		K: k, Ordered: true, ModelName: sim.Name,
		Observers: []maker.Observer{keep, r.collector},
	})
	if err != nil {
		t.Fatalf("sim run: %v", err)
	}
	r.res = res
	return r
}

func (r *simRun) data() *Data {
	d := FromRecords(r.res.Summary, r.recs)
	d.PlannedP = r.plannedP
	d.Final = r.res.State
	return d
}
