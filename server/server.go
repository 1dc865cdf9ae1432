package server

import (
	"context"
	"crypto/subtle"
	_ "embed"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/maker-go/maker/mcp"
	"github.com/maker-go/maker/runs"
)

//go:embed openapi.json
var openAPI []byte

// OpenAPI is the service's OpenAPI 3.1 document.
func OpenAPI() []byte { return openAPI }

// Config configures a [Server].
type Config struct {
	Manager *runs.Manager
	// Token, when set, is the bearer token every request but /healthz
	// must carry.
	Token string
	// Report writes the HTML report of run id (the command line's
	// renderer); nil answers 501.
	Report func(ctx context.Context, id string, w io.Writer) error
	// Metrics registers the server's collectors; nil: a registry of its
	// own.
	Metrics *Metrics
	Logger  *slog.Logger
}

// MaxBody is the largest request body read (a task file's text included).
const MaxBody = 1 << 20

// Server is the HTTP handler of the service.
type Server struct {
	cfg Config
	mux *http.ServeMux
	met *Metrics

	handler http.Handler // the routes behind cross-origin protection

	stopOnce sync.Once
	stopped  chan struct{}
}

// StopStreams ends every open event stream (they never go idle by
// themselves), for a graceful shutdown: call it from
// http.Server.RegisterOnShutdown.
func (s *Server) StopStreams() { s.stopOnce.Do(func() { close(s.stopped) }) }

// route is one registered route; routes is the list the OpenAPI test
// checks against the document.
type route struct {
	method, path string
	h            http.HandlerFunc
}

func (s *Server) routes() []route {
	return []route{
		{"GET", "/{$}", s.dashboard},
		{"GET", "/assets/echarts.js", s.echarts},
		{"GET", "/healthz", s.healthz},
		{"GET", "/metrics", s.metrics},
		{"GET", "/openapi.json", s.openapi},
		{"POST", "/v1/runs", s.createRun},
		{"GET", "/v1/runs", s.listRuns},
		{"GET", "/v1/runs/{id}", s.getRun},
		{"POST", "/v1/runs/{id}/cancel", s.cancelRun},
		{"POST", "/v1/runs/{id}/resume", s.resumeRun},
		{"GET", "/v1/runs/{id}/replay", s.replayRun},
		{"GET", "/v1/runs/{id}/events", s.events},
		{"GET", "/v1/runs/{id}/report", s.report},
		{"POST", "/v1/plan", s.plan},
		{"POST", "/v1/session", s.session},
	}
}

// Routes lists the registered routes as "METHOD /path" (paths in the
// OpenAPI template form, /v1/runs/{id}).
func (s *Server) Routes() []string {
	var out []string
	for _, r := range s.routes() {
		out = append(out, r.method+" "+strings.TrimSuffix(r.path, "{$}"))
	}
	return out
}

// New returns the service's handler.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Metrics == nil {
		cfg.Metrics = NewMetrics(prometheus.NewRegistry())
		cfg.Metrics.SetManager(cfg.Manager)
	}
	s := &Server{cfg: cfg, mux: http.NewServeMux(), met: cfg.Metrics, stopped: make(chan struct{})}
	s.handler = http.NewCrossOriginProtection().Handler(s.mux)
	for _, r := range s.routes() {
		s.mux.Handle(r.method+" "+r.path, s.met.instrument(r.path, r.h))
	}
	s.mux.Handle("/mcp", mcp.Handler(cfg.Manager, cfg.Logger)) // MCP over streamable HTTP (docs/service.md)
	return s
}

// ServeHTTP implements [http.Handler]: the bearer token, cross-site
// request protection (a browser's POST from another origin is refused, so
// no page elsewhere can cancel or start runs through a user's browser),
// then the route.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Token != "" && r.URL.Path != "/healthz" && r.URL.Path != "/v1/session" && !s.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="maker"`)
		writeError(w, http.StatusUnauthorized, "missing or wrong bearer token")
		return
	}
	s.handler.ServeHTTP(w, r)
}

// authorized compares the request's bearer token, or the dashboard's
// session cookie, with the server's token in constant time.
func (s *Server) authorized(r *http.Request) bool {
	if got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return s.isToken(got)
	}
	c, err := r.Cookie(sessionCookie)
	return err == nil && s.isToken(c.Value)
}

func (s *Server) isToken(got string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(s.cfg.Token)) == 1
}

// sessionCookie holds the token for the dashboard, which a browser cannot
// give a bearer header to (EventSource sets no headers). It is HttpOnly
// and SameSite=Strict, and the state-changing routes are behind
// cross-origin protection as well.
const sessionCookie = "maker_session"

// session exchanges the token, given once in a request body, for the
// dashboard's cookie.
func (s *Server) session(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Token string `json:"token"`
	}
	if err := decode(w, r, &body); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if s.cfg.Token == "" {
		w.WriteHeader(http.StatusNoContent) // nothing to log in to
		return
	}
	if !s.isToken(body.Token) {
		writeError(w, http.StatusUnauthorized, "wrong token")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: body.Token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "running": len(s.cfg.Manager.Running())})
}

func (s *Server) openapi(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPI)
}
