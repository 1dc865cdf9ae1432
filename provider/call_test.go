package provider_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/provider"
)

const callKey = "sk-call-test-key-31c9"

var caller = provider.Caller{Name: "acme/m1", Model: "m1", Key: callKey, KeyEnv: "ACME_KEY", Timeout: 3 * time.Second}

func TestClassify(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	live := context.Background()
	fail := errors.New("boom " + callKey)
	tests := []struct {
		name           string
		ctx, reqCtx    context.Context
		sent           bool
		status         int
		header         http.Header
		pending        bool
		retryable      bool
		retryAfter     time.Duration
		mention        string
		callerCanceled bool
	}{
		{"caller cancelled", cancelled, cancelled, true, 500, nil, false, false, 0, "", true},
		{"timed out", live, cancelled, true, 0, nil, false, true, 0, "within the 3s timeout", false},
		{"never sent", live, live, false, 0, nil, false, false, 0, "request not sent: boom", false},
		{"no response", live, live, true, 0, nil, false, true, 0, "request failed: boom", false},
		{"unreadable body", live, live, true, 200, nil, false, true, 0, "response body unreadable: boom", false},
		{"rate limited", live, live, true, 429, http.Header{"Retry-After": {"4"}}, true, true, 4 * time.Second, "", false},
		{"overloaded", live, live, true, 529, nil, true, true, 0, "", false},
		{"conflict", live, live, true, 409, nil, true, true, 0, "", false},
		{"bad request", live, live, true, 400, nil, true, false, 0, "", false},
		{"too early is not retried here", live, live, true, 425, nil, true, false, 0, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, final := caller.Classify(tt.ctx, tt.reqCtx, fail, tt.sent, tt.status, tt.header)
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
					t.Fatalf("final %T, want *provider.CallError", final)
				}
			} else if e.StatusCode != tt.status {
				t.Errorf("status %d, want %d", e.StatusCode, tt.status)
			}
			if e.Retryable != tt.retryable || e.RetryAfter != tt.retryAfter {
				t.Errorf("retryable %v after %v, want %v %v", e.Retryable, e.RetryAfter, tt.retryable, tt.retryAfter)
			}
			if ok, _ := provider.Retryable(e); ok != tt.retryable {
				t.Errorf("provider.Retryable = %v, want %v", ok, tt.retryable)
			}
			if !strings.Contains(e.Message, tt.mention) || strings.Contains(e.Error(), callKey) || strings.Contains(e.Unwrap().Error(), callKey) {
				t.Errorf("message %q (cause %q): want %q and no key", e.Message, e.Unwrap(), tt.mention)
			}
		})
	}
}

func TestExplain(t *testing.T) {
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
		e := caller.Explain(&provider.CallError{Model: caller.Name, StatusCode: tt.status}, tt.keyRejected, "detail")
		if e.Message != tt.want || e.Auth != tt.auth {
			t.Errorf("%d %v: %q auth %v, want %q auth %v", tt.status, tt.keyRejected, e.Message, e.Auth, tt.want, tt.auth)
		}
	}
	e := caller.Explain(&provider.CallError{Model: caller.Name, StatusCode: 400}, false, "echo "+callKey)
	if strings.Contains(e.Message, callKey) || !strings.HasSuffix(e.Message, "echo [redacted]") {
		t.Errorf("detail not scrubbed: %q", e.Message)
	}
	if got, want := (&provider.CallError{Model: "acme/m1", Message: "rate limited", StatusCode: 429, RetryAfter: 2 * time.Second}).Error(), "acme/m1: rate limited (HTTP 429) (retry after 2s)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestOptionsHelpers(t *testing.T) {
	for _, k := range []string{provider.OptRPM, provider.OptTPM, provider.OptRetries, provider.OptRetryWait} {
		if !provider.StackOption(k) {
			t.Errorf("StackOption(%q) = false", k)
		}
	}
	if provider.StackOption("cache") {
		t.Error(`StackOption("cache") = true`)
	}
	err := provider.UnknownOption("acme", "colour", map[string]string{"zeta": "", "alpha": ""})
	if got, want := err.Error(), `acme: unknown option "colour" (known: alpha, zeta)`; got != want {
		t.Errorf("UnknownOption = %q, want %q", got, want)
	}
	own := func(m string) (maker.Pricing, bool) {
		return maker.Pricing{InPerMTok: 7}, m == "mine"
	}
	if p := provider.PriceOr("acme-unknown", "mine", own); p.InPerMTok != 7 {
		t.Errorf("own price not used: %+v", p)
	}
	if p := provider.PriceOr("acme-unknown", "other", own); p != (maker.Pricing{}) {
		t.Errorf("unknown model priced %+v, want zero", p)
	}
}
