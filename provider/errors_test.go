package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name   string
		header map[string]string
		want   time.Duration
	}{
		{"none", nil, 0},
		{"seconds", map[string]string{"Retry-After": "3"}, 3 * time.Second},
		{"fractional seconds", map[string]string{"Retry-After": "0.5"}, 500 * time.Millisecond},
		{"zero", map[string]string{"Retry-After": "0"}, 0},
		{"negative", map[string]string{"Retry-After": "-4"}, 0},
		{"http date", map[string]string{"Retry-After": now.Add(7 * time.Second).Format(http.TimeFormat)}, 7 * time.Second},
		{"date in the past", map[string]string{"Retry-After": now.Add(-time.Minute).Format(http.TimeFormat)}, 0},
		{"garbage", map[string]string{"Retry-After": "soon"}, 0},
		{"milliseconds win", map[string]string{"Retry-After": "2", "Retry-After-Ms": "150"}, 150 * time.Millisecond},
		{"bad milliseconds fall back", map[string]string{"Retry-After": "2", "Retry-After-Ms": "x"}, 2 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tt.header {
				h.Set(k, v)
			}
			if got := RetryAfter(h, now); got != tt.want {
				t.Errorf("RetryAfter(%v) = %s, want %s", tt.header, got, tt.want)
			}
		})
	}
}

func TestRetryable(t *testing.T) {
	info := Info{Provider: "openai", Model: "gpt-x", KeyEnv: "OPENAI_API_KEY", BaseURL: "http://127.0.0.1:1/v1"}
	h := http.Header{"Retry-After": {"2"}}
	var syntax *json.SyntaxError
	_ = json.Unmarshal([]byte(`{"a":`), &syntax)
	tests := []struct {
		name  string
		err   error
		retry bool
		after time.Duration
	}{
		{"429", HTTPError(info, 429, h, "slow down"), true, 2 * time.Second},
		{"500", HTTPError(info, 500, nil, ""), true, 0},
		{"503", HTTPError(info, 503, nil, ""), true, 0},
		{"408", HTTPError(info, 408, nil, ""), true, 0},
		{"409", HTTPError(info, 409, nil, ""), true, 0},
		{"425 too early", HTTPError(info, 425, nil, ""), true, 0},
		{"529 overloaded", HTTPError(info, 529, nil, ""), true, 0},
		{"422", HTTPError(info, 422, nil, ""), false, 0},
		{"body too large", TransportError(info, fmt.Errorf("read: %w", ErrBodyTooLarge)), false, 0},
		{"bare body too large", fmt.Errorf("read: %w", ErrBodyTooLarge), false, 0},
		{"impossible usage", CheckUsage(info, -5, 0, 3), true, 0},
		{"400", HTTPError(info, 400, nil, "bad"), false, 0},
		{"401", HTTPError(info, 401, nil, "bad key"), false, 0},
		{"403", HTTPError(info, 403, nil, ""), false, 0},
		{"404", HTTPError(info, 404, nil, "no such model"), false, 0},
		{"wrapped 429", fmt.Errorf("sample 3: %w", HTTPError(info, 429, nil, "")), true, 0},
		{"reset", fmt.Errorf("read: %w", syscall.ECONNRESET), true, 0},
		{"refused", TransportError(info, syscall.ECONNREFUSED), true, 0},
		{"truncated", fmt.Errorf("reading body: %w", io.ErrUnexpectedEOF), true, 0},
		{"bad json", fmt.Errorf("decode: %w", json.Unmarshal([]byte(`{"a":`), new(any))), true, 0},
		{"deadline", context.DeadlineExceeded, true, 0},
		{"cancelled", context.Canceled, false, 0},
		{"cancelled inside transport error", TransportError(info, context.Canceled), false, 0},
		{"other", errors.New("something odd"), false, 0},
		{"nil", nil, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			retry, after := Retryable(tt.err)
			if retry != tt.retry || after != tt.after {
				t.Errorf("Retryable(%v) = %v, %s; want %v, %s", tt.err, retry, after, tt.retry, tt.after)
			}
		})
	}
}

func TestHTTPErrorNamesTheSetting(t *testing.T) {
	info := Info{Provider: "groq", Model: "llama-x", KeyEnv: "GROQ_API_KEY", BaseURL: "https://api.groq.com/openai/v1"}
	tests := []struct {
		status int
		want   []string
	}{
		{401, []string{"HTTP 401", "$GROQ_API_KEY", "--api-key-env"}},
		{403, []string{"HTTP 403", "$GROQ_API_KEY"}},
		{404, []string{"HTTP 404", `"llama-x"`, "--model", "https://api.groq.com/openai/v1"}},
		{400, []string{"HTTP 400", "--model", "max-tokens"}},
	}
	for _, tt := range tests {
		msg := HTTPError(info, tt.status, nil, "server says no").Error()
		for _, w := range tt.want {
			if !strings.Contains(msg, w) {
				t.Errorf("status %d: %q does not mention %q", tt.status, msg, w)
			}
		}
		if !strings.Contains(msg, "server says no") || !strings.HasPrefix(msg, "groq/llama-x: ") {
			t.Errorf("status %d: %q lacks the provider or the server's message", tt.status, msg)
		}
	}
	refused := TransportError(info, fmt.Errorf("dial: %w", syscall.ECONNREFUSED)).Error()
	if !strings.Contains(refused, "is the server at https://api.groq.com/openai/v1 running?") {
		t.Errorf("refused connection: %q does not name the endpoint", refused)
	}
}

func TestErrorRedactsKeys(t *testing.T) {
	const key = "sk-test-redact-me-0123456789"
	AddSecret(key)
	AddSecret("short") // too short to be treated as a secret
	info := Info{Provider: "gemini", Model: "m", KeyEnv: "GEMINI_API_KEY"}
	for _, e := range []*Error{
		HTTPError(info, 401, nil, "API key "+key+" is not valid"),
		TransportError(info, fmt.Errorf(`Post "https://example.invalid/v1?key=%s": EOF`, key)),
	} {
		msg := e.Error()
		if strings.Contains(msg, key) || !strings.Contains(msg, "[redacted]") {
			t.Errorf("%q: key not redacted", msg)
		}
	}
	if got := Redact("a short story"); got != "a short story" {
		t.Errorf("Redact changed ordinary text: %q", got)
	}
}
