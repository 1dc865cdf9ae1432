package provider

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/maker-go/maker"
)

const callKey = "sk-call-test-key-31c9"

var callInfo = Info{Provider: "acme", Model: "m1", KeyEnv: "ACME_KEY"}

func TestClassify(t *testing.T) {
	AddSecret(callKey)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	live := context.Background()
	fail := errors.New("boom " + callKey)
	tests := []struct {
		name           string
		ctx, reqCtx    context.Context
		err            error
		sent           bool
		status         int
		header         http.Header
		pending        bool
		retryable      bool
		retryAfter     time.Duration
		mention        string
		callerCanceled bool
	}{
		{"caller cancelled", cancelled, cancelled, fail, true, 500, nil, false, false, 0, "", true},
		{"timed out", live, cancelled, fail, true, 0, nil, false, true, 0, "no answer within the request timeout", false},
		{"never sent", live, live, fail, false, 0, nil, false, false, 0, "request not sent: boom", false},
		{"no response", live, live, fail, true, 0, nil, false, true, 0, "request failed: boom", false},
		{"unreadable body", live, live, fail, true, 200, nil, false, true, 0, "response body unreadable: boom", false},
		{"body too large", live, live, fmt.Errorf("read: %w", ErrBodyTooLarge), true, 200, nil, false, false, 0, "over the size limit", false},
		{"rate limited", live, live, fail, true, 429, http.Header{"Retry-After": {"4"}}, true, true, 4 * time.Second, "", false},
		{"overloaded", live, live, fail, true, 529, nil, true, true, 0, "", false},
		{"conflict", live, live, fail, true, 409, nil, true, true, 0, "", false},
		{"too early", live, live, fail, true, 425, nil, true, true, 0, "", false},
		{"bad request", live, live, fail, true, 400, nil, true, false, 0, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, final := Classify(tt.ctx, tt.reqCtx, callInfo, tt.err, tt.sent, tt.status, tt.header)
			if tt.callerCanceled {
				if e != nil || !errors.Is(final, context.Canceled) {
					t.Fatalf("got %v, %v; want the caller's cancellation", e, final)
				}
				return
			}
			if (e != nil) != tt.pending || (final == nil) != tt.pending {
				t.Fatalf("pending %v final %v, want pending %v", e, final, tt.pending)
			}
			if !tt.pending {
				if !errors.As(final, &e) {
					t.Fatalf("final %T, want *provider.Error", final)
				}
			} else if e.Status != tt.status {
				t.Errorf("status %d, want %d", e.Status, tt.status)
			}
			if e.Retryable != tt.retryable || e.RetryAfter != tt.retryAfter {
				t.Errorf("retryable %v after %v, want %v %v", e.Retryable, e.RetryAfter, tt.retryable, tt.retryAfter)
			}
			if ok, _ := Retryable(e); ok != tt.retryable {
				t.Errorf("Retryable = %v, want %v", ok, tt.retryable)
			}
			if !strings.Contains(e.Error(), tt.mention) || strings.Contains(e.Error(), callKey) || strings.Contains(e.Unwrap().Error(), callKey) {
				t.Errorf("error %q (cause %q): want %q and no key", e, e.Unwrap(), tt.mention)
			}
		})
	}
}

