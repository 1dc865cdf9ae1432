package telemetry

import (
	"context"
	"fmt"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.41.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/maker-go/maker"
)

// Run describes the run session a [Session] traces.
type Run struct {
	ID    string // the journal's run id ("" when not journaled)
	Task  string
	Model string // as maker spells it: "openai/gpt-4.1-mini", "sim"
	K     int
	From  int // the step the session starts at (0-based): a resumed run's or a fleet chunk's
}

// Session is the telemetry of one run session: a [maker.Observer] for the
// run's Config, and the span that [Session.End] closes. A nil *Session is
// a session that records nothing.
type Session struct {
	ctx              context.Context // carries the session span
	span             trace.Span
	tracer           trace.Tracer
	provider, model  string
	metrics          *GenAIMetrics
	traced, untraced int64
	wall             time.Duration // of the steps seen, for "slow"
	seen             int64
}

var _ maker.Observer = (*Session)(nil)

// Start begins a session span under ctx's span (a fleet chunk's parent is
// the run's remote span). It returns nil while neither tracing (see
// [Setup]) nor GenAI metrics (see [SetMetrics]) are on: add the session to
// the run's observers only when it is not nil.
func Start(ctx context.Context, r Run) *Session {
	met := metrics.Load()
	if !Tracing() && met == nil {
		return nil
	}
	s := &Session{metrics: met, tracer: tracer()}
	s.provider, s.model = SplitModel(r.Model)
	s.ctx, s.span = s.tracer.Start(ctx, "maker.run "+r.Task, trace.WithAttributes(
		attribute.String("maker.run.id", r.ID),
		attribute.String("maker.task", r.Task),
		attribute.Int("maker.k", r.K),
		attribute.Int("maker.from_step", r.From+1),
		semconv.GenAIProviderNameKey.String(s.provider),
		semconv.GenAIRequestModelKey.String(s.model),
	))
	return s
}

// Context is ctx's span context carried by the session, for work done on
// its behalf (nil sessions give back ctx).
func (s *Session) Context(ctx context.Context) context.Context {
	if s == nil {
		return ctx
	}
	return trace.ContextWithSpan(ctx, s.span)
}

// Observe implements [maker.Observer]: it counts the step's samples in the
// GenAI metrics and, when the step is sampled, exports its span and its
// samples' chat spans.
func (s *Session) Observe(_ context.Context, rec *maker.StepRecord) error {
	if s.metrics != nil {
		for i := range rec.Samples {
			s.metrics.observe(s.provider, s.sampleModel(&rec.Samples[i]), &rec.Samples[i])
		}
	}
	why := s.sample(rec)
	s.seen++
	s.wall += rec.Wall
	if why == "" || !s.span.IsRecording() {
		s.untraced++
		return nil
	}
	s.traced++
	end := time.Now()
	start := end.Add(-rec.Wall)
	// Counts and flags that are zero or false are left out: the export's
	// cost grows with every attribute of every span.
	attrs := append(make([]attribute.KeyValue, 0, 16),
		attribute.Int("maker.step", rec.Step+1),
		attribute.Int("maker.k", rec.K),
		attribute.Int("maker.votes", rec.Votes),
		attribute.Int("maker.samples", len(rec.Samples)),
		attribute.String("maker.decided_key", rec.Key),
		attribute.String("maker.traced_because", why),
		semconv.GenAIUsageInputTokensKey.Int64(rec.InputTokens),
		semconv.GenAIUsageOutputTokensKey.Int64(rec.OutputTokens),
		attribute.Float64("maker.cost_usd", rec.CostUSD),
	)
	attrs = appendNonZero(attrs, "maker.flagged", rec.Flagged)
	attrs = appendNonZero(attrs, "maker.cancelled", rec.Cancelled)
	attrs = appendNonZero(attrs, "maker.retries", rec.Retries)
	attrs = appendNonZero(attrs, "maker.speculative_wasted", rec.Wasted)
	if rec.Speculative {
		attrs = append(attrs, attribute.Bool("maker.speculative", true))
	}
	if rec.Wrong {
		attrs = append(attrs, attribute.Bool("maker.wrong", true))
	}
	_, step := s.tracer.Start(s.ctx, "maker.step", trace.WithTimestamp(start), trace.WithAttributes(attrs...))
	if rec.Wrong {
		step.SetStatus(codes.Error, "the task's checker rejected the step: "+rec.WrongWhy)
	}
	sctx := trace.ContextWithSpan(s.ctx, step)
	for i := range rec.Samples {
		s.chat(sctx, start, &rec.Samples[i])
	}
	step.End(trace.WithTimestamp(end))
	return nil
}

func (s *Session) sampleModel(sr *maker.SampleRecord) string {
	if sr.Model != "" {
		_, m := SplitModel(sr.Model)
		return m
	}
	return s.model
}

