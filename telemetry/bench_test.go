package telemetry

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/sim"
)

// BenchmarkObserveTraced is the cost of a traced step (a step span and its
// samples' chat spans) through the SDK's batch processor and the OTLP/HTTP
// exporter to a collector on loopback that reads and drops what it gets:
// what tracing adds to a run for each step it traces.
func BenchmarkObserveTraced(b *testing.B) {
	col := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
	}))
	defer col.Close()
	exp, err := otlptracehttp.New(context.Background(), otlptracehttp.WithEndpointURL(col.URL+"/v1/traces"))
	if err != nil {
		b.Fatal(err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp))
	prev := otel.GetTracerProvider()
	otel.SetTracerProvider(tp)
	state.on.Store(true)
	state.every.Store(1)
	defer func() {
		state.on.Store(false)
		otel.SetTracerProvider(prev)
	}()

	task, _ := hanoi.New(8)
	m, err := sim.New(hanoi.Oracle(), sim.DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	var recs []*maker.StepRecord
	keep := maker.ObserverFunc(func(_ context.Context, r *maker.StepRecord) error {
		c := *r
		recs = append(recs, &c)
		return nil
	})
	if _, err := maker.Run(context.Background(), task, m, maker.Config{K: 3, Observers: []maker.Observer{keep}}); err != nil {
		b.Fatal(err)
	}
	spans := 0
	for _, r := range recs {
		spans += 1 + len(r.Samples)
	}
	s := Start(context.Background(), Run{Task: task.Name(), Model: "sim", K: 3})
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := range b.N {
		_ = s.Observe(context.Background(), recs[i%len(recs)])
	}
	s.End(nil, nil)
	_ = tp.Shutdown(context.Background())
	// The export runs on the processor's goroutine: the process's CPU
	// time, not the loop's wall time, is the cost.
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)*float64(len(recs))/float64(spans), "cpu-ns/span")
}

// cpuTime is the process's user and system CPU time in nanoseconds.
func cpuTime() int64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}
