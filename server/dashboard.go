package server

import (
	_ "embed"
	"net/http"

	"github.com/maker-go/maker/report"
)

// dashboardHTML is the live dashboard: the runs table (status-coloured
// progress, start, time taken, cost, model; filtered and paged by GET
// /v1/runs) and, for the run chosen, why it stopped (its stop reason and
// first wrong step with that step's tally), its settings, pace, ETA, cost
// against its budget and speculation, charts of samples, cost and red
// flags by step fed by the run's event stream, and a step explorer (GET
// /v1/runs/{id}/steps/{n}) that a chart's point or a step number opens.
// It fits a window 800 px wide. It loads nothing but itself and the
// report's embedded ECharts build from this server.
//
//go:embed dashboard.html
var dashboardHTML []byte

func (s *Server) dashboard(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'")
	_, _ = w.Write(dashboardHTML)
}

func (s *Server) echarts(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	_, _ = w.Write([]byte(report.EChartsJS()))
}