// chat exports one sample as a GenAI chat span.
func (s *Session) chat(ctx context.Context, start time.Time, sr *maker.SampleRecord) {
	provider, model := s.provider, s.model
	if sr.Model != "" {
		provider, model = SplitModel(sr.Model)
	}
	finish := "stop"
	switch {
	case sr.Error != "":
		finish = "error"
	case sr.Flag == maker.FlagTruncated:
		finish = "length"
	case sr.Cancelled && sr.Text == "":
		finish = "cancelled"
	}
	attrs := append(make([]attribute.KeyValue, 0, 16),
		semconv.GenAIOperationNameChat,
		semconv.GenAIProviderNameKey.String(provider),
		semconv.GenAIRequestModelKey.String(model),
		semconv.GenAIRequestTemperatureKey.Float64(sr.Temperature),
		semconv.GenAIUsageInputTokensKey.Int64(sr.InputTokens),
		semconv.GenAIUsageOutputTokensKey.Int64(sr.OutputTokens),
		semconv.GenAIResponseFinishReasons(finish),
		attribute.Int("maker.sample", sr.Index),
		attribute.String("maker.key", sr.Key),
		attribute.Bool("maker.voted", sr.Voted),
		attribute.Float64("maker.cost_usd", sr.CostUSD),
	)
	if sr.CachedInputTokens > 0 {
		attrs = append(attrs, semconv.GenAIUsageCacheReadInputTokensKey.Int64(sr.CachedInputTokens))
	}
	attrs = appendNonZero(attrs, "maker.retries", sr.Retries)
	if sr.Cancelled {
		attrs = append(attrs, attribute.Bool("maker.cancelled", true))
	}
	if sr.BilledSamples > 0 {
		attrs = append(attrs, attribute.Float64("maker.billed_cost_usd", sr.BilledCostUSD))
	}
	_, span := s.tracer.Start(ctx, "chat "+model, trace.WithSpanKind(trace.SpanKindClient), trace.WithTimestamp(start), trace.WithAttributes(attrs...))
	if sr.Retries > 0 {
		span.AddEvent("retry", trace.WithTimestamp(start), trace.WithAttributes(attribute.Int("maker.retries", sr.Retries)))
	}
	end := start.Add(sr.Latency)
	if sr.Flag != maker.FlagNone {
		flag := []attribute.KeyValue{attribute.String("maker.flag", string(sr.Flag))}
		if sr.FlagReason != "" {
			// A validator's reason for rejecting the sample (already
			// redacted and cut to one line).
			flag = append(flag, attribute.String("maker.flag_reason", sr.FlagReason))
		}
		span.AddEvent("red_flag", trace.WithTimestamp(end), trace.WithAttributes(flag...))
	}
	if sr.Error != "" {
		span.SetStatus(codes.Error, sr.Error)
		span.SetAttributes(semconv.ErrorTypeOther)
	}
	span.End(trace.WithTimestamp(end))
}

// appendNonZero appends the count n as attribute key unless it is 0.
func appendNonZero(attrs []attribute.KeyValue, key string, n int) []attribute.KeyValue {
	if n == 0 {
		return attrs
	}
	return append(attrs, attribute.Int(key, n))
}

// SlowStep is the least wall time of a step traced for being slow (four
// times the session's mean): below it, a step is slow only by the
// scheduler's noise, which would trace many steps of a fast model.
const SlowStep = 250 * time.Millisecond

// sample says why a step is traced, or "" when it is not (see the package
// comment).
func (s *Session) sample(rec *maker.StepRecord) string {
	switch {
	case s.seen < FullSteps:
		return "first"
	case rec.Wrong:
		return "wrong"
	case rec.Flagged > 0:
		return "flagged"
	case rec.Retries > 0:
		return "retried"
	case rec.Votes > rec.K:
		return "hard"
	case s.seen >= 20 && rec.Wall >= SlowStep && rec.Wall > 4*s.wall/time.Duration(s.seen):
		return "slow"
	}
	if every := state.every.Load(); every > 0 && int64(rec.Step)%every == 0 {
		return "ratio"
	}
	return ""
}

// End closes the session span with the session's totals and outcome.
func (s *Session) End(sum *maker.Summary, runErr error) {
	if s == nil {
		return
	}
	if sum != nil {
		s.span.SetAttributes(
			attribute.Int64("maker.steps", int64(sum.Steps)),
			attribute.Int64("maker.samples", sum.Samples),
			semconv.GenAIUsageInputTokensKey.Int64(sum.InputTokens),
			semconv.GenAIUsageOutputTokensKey.Int64(sum.OutputTokens),
			attribute.Float64("maker.cost_usd", sum.CostUSD),
			attribute.Float64("maker.charged_usd", sum.ChargedUSD()),
			attribute.String("maker.result", sum.Result()),
			attribute.String("maker.stop_reason", sum.StopReason),
		)
		if sum.BilledSamples > 0 {
			s.span.SetAttributes(attribute.Float64("maker.billed_cost_usd", sum.BilledCostUSD))
		}
	}
	s.span.SetAttributes(attribute.Int64("maker.steps_traced", s.traced), attribute.Int64("maker.steps_untraced", s.untraced))
	if runErr != nil {
		s.span.RecordError(runErr)
		s.span.SetStatus(codes.Error, runErr.Error())
		s.span.SetAttributes(semconv.ErrorTypeKey.String(errorType(runErr)))
	}
	s.span.End()
}

// String names the session for logs.
func (s *Session) String() string {
	if s == nil {
		return "telemetry off"
	}
	return fmt.Sprintf("telemetry of %s/%s", s.provider, s.model)
}
