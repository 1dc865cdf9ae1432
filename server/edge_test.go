package server

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/slowloris"
	"github.com/maker-go/maker/runs"
)

// TestHostAllowList: a request whose Host is not a name of the service (a
// page on a rebound DNS name) is refused on every route, /mcp and the
// routes that need no token included, before it reaches a run.
func TestHostAllowList(t *testing.T) {
	mgr, err := runs.New(context.Background(), filepath.Join(t.TempDir(), "maker.db"), &runs.Runner{}, runs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mgr.Shutdown(context.Background()) })
	hs := httptest.NewServer(New(Config{Manager: mgr, AllowHosts: []string{"maker.example.com", "Proxy.Internal:8443"}}))
	t.Cleanup(hs.Close)
	_, port, _ := net.SplitHostPort(hs.Listener.Addr().String())
	for _, c := range []struct {
		method, path, host string
		want               int
	}{
		{"POST", "/v1/runs", "evil.example:" + port, http.StatusMisdirectedRequest},
		{"POST", "/v1/runs", "evil.example", http.StatusMisdirectedRequest},
		{"GET", "/v1/runs", "evil.example:" + port, http.StatusMisdirectedRequest},
		{"POST", "/v1/runs/x/cancel", "evil.example:" + port, http.StatusMisdirectedRequest},
		{"GET", "/", "evil.example:" + port, http.StatusMisdirectedRequest},
		{"GET", "/healthz", "evil.example:" + port, http.StatusMisdirectedRequest},
		{"POST", "/v1/session", "evil.example:" + port, http.StatusMisdirectedRequest},
		{"POST", "/mcp", "evil.example:" + port, http.StatusMisdirectedRequest},
		{"GET", "/v1/runs", "localhost.evil.example", http.StatusMisdirectedRequest},
		{"GET", "/v1/runs", "127.0.0.2:" + port, http.StatusMisdirectedRequest},
		{"GET", "/v1/runs", "proxy.internal:9999", http.StatusMisdirectedRequest}, // allowed on 8443 only
		{"GET", "/v1/runs", "127.0.0.1:" + port, http.StatusOK},
		{"GET", "/v1/runs", "127.0.0.1", http.StatusOK},
		{"GET", "/v1/runs", "localhost:" + port, http.StatusOK},
		{"GET", "/v1/runs", "LOCALHOST", http.StatusOK},
		{"GET", "/v1/runs", "localhost.", http.StatusOK},
		{"GET", "/v1/runs", "[::1]:" + port, http.StatusOK},
		{"GET", "/v1/runs", "[::1]", http.StatusOK},
		{"GET", "/v1/runs", "localhost:8080", http.StatusOK}, // a tunnel's port
		{"GET", "/v1/runs", "maker.example.com", http.StatusOK},
		{"GET", "/v1/runs", "maker.example.com:443", http.StatusOK},
		{"GET", "/v1/runs", "proxy.internal:8443", http.StatusOK},
	} {
		req, _ := http.NewRequest(c.method, hs.URL+c.path, strings.NewReader(`{"kind":"hanoi"}`))
		req.Host = c.host
		req.Header.Set("Origin", "http://"+c.host)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != c.want {
			t.Errorf("%s %s with Host %q: %d %.80q, want %d", c.method, c.path, c.host, res.StatusCode, b, c.want)
			continue
		}
		if c.want == http.StatusMisdirectedRequest {
			var e apiError
			if err := json.Unmarshal(b, &e); err != nil || !strings.Contains(e.Error, "host") || strings.Count(strings.TrimSpace(string(b)), "\n") > 0 {
				t.Errorf("%s %s with Host %q: body %q, want a one-line JSON error naming the host", c.method, c.path, c.host, b)
			}
		}
	}
}

