package main

import (
	"context"
	"testing"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/pgtest"
)

// TestOTelFleet: a run queued on PostgreSQL and worked in chunks by two
// workers, one after the other, is one trace in a real Jaeger: the
// enqueue's span at its root, a session span per chunk from both
// workers' processes, a span for every step and a GenAI chat span per
// sample, whose tokens add up to the journal's summary.
func TestOTelFleet(t *testing.T) {
	j := startJaeger(t)
	url := pgtest.Database(t)
	bin := buildMaker(t)
	args := []string{"hanoi", "--disks", "7", "--k", "2", "--seed", "7", "--sim-latency", "10ms", "-q", "--json", "--otel-endpoint", j.otlp}
	id := enqueue(t, bin, url, args)
	work := []string{"--db", url, "--chunk-steps", "8", "--otel-endpoint", j.otlp}
	jr, err := maker.OpenJournal(context.Background(), url, true)
	if err != nil {
		t.Fatal(err)
	}
	defer jr.Close()
	first := startWorkers(t, bin, 1, work...)
	var second *workers
	// Once the first worker has committed a few chunks, the second starts
	// and the first stops (SIGTERM: it ends its chunk), so the rest of the
	// run is the second's.
	got := waitRuns(t, url, []string{id}, 3*time.Minute, func() {
		if second != nil {
			return
		}
		if r, err := jr.Run(context.Background(), id); err == nil && r.Steps >= 24 {
			second = startWorkers(t, bin, 1, work...)
			first.stop()
		}
	})
	if got[id].Status != maker.StatusDone {
		t.Fatalf("run %s: %s after %d steps", id, got[id].Status, got[id].Steps)
	}
	if second == nil {
		t.Fatal("the run ended before the second worker took over")
	}
	second.stop() // flushes its spans
	sum, err := jr.Summary(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}

	traces := j.waitSpans(t, "maker-worker", 1+sum.Steps+int(sum.Samples))
	if len(traces) != 1 {
		t.Fatalf("%d traces of the fleet run, want 1", len(traces))
	}
	rt := checkRunTrace(t, traces[0])
	enqueued := 0
	for _, s := range traces[0].Spans {
		if s.OperationName == "maker.enqueue" {
			enqueued++
			if s.parent() != "" {
				t.Errorf("maker.enqueue has a parent, want it the trace's root")
			}
		}
	}
	if enqueued != 1 {
		t.Errorf("%d maker.enqueue spans, want 1", enqueued)
	}
	if len(rt.processes) < 2 {
		t.Errorf("the session spans came from %d worker processes, want both workers'", len(rt.processes))
	}
	if len(rt.steps) != sum.Steps {
		t.Errorf("%d steps have spans, the run decided %d", len(rt.steps), sum.Steps)
	}
	for step, n := range rt.steps {
		if n != 1 || step < 1 || step > int64(sum.Steps) {
			t.Errorf("step %d has %d spans, want 1", step, n)
		}
	}
	if int64(rt.chats) != sum.Samples || rt.in != sum.InputTokens || rt.out != sum.OutputTokens {
		t.Errorf("%d chat spans with %d tokens in, %d out; the journal's summary: %d samples, %d, %d", rt.chats, rt.in, rt.out, sum.Samples, sum.InputTokens, sum.OutputTokens)
	}
	t.Logf("one trace: %d sessions from %d processes, %d step spans, %d chat spans", rt.sessions, len(rt.processes), len(rt.steps), rt.chats)
}
