package anthropic_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/anthropic"
	"github.com/maker-go/maker/internal/providertest"
	"github.com/maker-go/maker/provider"
)

// fakeKey is recognisable so a test can prove it never leaks.
const fakeKey = "sk-ant-FAKE-test-key-7f3a9c1e"

// newFake starts a local server speaking the Messages API wire format,
// answering with reply.
func newFake(t *testing.T, reply http.HandlerFunc) *providertest.Fake {
	t.Helper()
	return providertest.NewFake(t, func(w http.ResponseWriter, r *http.Request, _ map[string]any) { reply(w, r) })
}

// message writes a Messages API response, as documented in the API reference.
func message(text, stop string, in, cacheRead, cacheWrite, out int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("request-id", "req_test")
		fmt.Fprintf(w, `{
  "id": "msg_01XFDUDYJgAACzvnptvVoYEL",
  "type": "message",
  "role": "assistant",
  "model": "claude-haiku-4-5-20251001",
  "content": [
    {"type": "thinking", "thinking": "not part of the answer", "signature": "sig"},
    {"type": "text", "text": %q}
  ],
  "stop_reason": %q,
  "stop_sequence": null,
  "usage": {
    "input_tokens": %d,
    "cache_read_input_tokens": %d,
    "cache_creation_input_tokens": %d,
    "output_tokens": %d
  }
}`, text, stop, in, cacheRead, cacheWrite, out)
	}
}

