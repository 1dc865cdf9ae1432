package telemetry

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/sim"
)

// traced installs an in-memory exporter as the process's tracer for one
// test, tracing every step.
func traced(t *testing.T) *tracetest.SpanRecorder {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	prev := otel.GetTracerProvider()
	otel.SetTracerProvider(tp)
	state.on.Store(true)
	state.every.Store(1)
	t.Cleanup(func() {
		state.on.Store(false)
		otel.SetTracerProvider(prev)
		_ = tp.Shutdown(context.Background())
	})
	return rec
}

func attrs(s sdktrace.ReadOnlySpan) map[attribute.Key]attribute.Value {
	m := map[attribute.Key]attribute.Value{}
	for _, kv := range s.Attributes() {
		m[kv.Key] = kv.Value
	}
	return m
}

// TestSessionTrace: a run is one trace, its session span the root, a span
// per step under it and a GenAI chat span per sample under each step, the
// chat spans' tokens adding up to the summary's.
func TestSessionTrace(t *testing.T) {
	rec := traced(t)
	reg := prometheus.NewRegistry()
	g, err := NewGenAIMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	SetMetrics(g)
	t.Cleanup(func() { SetMetrics(nil) })

	task, _ := hanoi.New(4)
	cfg := sim.DefaultConfig()
	cfg.ErrorRate = 0.2 // flagged and split votes, so steps take more than k samples
	m, err := sim.New(hanoi.Oracle(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	s := Start(context.Background(), Run{ID: "r1", Task: task.Name(), Model: "sim", K: 2})
	if s == nil {
		t.Fatal("no session while tracing is on")
	}
	res, runErr := maker.Run(context.Background(), task, m, maker.Config{K: 2, Ordered: true, Observers: []maker.Observer{s}})
	if runErr != nil {
		t.Fatal(runErr)
	}
	s.End(&res.Summary, runErr)

	spans := rec.Ended()
	var root sdktrace.ReadOnlySpan
	steps, chats := 0, 0
	var in, out int64
	for _, sp := range spans {
		if sp.SpanContext().TraceID() != spans[0].SpanContext().TraceID() {
			t.Fatalf("span %s is in another trace", sp.Name())
		}
		a := attrs(sp)
		switch {
		case strings.HasPrefix(sp.Name(), "maker.run"):
			root = sp
		case sp.Name() == "maker.step":
			steps++
		case sp.Name() == "chat sim":
			chats++
			for _, k := range []attribute.Key{"gen_ai.operation.name", "gen_ai.provider.name", "gen_ai.request.model", "gen_ai.request.temperature", "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens", "gen_ai.response.finish_reasons"} {
				if _, ok := a[k]; !ok {
					t.Errorf("chat span lacks %s", k)
				}
			}
			if a["gen_ai.operation.name"].AsString() != "chat" {
				t.Errorf("gen_ai.operation.name %v", a["gen_ai.operation.name"])
			}
			in += a["gen_ai.usage.input_tokens"].AsInt64()
			out += a["gen_ai.usage.output_tokens"].AsInt64()
		}
	}
	sum := res.Summary
	if root == nil || root.Parent().IsValid() {
		t.Fatalf("no root session span")
	}
	if steps != sum.Steps || chats != int(sum.Samples) {
		t.Errorf("%d step spans, %d chat spans; the run decided %d steps from %d samples", steps, chats, sum.Steps, sum.Samples)
	}
	if in != sum.InputTokens || out != sum.OutputTokens {
		t.Errorf("chat spans' tokens %d in, %d out; the summary's %d, %d", in, out, sum.InputTokens, sum.OutputTokens)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := 0
	for _, mf := range mfs {
		got += len(mf.GetMetric())
	}
	if got != 3 {
		t.Errorf("%d GenAI metric series, want 3 (input and output tokens, duration)", got)
	}
}

// TestStepSampling: past the first steps, only remarkable steps and a
// ratio of the rest are traced.
func TestStepSampling(t *testing.T) {
	state.every.Store(100)
	t.Cleanup(func() { state.every.Store(0) })
	s := &Session{seen: FullSteps, wall: time.Duration(FullSteps) * 100 * time.Millisecond}
	for _, tc := range []struct {
		rec  maker.StepRecord
		want string
	}{
		{maker.StepRecord{Step: 1511, K: 3, Votes: 3, Wall: time.Millisecond}, ""},
		{maker.StepRecord{Step: 1600, K: 3, Votes: 3, Wall: time.Millisecond}, "ratio"},
		{maker.StepRecord{Step: 1512, K: 3, Votes: 5, Wall: time.Millisecond}, "hard"},
		{maker.StepRecord{Step: 1513, K: 3, Votes: 3, Flagged: 1, Wall: time.Millisecond}, "flagged"},
		{maker.StepRecord{Step: 1514, K: 3, Votes: 3, Retries: 2, Wall: time.Millisecond}, "retried"},
		{maker.StepRecord{Step: 1515, K: 3, Votes: 3, Wrong: true, Wall: time.Millisecond}, "wrong"},
		{maker.StepRecord{Step: 1516, K: 3, Votes: 3, Wall: time.Second}, "slow"},
		{maker.StepRecord{Step: 1517, K: 3, Votes: 3, Wall: 200 * time.Millisecond}, ""},
	} {
		if got := s.sample(&tc.rec); got != tc.want {
			t.Errorf("step %d: traced because %q, want %q", tc.rec.Step, got, tc.want)
		}
	}
	if got := (&Session{}).sample(&maker.StepRecord{Step: 5, K: 3, Votes: 3}); got != "first" {
		t.Errorf("an early step: %q, want first", got)
	}
}

// TestOffByDefault: without an endpoint nothing is set up, and a session
// is nil, so a run carries no observer.
func TestOffByDefault(t *testing.T) {
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "")
	t.Setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "")
	stop, err := Setup(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	_ = stop(context.Background())
	if Tracing() || Start(context.Background(), Run{Model: "sim"}) != nil {
		t.Error("telemetry is on with nothing configured")
	}
	for _, tc := range []struct{ endpoint, env, want string }{
		{"localhost:4318", "", "--otel-endpoint: want the collector's OTLP/HTTP URL"},
		{"", "2", StepRatioEnv + `: want a share of steps from 0 to 1, got "2"`},
	} {
		t.Setenv(StepRatioEnv, tc.env)
		_, err := Setup(context.Background(), Options{Endpoint: tc.endpoint})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("endpoint %q, ratio %q: err %v, want %q", tc.endpoint, tc.env, err, tc.want)
		}
	}
}

// consistentHanoi rejects a candidate whose next state is not what its
// move makes of the state, as a task's validator would: a check of form,
// not of rightness.
type consistentHanoi struct{ *hanoi.Task }

const notConsistent = "the next state is not what the move makes"

func (consistentHanoi) Validate(_ context.Context, state hanoi.State, c maker.Candidate[hanoi.State]) error {
	var m hanoi.Move
	if _, err := fmt.Sscanf(c.Action, "[%d, %d, %d]", &m.Disk, &m.From, &m.To); err != nil {
		return fmt.Errorf("move %q: %w", c.Action, err)
	}
	next, err := state.Apply(m)
	if err != nil {
		return err
	}
	if !next.Equal(c.State) {
		return errors.New(notConsistent)
	}
	return nil
}

// TestRedFlagReasonInTrace: a sample the task's validator rejects is a
// red_flag event on its chat span, with the validator's reason.
func TestRedFlagReasonInTrace(t *testing.T) {
	rec := traced(t)
	task, _ := hanoi.New(6)
	cfg := sim.DefaultConfig()
	cfg.ErrorRate = 0.3
	m, err := sim.New(hanoi.Oracle(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	s := Start(context.Background(), Run{ID: "r2", Task: task.Name(), Model: "sim", K: 2})
	res, runErr := maker.Run(context.Background(), maker.Task[hanoi.State](consistentHanoi{task}), m, maker.Config{K: 2, Ordered: true, Observers: []maker.Observer{s}})
	if runErr != nil {
		t.Fatal(runErr)
	}
	s.End(&res.Summary, runErr)
	reasons := 0
	for _, sp := range rec.Ended() {
		for _, ev := range sp.Events() {
			if ev.Name != "red_flag" {
				continue
			}
			for _, kv := range ev.Attributes {
				if kv.Key == "maker.flag_reason" && kv.Value.AsString() != "" {
					reasons++
				}
			}
		}
	}
	if want := int(res.Summary.Flagged[maker.FlagInvalid]); reasons == 0 || reasons != want {
		t.Errorf("%d red_flag events carry the validator's reason; the run flagged %d samples invalid (%v)", reasons, want, res.Summary.Invalid)
	}
}
