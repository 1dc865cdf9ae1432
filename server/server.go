package server

import (
	"context"
	"crypto/subtle"
	_ "embed"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

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
	// Token, when set, is the bearer token (or the dashboard's cookie)
	// every request must carry but liveness, the sign-in and the
	// dashboard's page and script (see open).
	Token string
	// Report writes the HTML report of run id (the command line's
	// renderer); nil answers 501.
	Report func(ctx context.Context, id string, w io.Writer) error
	// Prompt rebuilds the prompt of a journaled step for GET
	// /v1/runs/{id}/steps/{n} (the command line's task kinds); nil
	// answers steps without it.
	Prompt PromptFunc
	// Metrics registers the server's collectors; nil: a registry of its
	// own.
	Metrics *Metrics
	Logger  *slog.Logger
	// AllowHosts are the names, besides localhost, 127.0.0.1, [::1] and
	// the address a connection reached, that a request's Host may give:
	// "name" on any port, "name:port" on that port only. Every other Host
	// is answered 421, so that a page whose DNS name was rebound to this
	// machine cannot reach the service through a visitor's browser.
	AllowHosts []string
	// SecureCookie marks the dashboard's cookie Secure even on plain HTTP:
	// for a service behind a proxy that terminates TLS. Over TLS it is
	// Secure anyway.
	SecureCookie bool
	// Timeouts bound how long a client may hold a connection without
	// making progress; zero fields take [DefaultTimeouts]'.
	Timeouts Timeouts
}

// Timeouts bound slow and stalled clients. There is no bound on a whole
// answer: an event stream or an MCP call that waits for a run lasts as
// long as it must.
type Timeouts struct {
	// ReadHeader is the time to send the request line and headers.
	ReadHeader time.Duration
	// Read is the time to send the whole request, body included
	// (http.Server's ReadTimeout, whose deadline net/http lifts once the
	// body is read, so that it bounds the request, not the answer).
	Read time.Duration
	// Idle is how long a kept-alive connection may wait for its next
	// request.
	Idle time.Duration
	// Event is the time to write each event of an event stream, so that
	// a client that stops reading is dropped.
	Event time.Duration
}

// DefaultTimeouts: a request is sent within 30 s (headers within 10 s; a
// 1 MiB task file needs 35 KiB/s), an idle connection is closed after
// 60 s, and a stream's event, which is small, is taken within 30 s.
var DefaultTimeouts = Timeouts{ReadHeader: 10 * time.Second, Read: 30 * time.Second, Idle: 60 * time.Second, Event: 30 * time.Second}

// withDefaults fills the zero fields of t from DefaultTimeouts.
func (t Timeouts) withDefaults() Timeouts {
	d := DefaultTimeouts
	for _, f := range []struct{ v, def *time.Duration }{{&t.ReadHeader, &d.ReadHeader}, {&t.Read, &d.Read}, {&t.Idle, &d.Idle}, {&t.Event, &d.Event}} {
		if *f.v <= 0 {
			*f.v = *f.def
		}
	}
	return t
}

// SessionLifetime is the Max-Age of the dashboard's cookie: a working
// day. The cookie carries the token's authority, so a browser left signed
// in forgets it by the next day, and the page asks for the token again.
const SessionLifetime = 12 * time.Hour

// MaxBody is the largest request body read, but for a new run's.
const MaxBody = 1 << 20

// MaxRunBody is the largest body of POST /v1/runs: a task file's text and
// the data files sent with it (params.files) are read whole, and kept in
// the journal with the run.
const MaxRunBody = 16 << 20

