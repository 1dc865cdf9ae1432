package telemetry

import (
	"errors"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/maker-go/maker"
)

// GenAIMetrics are the GenAI client metrics of the semantic conventions,
// gen_ai.client.token.usage and gen_ai.client.operation.duration, kept in
// a Prometheus registry: the service's /metrics is the one place maker's
// metrics are read, so they are not exported a second way over OTLP.
// Prometheus spells the names with underscores and the unit:
// gen_ai_client_token_usage and gen_ai_client_operation_duration_seconds.
type GenAIMetrics struct {
	tokens   *prometheus.HistogramVec
	duration *prometheus.HistogramVec
}

// metrics is the process's GenAI metrics, set by [SetMetrics].
var metrics atomic.Pointer[GenAIMetrics]

// NewGenAIMetrics registers the GenAI client metrics in reg.
func NewGenAIMetrics(reg prometheus.Registerer) (*GenAIMetrics, error) {
	labels := []string{"gen_ai_operation_name", "gen_ai_provider_name", "gen_ai_request_model"}
	m := &GenAIMetrics{
		tokens: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "gen_ai_client_token_usage", Help: "Tokens used by a model call, by type (input, output).",
			// The conventions' advised boundaries.
			Buckets: []float64{1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864},
		}, append(labels, "gen_ai_token_type")),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "gen_ai_client_operation_duration_seconds", Help: "Duration of a model call; error_type is set when it failed.",
			Buckets: []float64{0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92},
		}, append(labels, "error_type")),
	}
	for _, c := range []prometheus.Collector{m.tokens, m.duration} {
		if err := reg.Register(c); err != nil {
			var are prometheus.AlreadyRegisteredError
			if !errors.As(err, &are) {
				return nil, err
			}
		}
	}
	return m, nil
}

// SetMetrics makes m the process's GenAI metrics: every session started
// after it counts its samples in them (nil stops that).
func SetMetrics(m *GenAIMetrics) { metrics.Store(m) }

// observe counts one sample.
func (m *GenAIMetrics) observe(provider, model string, sr *maker.SampleRecord) {
	if sr.Cancelled && sr.Text == "" && sr.Error == "" {
		return // never answered: no call completed
	}
	errType := ""
	if sr.Error != "" {
		errType = "_OTHER"
	}
	m.duration.WithLabelValues("chat", provider, model, errType).Observe(sr.Latency.Seconds())
	if sr.Error != "" {
		return
	}
	m.tokens.WithLabelValues("chat", provider, model, "input").Observe(float64(sr.InputTokens))
	m.tokens.WithLabelValues("chat", provider, model, "output").Observe(float64(sr.OutputTokens))
}
