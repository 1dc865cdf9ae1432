package server

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/telemetry"
)

// Metrics are the service's Prometheus collectors. Make them before the
// Manager (whose OnStep is [Metrics.OnStep]) and give them to the server.
type Metrics struct {
	reg      *prometheus.Registry
	steps    prometheus.Counter
	samples  prometheus.Counter
	flagged  *prometheus.CounterVec
	cost     prometheus.Counter
	retries  prometheus.Counter
	requests *prometheus.HistogramVec
	manager  *runs.Manager
}

// NewMetrics registers the collectors in reg; the Manager, once set with
// [Metrics.SetManager], is asked for the runs by state at every scrape.
func NewMetrics(reg *prometheus.Registry) *Metrics {
	met := &Metrics{
		reg:     reg,
		steps:   prometheus.NewCounter(prometheus.CounterOpts{Name: "maker_steps_total", Help: "Steps decided by the runs of this process."}),
		samples: prometheus.NewCounter(prometheus.CounterOpts{Name: "maker_samples_total", Help: "Samples drawn (model calls) by the runs of this process."}),
		flagged: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "maker_flagged_samples_total", Help: "Red-flagged samples, by reason."}, []string{"reason"}),
		cost:    prometheus.NewCounter(prometheus.CounterOpts{Name: "maker_cost_usd_total", Help: "Cost of the samples drawn, in USD."}),
		retries: prometheus.NewCounter(prometheus.CounterOpts{Name: "maker_retries_total", Help: "Provider request retries."}),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "maker_http_request_duration_seconds", Help: "API request latency by route (event streams: until the stream ends).",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10},
		}, []string{"route", "code"}),
	}
	runsByState := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "maker_runs_live", Help: "Runs running in this process."},
		func() float64 {
			if met.manager == nil {
				return 0
			}
			return float64(len(met.manager.Running()))
		})
	reg.MustRegister(met.steps, met.samples, met.flagged, met.cost, met.retries, met.requests, runsByState,
		&stateCollector{met: met},
		// What dashboards of any Go service expect: resident memory, CPU,
		// open files (process_*), goroutines, heap and GC (go_*).
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), collectors.NewGoCollector())
	// The GenAI client metrics of every run this process runs.
	if g, err := telemetry.NewGenAIMetrics(reg); err == nil {
		telemetry.SetMetrics(g)
	}
	return met
}

// routeLabel is a route's label: its pattern as a person writes it, the
// dashboard's "/{$}" (exactly "/") as "/". Path values stay named
// ("/v1/runs/{id}"), so the label never carries a run's id.
func routeLabel(pattern string) string {
	if p := strings.TrimSuffix(pattern, "{$}"); p != "" {
		return p
	}
	return pattern
}

// SetManager sets the Manager whose runs are counted by state; call it
// before serving.
func (met *Metrics) SetManager(m *runs.Manager) { met.manager = m }

// OnStep counts a decided step: give it to [runs.Options].
func (met *Metrics) OnStep(_ string, rec *maker.StepRecord) {
	met.steps.Inc()
	met.samples.Add(float64(len(rec.Samples)))
	met.cost.Add(rec.CostUSD)
	met.retries.Add(float64(rec.Retries))
	for i := range rec.Samples {
		if f := rec.Samples[i].Flag; f != maker.FlagNone {
			met.flagged.WithLabelValues(string(f)).Inc()
		}
	}
}

func (s *Server) metrics(w http.ResponseWriter, r *http.Request) {
	promhttp.HandlerFor(s.met.reg, promhttp.HandlerOpts{}).ServeHTTP(w, r)
}

// instrument times the requests of one route.
func (met *Metrics) instrument(route string, h http.HandlerFunc) http.Handler {
	route = routeLabel(route)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		h(sw, r)
		met.requests.WithLabelValues(route, strconv.Itoa(sw.code)).Observe(time.Since(start).Seconds())
	})
}

// statusWriter remembers the status code; it flushes for event streams.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	w.code = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// FlushError flushes and says whether the connection took it, for
// http.ResponseController.
func (w *statusWriter) FlushError() error {
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap gives http.ResponseController the connection's writer (its
// deadlines).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// stateCollector reports the journal's runs by status at each scrape.
type stateCollector struct{ met *Metrics }

var runsDesc = prometheus.NewDesc("maker_runs", "Journaled runs by status.", []string{"status"}, nil)

func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) { ch <- runsDesc }

func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	if c.met.manager == nil {
		return
	}
	// A page of one run for each status: the journal counts each in its
	// status index, without reading the runs.
	for _, st := range maker.RunStatuses {
		p, err := c.met.manager.List(context.Background(), runs.Filter{Status: st, Limit: 1})
		if err != nil {
			return
		}
		ch <- prometheus.MustNewConstMetric(runsDesc, prometheus.GaugeValue, float64(p.Total), st)
	}
}
