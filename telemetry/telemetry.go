// Package telemetry exports what a run does as OpenTelemetry traces, by the
// GenAI semantic conventions (semconv v1.41.0), and counts the model calls
// in the GenAI client metrics of a Prometheus registry.
//
// It is off unless configured: [Setup] installs an OTLP/HTTP exporter when
// the standard OTEL_EXPORTER_OTLP_ENDPOINT (or _TRACES_ENDPOINT) variable or
// an endpoint flag names a collector, and [Start] returns nil while neither
// tracing nor metrics are on, so a run without them carries no observer at
// all. Everything is built from the decided steps a [maker.Observer] sees,
// after the fact: the engine's hot path is not touched.
//
// A run session is a span ("maker.run"), each traced step a child span
// ("maker.step"), and each of its samples a "chat" span by the GenAI
// conventions, with retries and red flags as events. A million-step run
// would export millions of spans, so steps are sampled: every step of the
// first [FullSteps], then every hard (more votes than k), flagged, retried,
// wrong or slow step, and a ratio of the rest (MAKER_OTEL_STEP_RATIO,
// default 0.01; 1 traces every step). docs/observability.md has the
// attributes and the variables.
package telemetry

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync/atomic"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.41.0"
	"go.opentelemetry.io/otel/trace"
)

// ScopeName is the instrumentation scope of maker's spans.
const ScopeName = "github.com/maker-go/maker/telemetry"

// FullSteps is how many steps of a session are traced whatever they were,
// so that a short run has a span for every step.
const FullSteps = 100

// DefaultStepRatio is the share of the unremarkable steps past FullSteps
// that are traced when MAKER_OTEL_STEP_RATIO is not set.
const DefaultStepRatio = 0.01

// StepRatioEnv names the variable that sets the share of unremarkable
// steps traced: 1 traces every step, 0 only the remarkable ones.
const StepRatioEnv = "MAKER_OTEL_STEP_RATIO"

// state is the process's tracing setup: the step sampling every session
// uses, and whether an exporter is installed.
var state struct {
	on    atomic.Bool
	every atomic.Int64 // trace one unremarkable step in every; 0: none
}

// Options configure [Setup].
type Options struct {
	// Endpoint is the collector's OTLP/HTTP base URL from a flag, such as
	// http://localhost:4318; "" leaves it to the OTEL_EXPORTER_OTLP_*
	// variables, and with none of those set, tracing stays off.
	Endpoint string
	// Service is the service.name when OTEL_SERVICE_NAME does not set one:
	// "maker" for the command line, "maker-serve", "maker-worker".
	Service string
}

// Enabled reports whether the options or the environment ask for traces.
// OTEL_SDK_DISABLED=true and OTEL_TRACES_EXPORTER=none turn them off.
func (o Options) Enabled() bool {
	if strings.EqualFold(os.Getenv("OTEL_SDK_DISABLED"), "true") || os.Getenv("OTEL_TRACES_EXPORTER") == "none" {
		return false
	}
	return o.Endpoint != "" || os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" || os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != ""
}

// Setup installs the process's tracer provider and the W3C trace-context
// propagator when [Options.Enabled], and returns the function that flushes
// and stops it (a no-op when tracing is off). The sampler is the SDK's,
// read from OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG (default: every
// run, and the runs a remote parent sampled). A bad setting is a one-line
// error naming it.
func Setup(ctx context.Context, o Options) (func(context.Context) error, error) {
	noop := func(context.Context) error { return nil }
	every, err := stepEvery()
	if err != nil {
		return noop, err
	}
	if !o.Enabled() {
		return noop, nil
	}
	if p := os.Getenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"); p != "" && p != "http/protobuf" {
		return noop, fmt.Errorf("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: maker exports OTLP over HTTP (http/protobuf), not %q", p)
	}
	if p := os.Getenv("OTEL_EXPORTER_OTLP_PROTOCOL"); p != "" && p != "http/protobuf" && os.Getenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") == "" {
		return noop, fmt.Errorf("OTEL_EXPORTER_OTLP_PROTOCOL: maker exports OTLP over HTTP (http/protobuf), not %q", p)
	}
	var opts []otlptracehttp.Option
	if o.Endpoint != "" {
		eo, err := endpointOptions(o.Endpoint)
		if err != nil {
			return noop, err
		}
		opts = append(opts, eo...)
	}
	exp, err := otlptracehttp.New(ctx, opts...)
	if err != nil {
		return noop, fmt.Errorf("OTLP trace exporter: %w", err)
	}
	res, err := resource.Merge(resource.Default(), resource.NewSchemaless(semconv.ServiceName(serviceName(o.Service))))
	if err != nil {
		return noop, fmt.Errorf("OTel resource: %w", err)
	}
	// OTEL_SERVICE_NAME, where set, wins over the default name; the
	// process id and host name tell a fleet run's workers apart in its
	// trace.
	if env, err := resource.New(ctx, resource.WithProcessPID(), resource.WithHost(), resource.WithFromEnv()); err == nil {
		if merged, err := resource.Merge(res, env); err == nil {
			res = merged
		}
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	state.every.Store(every)
	state.on.Store(true)
	return func(ctx context.Context) error {
		state.on.Store(false)
		return tp.Shutdown(ctx)
	}, nil
}

func serviceName(s string) string {
	if s == "" {
		return "maker"
	}
	return s
}

// endpointOptions turn a base URL (what OTEL_EXPORTER_OTLP_ENDPOINT holds)
// into the exporter's endpoint, path and transport security.
func endpointOptions(raw string) ([]otlptracehttp.Option, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--otel-endpoint: want the collector's OTLP/HTTP URL, such as http://localhost:4318, got %q", raw)
	}
	opts := []otlptracehttp.Option{otlptracehttp.WithEndpoint(u.Host), otlptracehttp.WithURLPath(strings.TrimSuffix(u.Path, "/") + "/v1/traces")}
	if u.Scheme == "http" {
		opts = append(opts, otlptracehttp.WithInsecure())
	}
	return opts, nil
}

// stepEvery reads MAKER_OTEL_STEP_RATIO as "one step in every n".
func stepEvery() (int64, error) {
	ratio := DefaultStepRatio
	if v := os.Getenv(StepRatioEnv); v != "" {
		r, err := strconv.ParseFloat(v, 64)
		if err != nil || !(r >= 0 && r <= 1) {
			return 0, fmt.Errorf("%s: want a share of steps from 0 to 1, got %q", StepRatioEnv, v)
		}
		ratio = r
	}
	if ratio == 0 {
		return 0, nil
	}
	return max(1, int64(1/ratio+0.5)), nil
}

// Tracing reports whether an exporter is installed.
func Tracing() bool { return state.on.Load() }

// tracer is maker's tracer on the global provider.
func tracer() trace.Tracer { return otel.Tracer(ScopeName, trace.WithSchemaURL(semconv.SchemaURL)) }

// SplitModel splits a model name as maker spells it ("openai/gpt-4.1-mini",
// "sim") into the GenAI conventions' provider name and model.
func SplitModel(name string) (provider, model string) {
	p, m, ok := strings.Cut(name, "/")
	if !ok {
		return name, name
	}
	switch p {
	case "gemini", "google":
		p = "gcp.gemini"
	}
	return p, m
}

// errorType is the error.type of an error: its Go type, since maker's
// errors carry no code.
func errorType(err error) string {
	for u := err; u != nil; u = errors.Unwrap(u) {
		if t := fmt.Sprintf("%T", u); !strings.HasPrefix(t, "*fmt.") && !strings.HasPrefix(t, "*errors.") {
			return t
		}
	}
	return "_OTHER"
}
