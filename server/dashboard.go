package server

import (
	_ "embed"
	"net/http"

	"github.com/maker-go/maker/report"
)

// dashboardHTML is the live dashboard: the runs table and, for the run
// chosen, its progress, pace, ETA and cost, with charts of samples per
// step and red flags fed by the run's event stream. It loads nothing but
// itself and the report's embedded ECharts build from this server.
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