// TestDashboardOpensWithToken: with a token, the dashboard's page and its
// script (they hold no data) are served to a browser that has not signed
// in, so that the page can show its sign-in form; the data stays behind
// the token.
func TestDashboardOpensWithToken(t *testing.T) {
	const token = "s3cret-token-0123456789"
	_, hs := newTestServer(t, token)
	for _, c := range []struct {
		path string
		want int
	}{
		{"/", 200},
		{"/assets/echarts.js", 200},
		{"/v1/runs", 401},
		{"/openapi.json", 401},
		{"/index.html", 401},
	} {
		res, err := http.Get(hs.URL + c.path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != c.want {
			t.Errorf("GET %s without a token: %d, want %d", c.path, res.StatusCode, c.want)
		}
		if strings.Contains(string(b), token) {
			t.Errorf("GET %s: the token appears in the answer", c.path)
		}
	}
}

// TestSessionCookieAttributes: the dashboard's cookie expires, is out of
// reach of scripts and other sites, and is Secure when the service is
// reached over TLS or is told it sits behind a TLS proxy.
func TestSessionCookieAttributes(t *testing.T) {
	const token = "s3cret-token-0123456789"
	mgr, err := runs.New(context.Background(), filepath.Join(t.TempDir(), "maker.db"), &runs.Runner{}, runs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mgr.Shutdown(context.Background()) })
	for _, c := range []struct {
		name         string
		tls, proxied bool
		secure       bool
	}{
		{"plain HTTP", false, false, false},
		{"TLS", true, false, true},
		{"behind a TLS proxy", false, true, true},
	} {
		h := New(Config{Manager: mgr, Token: token, SecureCookie: c.proxied})
		hs := httptest.NewUnstartedServer(h)
		client := http.DefaultClient
		if c.tls {
			hs.StartTLS()
			client = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
		} else {
			hs.Start()
		}
		res, err := client.Post(hs.URL+"/v1/session", "application/json", strings.NewReader(`{"token":"`+token+`"}`))
		hs.Close()
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if len(res.Cookies()) != 1 {
			t.Fatalf("%s: %d cookies", c.name, len(res.Cookies()))
		}
		k := res.Cookies()[0]
		if !k.HttpOnly || k.SameSite != http.SameSiteStrictMode || k.MaxAge != int(SessionLifetime/time.Second) || k.Path != "/" || k.Secure != c.secure {
			t.Errorf("%s: cookie %q, want HttpOnly, SameSite=Strict, Max-Age=%d, Path=/, Secure=%v", c.name, res.Header.Get("Set-Cookie"), int(SessionLifetime/time.Second), c.secure)
		}
	}
}

// TestSlowClientsAreClosed: connections that send their body a byte at a
// time are closed once the body's deadline passes, those without the
// token as well as those with it, while the service goes on answering;
// an event stream outlives the body deadline.
func TestSlowClientsAreClosed(t *testing.T) {
	const token = "s3cret-token-0123456789"
	mgr, err := runs.New(context.Background(), filepath.Join(t.TempDir(), "maker.db"), &runs.Runner{}, runs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mgr.Shutdown(context.Background()) })
	to := Timeouts{ReadHeader: 300 * time.Millisecond, Read: 500 * time.Millisecond, Idle: time.Second, Event: time.Second}
	s := New(Config{Manager: mgr, Token: token, Timeouts: to})
	hs := s.HTTPServer()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	addr := ln.Addr().String()

	const n = 20
	start := time.Now()
	var closed []<-chan struct{}
	for i := range n {
		h := http.Header{}
		if i%2 == 0 {
			h.Set("Authorization", "Bearer "+token)
		}
		path := []string{"/v1/runs", "/v1/plan", "/v1/session", "/mcp"}[i%4]
		c, err := slowloris.Dial(context.Background(), addr, path, h, 100000, 100*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		closed = append(closed, c.Closed())
	}
	// The service answers others meanwhile.
	req, _ := http.NewRequest("GET", "http://"+addr+"/v1/runs", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("GET /v1/runs during the slow requests: %v %v", res, err)
	}
	res.Body.Close()
	// Well past the deadline, but long before a client sending a byte
	// every 100 ms would finish its 100,000 bytes (10,000 s).
	limit := time.After(15 * time.Second)
	for i, c := range closed {
		select {
		case <-c:
		case <-limit:
			t.Fatalf("slow connection %d still open %s after it began (read timeout %s)", i, time.Since(start).Round(time.Millisecond), to.Read)
		}
	}
	t.Logf("%d slow connections closed within %s (read timeout %s)", n, time.Since(start).Round(time.Millisecond), to.Read)
}