// Server is the HTTP handler of the service.
type Server struct {
	cfg Config
	mux *http.ServeMux
	met *Metrics

	handler http.Handler    // the routes behind cross-origin protection
	hosts   map[string]bool // allowed Host names (any port) and name:port pairs

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
		{"POST", "/v1/runs/{id}/approve", s.approveRun},
		{"POST", "/v1/runs/{id}/reject", s.rejectRun},
		{"GET", "/v1/runs/{id}/decisions", s.runDecisions},
		{"GET", "/v1/decisions", s.decisions},
		{"GET", "/v1/runs/{id}/replay", s.replayRun},
		{"GET", "/v1/runs/{id}/steps", s.listSteps},
		{"GET", "/v1/runs/{id}/steps/{n}", s.getStep},
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
	cfg.Timeouts = cfg.Timeouts.withDefaults()
	s := &Server{cfg: cfg, mux: http.NewServeMux(), met: cfg.Metrics, stopped: make(chan struct{}), hosts: map[string]bool{}}
	for _, h := range append([]string{"localhost", "127.0.0.1", "::1"}, cfg.AllowHosts...) {
		s.hosts[normalHost(h)] = true
	}
	s.handler = http.NewCrossOriginProtection().Handler(s.mux)
	for _, r := range s.routes() {
		s.mux.Handle(r.method+" "+r.path, s.met.instrument(r.path, r.h))
	}
	s.mux.Handle("/mcp", mcp.Handler(cfg.Manager, cfg.Logger)) // MCP over streamable HTTP (docs/service.md)
	return s
}

// HTTPServer returns an [http.Server] for s with its timeouts, whose
// Shutdown ends the event streams.
func (s *Server) HTTPServer() *http.Server {
	t := s.cfg.Timeouts
	hs := &http.Server{Handler: s, ReadHeaderTimeout: t.ReadHeader, ReadTimeout: t.Read, IdleTimeout: t.Idle}
	hs.RegisterOnShutdown(s.StopStreams)
	return hs
}

// ServeHTTP implements [http.Handler]: the Host allow-list (a page on a rebound DNS name reaches nothing), the bearer
// token, cross-site request protection (a browser's POST from another
// origin is refused, so no page elsewhere can cancel or start runs
// through a user's browser), then the route.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.allowedHost(r) {
		writeError(w, http.StatusMisdirectedRequest, fmt.Sprintf("host %.100q is not a name of this service (maker serve --allow-host adds one)", r.Host))
		return
	}
	if s.cfg.Token != "" && !open(r.URL.Path) && !s.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="maker"`)
		writeError(w, http.StatusUnauthorized, "missing or wrong bearer token")
		return
	}
	s.handler.ServeHTTP(w, r)
}

// open reports whether path is served without the token: liveness, the
// sign-in, and the dashboard's page and script, which hold no data (the
// page asks for the token when the API answers 401).
func open(path string) bool {
	switch path {
	case "/healthz", "/v1/session", "/", "/assets/echarts.js":
		return true
	}
	return false
}

// allowedHost reports whether the request's Host is a name of this
// service: one of s.hosts on any port (a tunnel or a proxy may change the
// port; what a rebinding page controls is the name), a name:port pair of
// s.hosts, or the address the connection reached (a client that dialled
// an address by number names it).
func (s *Server) allowedHost(r *http.Request) bool {
	host := normalHost(r.Host)
	if host == "" {
		return false
	}
	name := host
	if h, _, err := net.SplitHostPort(host); err == nil {
		name = h
	}
	name = strings.Trim(name, "[]")
	if s.hosts[name] || s.hosts[host] {
		return true
	}
	if la, ok := r.Context().Value(http.LocalAddrContextKey).(*net.TCPAddr); ok {
		if ip := net.ParseIP(name); ip != nil && ip.Equal(la.IP) {
			return true
		}
	}
	return false
}

// normalHost is a Host or an allowed name in the form allowedHost
// compares: lower case, without a DNS name's trailing dot.
func normalHost(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	if name, port, err := net.SplitHostPort(h); err == nil {
		name = strings.TrimSuffix(name, ".")
		if strings.Contains(name, ":") {
			return "[" + name + "]:" + port
		}
		return name + ":" + port
	}
	return strings.TrimSuffix(strings.Trim(h, "[]"), ".")
}

// authorized compares the request's bearer token, or the dashboard's
// session cookie, with the server's token in constant time. The scheme
// is case-insensitive, as HTTP's authentication schemes are.
func (s *Server) authorized(r *http.Request) bool {
	if scheme, got, _ := strings.Cut(r.Header.Get("Authorization"), " "); strings.EqualFold(scheme, "Bearer") {
		return s.isToken(strings.TrimLeft(got, " "))
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
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: body.Token, Path: "/", MaxAge: int(SessionLifetime / time.Second),
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil || s.cfg.SecureCookie,
	})
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "running": len(s.cfg.Manager.Running())})
}

func (s *Server) openapi(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPI)
}