func TestExplain(t *testing.T) {
	AddSecret(callKey)
	tests := []struct {
		status      int
		keyRejected bool
		auth        bool
		want        string
	}{
		{401, false, true, "authentication failed: the API key in ACME_KEY was rejected: detail"},
		{400, true, true, "authentication failed: the API key in ACME_KEY was rejected: detail"},
		{403, true, true, "authentication failed: the API key in ACME_KEY was rejected: detail"},
		{403, false, true, "permission denied: the key in ACME_KEY may not use m1: detail"},
		{404, false, false, `not found: check the model name "m1" and the base URL: detail`},
		{429, false, false, "rate limited: detail"},
		{503, false, false, "server error: detail"},
		{400, false, false, "request rejected: detail"},
	}
	for _, tt := range tests {
		e := (&Error{Info: callInfo, Status: tt.status, Retryable: RetryableStatus(tt.status)}).Explain(tt.keyRejected, "detail")
		if e.Message != tt.want || e.Auth != tt.auth || (e.Auth && e.Retryable) {
			t.Errorf("%d %v: %q auth %v retryable %v, want %q auth %v", tt.status, tt.keyRejected, e.Message, e.Auth, e.Retryable, tt.want, tt.auth)
		}
	}
	e := (&Error{Info: callInfo, Status: 400}).Explain(false, "echo "+callKey)
	if strings.Contains(e.Message, callKey) || !strings.HasSuffix(e.Message, "echo [redacted]") {
		t.Errorf("detail not scrubbed: %q", e.Message)
	}
	if got, want := (&Error{Info: callInfo, Message: "rate limited", Status: 429, RetryAfter: 2 * time.Second}).Error(), "acme/m1: HTTP 429 Too Many Requests: rate limited (retry after 2s)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestRedactURLsInText(t *testing.T) {
	// In running text, such as a transport error's, every URL is cleaned.
	text := `Post "http://u:SECRET@h:1/v1/chat?token=SECRET": dial tcp: refused (is the server at http://u:SECRET@h:1/v1 running?)`
	if got := Redact(text); strings.Contains(got, "SECRET") || strings.Count(got, "[redacted]") != 3 {
		t.Errorf("Redact(%q) = %q", text, got)
	}
	e := TransportError(Info{Provider: "vllm", Model: "x", BaseURL: "http://u:SECRET@h:1/v1"}, errors.New("connect: refused"))
	if strings.Contains(e.Error(), "SECRET") {
		t.Errorf("error shows the password: %q", e)
	}
}

func TestCheckUsage(t *testing.T) {
	tests := []struct {
		in, cached, out int64
		bad             bool
	}{
		{1000, 200, 50, false},
		{0, 0, 0, false},
		{MaxTokenCount, MaxTokenCount, MaxTokenCount, false},
		{-1000000000, 0, 10, true},
		{10, -1, 10, true},
		{10, 0, -5, true},
		{10, 0, 1<<63 - 1, true},
		{MaxTokenCount + 1, 0, 1, true},
		{100, 101, 1, true},
	}
	for _, tt := range tests {
		err := CheckUsage(callInfo, tt.in, tt.cached, tt.out)
		if (err != nil) != tt.bad {
			t.Errorf("CheckUsage(%d, %d, %d) = %v, want bad %v", tt.in, tt.cached, tt.out, err, tt.bad)
		}
		if err != nil && (!errors.Is(err, ErrImpossibleUsage) || !strings.HasPrefix(err.Error(), "acme/m1: ")) {
			t.Errorf("error %q does not name the model or wrap ErrImpossibleUsage", err)
		}
	}
}

func TestBodyLimit(t *testing.T) {
	if got := BodyLimit(maker.Request{MaxTokens: 100}, 1); got != MinBodyLimit {
		t.Errorf("small request: limit %d, want %d", got, MinBodyLimit)
	}
	if got := BodyLimit(maker.Request{MaxTokens: 32000}, 4); got != 32000*4*64 {
		t.Errorf("large request: limit %d", got)
	}
}

// TestLimitBodyStopsAFlood reads a response that never ends through the
// capped transport: the read fails at the limit and the memory used stays
// near it, not near what the server sent.
func TestLimitBodyStopsAFlood(t *testing.T) {
	chunk := []byte(strings.Repeat("x", 64<<10))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		for i := 0; i < 64<<10; i++ { // up to 4 GiB
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	client := &http.Client{Transport: LimitBody(nil)}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	req, _ := http.NewRequestWithContext(WithBodyLimit(context.Background(), 2<<20), "GET", srv.URL, nil)
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(res.Body)
	res.Body.Close()
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrBodyTooLarge) || len(b) != 2<<20 {
		t.Fatalf("read %d bytes, err %v; want the limit and ErrBodyTooLarge", len(b), err)
	}
	if grown := after.TotalAlloc - before.TotalAlloc; grown > 64<<20 {
		t.Errorf("reading a capped flood allocated %d MiB", grown>>20)
	}
	// A body announced larger than the limit is refused before reading.
	big := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(3<<20))
		_, _ = w.Write(make([]byte, 3<<20))
	}))
	defer big.Close()
	req, _ = http.NewRequestWithContext(WithBodyLimit(context.Background(), 2<<20), "GET", big.URL, nil)
	if _, err := client.Do(req); !errors.Is(err, ErrBodyTooLarge) {
		t.Errorf("announced 3 MiB: err = %v", err)
	}
}