// TestLongAnswerOutlivesReadTimeout: the read timeout bounds sending the
// request; an answer that takes longer (an event stream, an MCP call that
// waits for a run) is not cut off by it, with a body or without.
func TestLongAnswerOutlivesReadTimeout(t *testing.T) {
	mgr, err := runs.New(context.Background(), filepath.Join(t.TempDir(), "maker.db"), &runs.Runner{}, runs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mgr.Shutdown(context.Background()) })
	s := New(Config{Manager: mgr, Timeouts: Timeouts{ReadHeader: 200 * time.Millisecond, Read: 200 * time.Millisecond}})
	s.mux.Handle("/slow", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			t.Errorf("body: %v", err)
		}
		select {
		case <-time.After(time.Second):
			fmt.Fprint(w, "late answer")
		case <-r.Context().Done():
		}
	}))
	hs := httptest.NewUnstartedServer(nil)
	hs.Config = s.HTTPServer()
	hs.Start()
	t.Cleanup(hs.Close)
	for _, c := range []struct {
		method string
		body   io.Reader
	}{{"POST", strings.NewReader(`{}`)}, {"GET", nil}} {
		req, _ := http.NewRequest(c.method, hs.URL+"/slow", c.body)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if string(b) != "late answer" {
			t.Errorf("%s: an answer 1 s after a request read in time: %d %q (cut off by the 200 ms read timeout?)", c.method, res.StatusCode, b)
		}
	}
}

// stuckWriter is a ResponseWriter whose writes block until the write
// deadline the handler set passes, as a connection to a client that has
// stopped reading does once its buffers are full; with no deadline, until
// giveUp is closed.
type stuckWriter struct {
	header http.Header
	giveUp chan struct{}
	mu     sync.Mutex
	dl     time.Time
	dls    int
}

func (w *stuckWriter) Header() http.Header { return w.header }
func (w *stuckWriter) WriteHeader(int)     {}
func (w *stuckWriter) Flush()              {}
func (w *stuckWriter) SetWriteDeadline(t time.Time) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.dl = t
	w.dls++
	return nil
}
func (w *stuckWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	dl := w.dl
	w.mu.Unlock()
	if dl.IsZero() {
		<-w.giveUp
		return 0, errors.New("stuck without a deadline")
	}
	time.Sleep(time.Until(dl))
	return 0, errors.New("i/o timeout")
}

// TestEventStreamDropsStuckClient: an event stream sets a write deadline
// before each event, so a client that stops reading is dropped once the
// deadline passes instead of holding the stream for good.
func TestEventStreamDropsStuckClient(t *testing.T) {
	ctx := context.Background()
	mgr, err := runs.New(ctx, filepath.Join(t.TempDir(), "maker.db"), &runs.Runner{}, runs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mgr.Shutdown(context.Background()) })
	rec, err := mgr.DB().Create(ctx, maker.NewRun{Kind: "hanoi", Task: "hanoi-3", TotalSteps: 7}, maker.JournalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rec.Close() })
	s := New(Config{Manager: mgr, Timeouts: Timeouts{Event: 200 * time.Millisecond}})
	w := &stuckWriter{header: http.Header{}, giveUp: make(chan struct{})}
	req := httptest.NewRequest("GET", "/v1/runs/"+rec.ID()+"/events", nil)
	req.Host = "127.0.0.1"
	done := make(chan struct{})
	go func() { s.ServeHTTP(w, req); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		close(w.giveUp)
		<-done
		t.Fatal("the stream was still writing to a client that reads nothing 5 s after a 200 ms event deadline")
	}
	if w.dls == 0 {
		t.Error("the stream set no write deadline")
	}
}