// apiError writes an Anthropic error body with status and headers.
func apiError(status int, typ, msg string, headers map[string]string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for k, v := range headers {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"type":"error","error":{"type":%q,"message":%q},"request_id":"req_err"}`, typ, msg)
	}
}

// open opens the bare model, one attempt per call: most tests here look at
// what one attempt sends and the error it gives. TestOpenRetries covers the
// shared stack that Open adds.
func open(t *testing.T, url, model string, opts map[string]string) maker.Model {
	t.Helper()
	t.Setenv("MAKER_TEST_ANTHROPIC_KEY", fakeKey)
	m, err := anthropic.OpenBare(context.Background(), maker.ModelSpec{
		Name: "anthropic/" + model, BaseURL: url, APIKeyEnv: "MAKER_TEST_ANTHROPIC_KEY", Options: opts,
	})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return m
}

var prompt = maker.Prompt{System: "You solve Towers of Hanoi one move at a time.", User: "Previous move: none\nState: [[3,2,1],[],[]]"}

func TestRequestShape(t *testing.T) {
	tests := []struct {
		name      string
		model     string
		opts      map[string]string
		temp      float64
		wantTemp  bool
		wantCache bool
	}{
		{"haiku 4.5 first vote", "claude-haiku-4-5", nil, 0, true, true},
		{"haiku 4.5 later vote", "claude-haiku-4-5-20251001", nil, 0.1, true, true},
		{"opus 4.6 accepts", "claude-opus-4-6", nil, 0.1, true, true},
		{"opus 4.7 rejects", "claude-opus-4-7", nil, 0, false, true},
		{"sonnet 5 rejects", "claude-sonnet-5", nil, 0.1, false, true},
		{"unknown model omits", "claude-next-9", nil, 0.1, false, true},
		{"forced send", "claude-next-9", map[string]string{"temperature": "send"}, 0.1, true, true},
		{"forced omit", "claude-haiku-4-5", map[string]string{"temperature": "omit"}, 0.1, false, true},
		{"cache off", "claude-haiku-4-5", map[string]string{"cache": "off"}, 0, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, message("move 1 from 0 to 2", "end_turn", 10, 0, 0, 5))
			m := open(t, f.URL, tt.model, tt.opts)
			_, err := m.Generate(context.Background(), maker.Request{Prompt: prompt, Temperature: tt.temp, MaxTokens: 321})
			if err != nil {
				t.Fatal(err)
			}
			reqs := f.Requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if r.Path != "/v1/messages" {
				t.Errorf("path %q", r.Path)
			}
			if got := r.Header.Get("X-Api-Key"); got != fakeKey {
				t.Errorf("x-api-key %q, want the key from the environment", got)
			}
			if r.Header.Get("Anthropic-Version") == "" {
				t.Error("no anthropic-version header")
			}
			b := r.Body
			if b["model"] != tt.model {
				t.Errorf("model %v, want %s", b["model"], tt.model)
			}
			if b["max_tokens"] != 321.0 {
				t.Errorf("max_tokens %v, want 321", b["max_tokens"])
			}
			temp, hasTemp := b["temperature"]
			if hasTemp != tt.wantTemp {
				t.Errorf("temperature present %v, want %v (body %v)", hasTemp, tt.wantTemp, b)
			}
			if hasTemp && temp != tt.temp {
				t.Errorf("temperature %v, want %v", temp, tt.temp)
			}
			sys, _ := b["system"].([]any)
			if len(sys) != 1 {
				t.Fatalf("system %v, want one block", b["system"])
			}
			block := sys[0].(map[string]any)
			if block["type"] != "text" || block["text"] != prompt.System {
				t.Errorf("system block %v", block)
			}
			cc, hasCC := block["cache_control"].(map[string]any)
			if hasCC != tt.wantCache {
				t.Errorf("cache_control present %v, want %v", hasCC, tt.wantCache)
			}
			if hasCC && cc["type"] != "ephemeral" {
				t.Errorf("cache_control %v, want ephemeral", cc)
			}
			msgs, _ := b["messages"].([]any)
			if len(msgs) != 1 {
				t.Fatalf("messages %v, want one", b["messages"])
			}
			msg := msgs[0].(map[string]any)
			content, _ := msg["content"].([]any)
			if msg["role"] != "user" || len(content) != 1 || content[0].(map[string]any)["text"] != prompt.User {
				t.Errorf("message %v", msg)
			}
		})
	}
}

func TestResponseMapping(t *testing.T) {
	tests := []struct {
		name                     string
		stop                     string
		in, cacheRead, cacheWrit int
		out                      int
		wantFinish               maker.FinishReason
	}{
		{"end turn, cache hit", "end_turn", 12, 1500, 0, 40, maker.FinishStop},
		{"cut off, cache write", "max_tokens", 12, 0, 1500, 750, maker.FinishLength},
		{"context window", "model_context_window_exceeded", 7, 0, 0, 3, maker.FinishLength},
		{"stop sequence", "stop_sequence", 7, 100, 0, 3, maker.FinishStop},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, message("move 1 from 0 to 2", tt.stop, tt.in, tt.cacheRead, tt.cacheWrit, tt.out))
			m := open(t, f.URL, "claude-haiku-4-5", nil)
			resp, err := m.Generate(context.Background(), maker.Request{Prompt: prompt, MaxTokens: 750})
			if err != nil {
				t.Fatal(err)
			}
			if resp.Text != "move 1 from 0 to 2" {
				t.Errorf("text %q: thinking blocks must be left out", resp.Text)
			}
			if want := tt.in + tt.cacheRead + tt.cacheWrit; resp.InputTokens != want {
				t.Errorf("input tokens %d, want %d (input + cache reads + cache writes)", resp.InputTokens, want)
			}
			if resp.CachedInputTokens != tt.cacheRead {
				t.Errorf("cached input tokens %d, want %d", resp.CachedInputTokens, tt.cacheRead)
			}
			if resp.OutputTokens != tt.out || resp.Finish != tt.wantFinish {
				t.Errorf("output %d finish %q, want %d %q", resp.OutputTokens, resp.Finish, tt.out, tt.wantFinish)
			}
			if resp.Latency <= 0 || resp.Retries != 0 {
				t.Errorf("latency %v retries %d", resp.Latency, resp.Retries)
			}
			// Haiku 4.5: $1 in, $0.10 cache read, $5 out per million.
			price := m.(maker.Priced).Pricing()
			want := (float64(tt.in+tt.cacheWrit)*1 + float64(tt.cacheRead)*0.1 + float64(tt.out)*5) / 1e6
			if got := price.Cost(resp); math.Abs(got-want) > 1e-12 {
				t.Errorf("cost %g, want %g", got, want)
			}
		})
	}
}

func TestFaults(t *testing.T) {
	tests := []struct {
		name       string
		reply      http.HandlerFunc
		status     int
		retryable  bool
		retryAfter time.Duration
		mention    string // the message must say this
	}{
		{"rate limited", apiError(429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit", map[string]string{"Retry-After": "7"}), 429, true, 7 * time.Second, "rate_limit_error"},
		{"rate limited, ms", apiError(429, "rate_limit_error", "slow down", map[string]string{"retry-after-ms": "1500", "Retry-After": "2"}), 429, true, 1500 * time.Millisecond, "slow down"},
		{"overloaded", apiError(529, "overloaded_error", "Overloaded", nil), 529, true, 0, "overloaded_error"},
		{"server error", apiError(500, "api_error", "Internal server error", nil), 500, true, 0, "api_error"},
		{"server error, html", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(502)
			io.WriteString(w, "<html>bad gateway</html>")
		}, 502, true, 0, "server error"},
		{"server says no retry", apiError(500, "api_error", "broken", map[string]string{"x-should-retry": "false"}), 500, false, 0, "broken"},
		{"bad request", apiError(400, "invalid_request_error", "temperature: range is 0..1", nil), 400, false, 0, "temperature: range"},
		{"unauthorized", apiError(401, "authentication_error", "invalid x-api-key", nil), 401, false, 0, "MAKER_TEST_ANTHROPIC_KEY"},
		{"unauthorized, key echoed", apiError(401, "authentication_error", "invalid x-api-key "+fakeKey, nil), 401, false, 0, "MAKER_TEST_ANTHROPIC_KEY"},
		{"forbidden", apiError(403, "permission_error", "no access", nil), 403, false, 0, "MAKER_TEST_ANTHROPIC_KEY"},
		{"not found", apiError(404, "not_found_error", "model: claude-haiku-4-5", nil), 404, false, 0, "model name"},
		{"truncated body", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "400")
			w.WriteHeader(200)
			io.WriteString(w, `{"id":"msg_01","type":"message","content":[{"type":"te`)
		}, 0, true, 0, "unreadable"},
		{"not json", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"id":"msg_01","content":[`)
		}, 0, true, 0, "unreadable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, tt.reply)
			m := open(t, f.URL, "claude-haiku-4-5", nil)
			_, err := m.Generate(context.Background(), maker.Request{Prompt: prompt, MaxTokens: 100})
			providertest.CheckFault(t, err, providertest.Fault{Status: tt.status, Retryable: tt.retryable, RetryAfter: tt.retryAfter, Mention: tt.mention},
				"anthropic/claude-haiku-4-5", len(f.Requests()), fakeKey)
		})
	}
}

func TestCancelAndTimeout(t *testing.T) {
	release := make(chan struct{})
	f := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)

	t.Run("caller cancels", func(t *testing.T) {
		m := open(t, f.URL, "claude-haiku-4-5", nil)
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		_, err := m.Generate(ctx, maker.Request{Prompt: prompt})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("error %v, want context.Canceled", err)
		}
		var e *provider.Error
		if errors.As(err, &e) {
			t.Errorf("a cancelled sample must not look like a provider failure: %v", err)
		}
	})
	t.Run("request times out", func(t *testing.T) {
		t.Setenv("MAKER_TEST_ANTHROPIC_KEY", fakeKey)
		m, err := anthropic.OpenBare(context.Background(), maker.ModelSpec{
			Name: "anthropic/claude-haiku-4-5", BaseURL: f.URL, APIKeyEnv: "MAKER_TEST_ANTHROPIC_KEY", Timeout: 50 * time.Millisecond,
		})
		if err != nil {
			t.Fatal(err)
		}
		_, err = m.Generate(context.Background(), maker.Request{Prompt: prompt})
		var e *provider.Error
		if !errors.As(err, &e) || !e.Retryable || e.Status != 0 {
			t.Fatalf("error %v, want a retryable *provider.Error without status", err)
		}
	})
}

func TestOpenErrors(t *testing.T) {
	t.Setenv("MAKER_TEST_ANTHROPIC_KEY", fakeKey)
	t.Setenv("MAKER_TEST_EMPTY", "")
	t.Run("the shared settings are typed, not options", func(t *testing.T) {
		_, err := maker.OpenModel(context.Background(), maker.ModelSpec{Name: "anthropic/claude-haiku-4-5", APIKeyEnv: "MAKER_TEST_ANTHROPIC_KEY",
			Transport: maker.Transport{RPM: 60, Retries: 3, RetryWait: 250 * time.Millisecond}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = maker.OpenModel(context.Background(), maker.ModelSpec{Name: "anthropic/claude-haiku-4-5", APIKeyEnv: "MAKER_TEST_ANTHROPIC_KEY",
			Options: map[string]string{"retries": "3"}})
		if err == nil || !strings.Contains(err.Error(), `unknown option "retries"`) {
			t.Errorf("retries as an option: err = %v", err)
		}
	})
	tests := []struct {
		name    string
		spec    maker.ModelSpec
		mention string
	}{
		{"no key", maker.ModelSpec{Name: "anthropic/claude-haiku-4-5", APIKeyEnv: "MAKER_TEST_EMPTY"}, "MAKER_TEST_EMPTY"},
		{"unknown option", maker.ModelSpec{Name: "anthropic/claude-haiku-4-5", APIKeyEnv: "MAKER_TEST_ANTHROPIC_KEY", Options: map[string]string{"cahce": "off"}}, "cache, temperature"},
		{"bad cache value", maker.ModelSpec{Name: "anthropic/claude-haiku-4-5", APIKeyEnv: "MAKER_TEST_ANTHROPIC_KEY", Options: map[string]string{"cache": "sometimes"}}, "on or off"},
		{"bad temperature mode", maker.ModelSpec{Name: "anthropic/claude-haiku-4-5", APIKeyEnv: "MAKER_TEST_ANTHROPIC_KEY", Options: map[string]string{"temperature": "always"}}, "auto, send or omit"},
		{"bad timeout", maker.ModelSpec{Name: "anthropic/claude-haiku-4-5", APIKeyEnv: "MAKER_TEST_ANTHROPIC_KEY", Timeout: -time.Second}, "timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := maker.OpenModel(context.Background(), tt.spec)
			if err == nil || !strings.Contains(err.Error(), tt.mention) {
				t.Fatalf("error %v, want one that mentions %q", err, tt.mention)
			}
			providertest.AssertNoKey(t, err, fakeKey)
		})
	}
	t.Run("default variable", func(t *testing.T) {
		t.Setenv("ANTHROPIC_API_KEY", "")
		_, err := maker.OpenModel(context.Background(), maker.ModelSpec{Name: "anthropic/claude-haiku-4-5"})
		if err == nil || !strings.Contains(err.Error(), "ANTHROPIC_API_KEY") {
			t.Fatalf("error %v, want one that names ANTHROPIC_API_KEY", err)
		}
	})
}

func TestBadRequestsFailBeforeSending(t *testing.T) {
	f := newFake(t, message("x", "end_turn", 1, 0, 0, 1))
	m := open(t, f.URL, "claude-haiku-4-5", nil)
	for _, req := range []maker.Request{
		{Prompt: maker.Prompt{System: "s", User: "  "}},
		{Prompt: prompt, Temperature: 1.5},
		{Prompt: prompt, MaxTokens: 100000}, // the SDK wants streaming for this
	} {
		_, err := m.Generate(context.Background(), req)
		var e *provider.Error
		if !errors.As(err, &e) || e.Retryable {
			t.Errorf("request %+v: error %v, want a non-retryable *provider.Error", req, err)
		}
	}
	if n := len(f.Requests()); n != 0 {
		t.Errorf("%d requests sent, want none", n)
	}
}

func TestAcceptsTemperature(t *testing.T) {
	tests := []struct {
		model string
		want  bool
	}{
		{"claude-3-5-haiku-20241022", true},
		{"claude-3-7-sonnet-latest", true},
		{"claude-opus-4-20250514", true},
		{"claude-opus-4-1", true},
		{"claude-opus-4-1-20250805", true},
		{"claude-opus-4-5-20251101", true},
		{"claude-opus-4-6", true},
		{"claude-sonnet-4-5-20250929", true},
		{"claude-haiku-4-5", true},
		{"claude-haiku-4-5-20251001", true},
		{"claude-sonnet-4-6", false},
		{"claude-opus-4-7", false},
		{"claude-opus-4-8", false},
		{"claude-opus-4-60", false},
		{"claude-haiku-4-5-x", false},
		{"claude-sonnet-5", false},
		{"claude-opus-5-5", false},
		{"claude-fable-5", false},
		{"claude-mythos-preview", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := anthropic.AcceptsTemperature(tt.model); got != tt.want {
			t.Errorf("AcceptsTemperature(%q) = %v, want %v", tt.model, got, tt.want)
		}
	}
}

func TestPriceOf(t *testing.T) {
	tests := []struct {
		model string
		in    float64
		ok    bool
	}{
		{"claude-haiku-4-5", 1, true},
		{"claude-haiku-4-5-20251001", 1, true},
		{"claude-sonnet-4-20250514", 3, true},
		{"claude-opus-4-1-20250805", 15, true},
		{"claude-next-9", 0, false},
	}
	for _, tt := range tests {
		p, ok := anthropic.PriceOf(tt.model)
		if ok != tt.ok || p.InPerMTok != tt.in {
			t.Errorf("PriceOf(%q) = %+v, %v; want in %g, %v", tt.model, p, ok, tt.in, tt.ok)
		}
		if ok && (p.CachedInPerMTok >= p.InPerMTok || p.OutPerMTok <= p.InPerMTok) {
			t.Errorf("PriceOf(%q) = %+v: cache reads must be cheaper than input, output dearer", tt.model, p)
		}
	}
}

// TestOpenRetries: the registered opener wraps the bare model in the shared
// stack, so a 429 with Retry-After is waited out and retried, and the retry
// is counted on the response rather than as a vote.
func TestOpenRetries(t *testing.T) {
	var calls atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "0")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(429)
			io.WriteString(w, `{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"msg_1","type":"message","role":"assistant","model":"claude-haiku-4-5","content":[{"type":"text","text":"move = [1, 0, 1]"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":20,"output_tokens":8}}`)
	}))
	defer ts.Close()
	t.Setenv("MAKER_TEST_ANTHROPIC_KEY", fakeKey)
	m, err := maker.OpenModel(context.Background(), maker.ModelSpec{Name: "anthropic/claude-haiku-4-5", BaseURL: ts.URL, APIKeyEnv: "MAKER_TEST_ANTHROPIC_KEY",
		Transport: maker.Transport{Retries: 3, RetryWait: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := m.Generate(context.Background(), maker.Request{Prompt: prompt, MaxTokens: 100})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Retries != 1 || calls.Load() != 2 || resp.Text != "move = [1, 0, 1]" {
		t.Fatalf("retries %d, calls %d, text %q", resp.Retries, calls.Load(), resp.Text)
	}
}
