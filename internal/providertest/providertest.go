// Package providertest is the conformance suite every provider adapter
// (openai, anthropic, gemini) runs ([Run]), and the test helpers they
// share: a local fake API server that records what it was sent, a log sink
// that proves the API key never reaches a log line, and the checks every
// adapter's fault table makes. It lives under internal so that only this
// module's tests can use it.
package providertest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/provider"
)

// Logs collects everything written through the standard log package and
// slog's default logger while a package's tests run (the SDKs log through
// the former), and whatever a test logs through [DebugLogger].
var Logs LockedBuffer

// LockedBuffer is a bytes.Buffer safe for concurrent writers.
type LockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p.
func (b *LockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *LockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// DebugLogger logs everything, debug level included, to [Logs].
func DebugLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(&Logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// Main runs a package's tests with every log going to [Logs], and fails
// the run if key shows up in any log line. Call it from TestMain.
func Main(m *testing.M, key string) {
	log.SetOutput(&Logs)
	slog.SetDefault(DebugLogger())
	code := m.Run()
	if strings.Contains(Logs.String(), key) {
		fmt.Fprintln(os.Stderr, "FAIL: the API key leaked into the logs")
		code = 1
	}
	os.Exit(code)
}

// Recorded is one request a [Fake] received.
type Recorded struct {
	Path   string
	Query  string
	Header http.Header
	Body   map[string]any // the JSON body
}

// Reply answers one request; body is the request's JSON body.
type Reply func(w http.ResponseWriter, r *http.Request, body map[string]any)

// Fake is a local server standing in for a provider's API. It records each
// request and answers with its reply.
type Fake struct {
	*httptest.Server
	mu    sync.Mutex
	reqs  []Recorded
	reply Reply
}

// NewFake starts a Fake that answers with reply, closed when t ends. A
// request body that is not JSON fails t.
func NewFake(t *testing.T, reply Reply) *Fake {
	t.Helper()
	f := &Fake{reply: reply}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var body map[string]any
		if err := json.Unmarshal(raw, &body); err != nil {
			t.Errorf("request body is not JSON: %v: %s", err, raw)
		}
		f.mu.Lock()
		f.reqs = append(f.reqs, Recorded{Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: body})
		f.mu.Unlock()
		f.reply(w, r, body)
	}))
	t.Cleanup(f.Close)
	return f
}

// Requests returns the requests received so far, in order.
func (f *Fake) Requests() []Recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Recorded(nil), f.reqs...)
}

// AssertNoKey fails t if key shows anywhere in err or its chain, in any of
// the ways a caller might print it.
func AssertNoKey(t *testing.T, err error, key string) {
	t.Helper()
	for e := err; e != nil; e = errors.Unwrap(e) {
		for _, s := range []string{e.Error(), fmt.Sprintf("%+v", e), fmt.Sprintf("%#v", e)} {
			if strings.Contains(s, key) {
				t.Fatalf("the API key leaked into an error: %s", s)
			}
		}
	}
}

// Fault is what one failed call must come back as.
type Fault struct {
	Status     int           // the HTTP status, 0 for none
	Retryable  bool          // whether a retry may help
	RetryAfter time.Duration // the wait asked for, to a tenth of a second
	Mention    string        // the message must say this
}

// CheckFault asserts that err, from a single attempt of model (the full
// name, such as "gemini/gemini-2.5-flash"), is a *[provider.Error]
// classified as want, that it names the model, that exactly one request
// was sent (retrying is the shared wrapper's job) and that key is nowhere
// in it.
func CheckFault(t *testing.T, err error, want Fault, model string, requests int, key string) {
	t.Helper()
	var e *provider.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T), want *provider.Error", err, err)
	}
	if ok, wait := provider.Retryable(err); ok != want.Retryable || wait != e.RetryAfter {
		t.Errorf("provider.Retryable = %v, %v; want %v, %v", ok, wait, want.Retryable, e.RetryAfter)
	}
	if e.Status != want.Status || e.Retryable != want.Retryable || e.Temporary() != want.Retryable {
		t.Errorf("status %d retryable %v, want %d %v (%v)", e.Status, e.Retryable, want.Status, want.Retryable, err)
	}
	if d := e.RetryAfter - want.RetryAfter; d < -time.Second/10 || d > time.Second/10 {
		t.Errorf("retry after %v, want %v", e.RetryAfter, want.RetryAfter)
	}
	if !strings.Contains(err.Error(), want.Mention) {
		t.Errorf("error %q does not mention %q", err, want.Mention)
	}
	if !strings.HasPrefix(err.Error(), model+": ") {
		t.Errorf("error %q does not name the model", err)
	}
	if requests != 1 {
		t.Errorf("%d requests, want 1: retrying is the shared wrapper's job", requests)
	}
	AssertNoKey(t, err, key)
}

// CheckRefusedRun asserts that a run against a server that refuses the key
// (and echoes it back) failed, still returned its result, and kept key out
// of the error and the summary, which must name keyEnv, the setting to fix.
func CheckRefusedRun[S any](t *testing.T, res *maker.Result[S], err error, key, keyEnv string) {
	t.Helper()
	if err == nil {
		t.Fatal("run succeeded against a server that refuses the key")
	}
	AssertNoKey(t, err, key)
	if res == nil {
		t.Fatal("a failed run returns no result")
	}
	out, _ := json.Marshal(res.Summary)
	if strings.Contains(string(out), key) {
		t.Fatalf("the API key leaked into the summary: %s", out)
	}
	if !strings.Contains(string(out), keyEnv) {
		t.Errorf("the summary does not name the key variable: %s", out)
	}
}
