package requirements

import (
	"context"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/sim"
)

// define runs a definition of a scripted request on the simulator.
func define(t testing.TB, request string, seed uint64, errRate float64, k int, observers ...maker.Observer) (*maker.Result[Doc], *Tracker, *Task, error) {
	t.Helper()
	intent, err := Scripted(request)
	if err != nil {
		t.Fatal(err)
	}
	task, err := New(request, Options{Intent: intent})
	if err != nil {
		t.Fatal(err)
	}
	cfg := sim.DefaultConfig()
	cfg.Seed, cfg.ErrorRate = seed, errRate
	model, err := sim.New(intent, cfg)
	if err != nil {
		t.Fatal(err)
	}
	tr := NewTracker(task)
	res, err := maker.Run(context.Background(), task, WithProposalTemperature(model, DefaultProposalTemperature), maker.Config{
		K: k, KPolicy: task.KPolicy(k), Ordered: true, ModelName: sim.Name,
		Observers: append([]maker.Observer{tr}, observers...),
	})
	return res, tr, task, err
}
