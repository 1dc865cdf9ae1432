package openai

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/provider"
)

// wireRequest is a chat-completions request as the API reference writes it.
type wireRequest struct {
	Model    string `json:"model"`
	Messages []struct {
		Role    string `json:"role"`
		Content any    `json:"content"`
	} `json:"messages"`
	Temperature         *float64 `json:"temperature"`
	MaxTokens           *int     `json:"max_tokens"`
	MaxCompletionTokens *int     `json:"max_completion_tokens"`
	N                   *int     `json:"n"`
}

// fake is a chat-completions endpoint that records what it was sent and
// answers with a handler per call.
type fake struct {
	t      *testing.T
	mu     sync.Mutex
	reqs   []wireRequest
	auth   []string
	calls  atomic.Int64
	answer func(w http.ResponseWriter, r *http.Request, req wireRequest, call int)
}

func (f *fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
		http.Error(w, "wrong endpoint "+r.Method+" "+r.URL.Path, http.StatusNotFound)
		return
	}
	var req wireRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		f.t.Errorf("request body: %v", err)
	}
	f.mu.Lock()
	f.reqs = append(f.reqs, req)
	f.auth = append(f.auth, r.Header.Get("Authorization"))
	f.mu.Unlock()
	f.answer(w, r, req, int(f.calls.Add(1)))
}

func (f *fake) last() (wireRequest, string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reqs[len(f.reqs)-1], f.auth[len(f.auth)-1]
}

// completion writes a chat.completion object with the given choices.
func completion(w http.ResponseWriter, model string, prompt, cached, out int, choices ...[2]string) {
	type msg struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	}
	type choice struct {
		Index        int    `json:"index"`
		Message      msg    `json:"message"`
		Logprobs     any    `json:"logprobs"`
		FinishReason string `json:"finish_reason"`
	}
	var cs []choice
	for i, c := range choices {
		cs = append(cs, choice{Index: i, Message: msg{"assistant", c[0]}, FinishReason: c[1]})
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"id": "chatcmpl-test", "object": "chat.completion", "created": 1700000000, "model": model,
		"choices": cs,
		"usage": map[string]any{
			"prompt_tokens": prompt, "completion_tokens": out, "total_tokens": prompt + out,
			"prompt_tokens_details":     map[string]any{"cached_tokens": cached, "audio_tokens": 0},
			"completion_tokens_details": map[string]any{"reasoning_tokens": 0},
		},
	})
}

func apiError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"error":{"message":%q,"type":%q,"param":null,"code":null}}`, msg, typ)
}

const testKey = "sk-test-OPENAI-abcdef0123456789"

// open opens name against f with up to retries retries.
func open(t *testing.T, f *fake, name string, retries int) (maker.Model, string) {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	t.Setenv("OPENAI_API_KEY", testKey)
	m, err := maker.OpenModel(context.Background(), maker.ModelSpec{Name: name, BaseURL: srv.URL + "/v1",
		Transport: maker.Transport{Retries: retries, RetryWait: 5 * time.Millisecond}, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return m, srv.URL
}

var req = maker.Request{
	Prompt:      maker.Prompt{System: "You are solving a puzzle.", User: "Current state: [[1], [], []]"},
	Temperature: 0.1,
	MaxTokens:   750,
}

func TestGenerateRequestAndUsage(t *testing.T) {
	f := &fake{t: t, answer: func(w http.ResponseWriter, _ *http.Request, _ wireRequest, _ int) {
		completion(w, "gpt-4.1-mini-2025-04-14", 1200, 1024, 40, [2]string{"move = [1, 0, 2]", "stop"})
	}}
	m, _ := open(t, f, "openai/gpt-4.1-mini", provider.DefaultMaxRetries)
	r, err := m.Generate(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	got, auth := f.last()
	if got.Model != "gpt-4.1-mini" || len(got.Messages) != 2 ||
		got.Messages[0].Role != "system" || got.Messages[0].Content != req.System ||
		got.Messages[1].Role != "user" || got.Messages[1].Content != req.User {
		t.Errorf("request model/messages = %+v", got)
	}
	if got.Temperature == nil || *got.Temperature != 0.1 {
		t.Errorf("temperature = %v, want 0.1", got.Temperature)
	}
	if got.MaxCompletionTokens == nil || *got.MaxCompletionTokens != 750 || got.MaxTokens != nil {
		t.Errorf("OpenAI wants max_completion_tokens=750 alone, got %v / %v", got.MaxCompletionTokens, got.MaxTokens)
	}
	if got.N != nil {
		t.Errorf("n = %d sent for a single sample", *got.N)
	}
	if auth != "Bearer "+testKey {
		t.Errorf("Authorization = %q", auth)
	}
	if r.Text != "move = [1, 0, 2]" || r.InputTokens != 1200 || r.CachedInputTokens != 1024 || r.OutputTokens != 40 || r.Finish != maker.FinishStop || r.Retries != 0 {
		t.Errorf("response = %+v", r)
	}
	p := m.(maker.Priced).Pricing()
	want, _ := provider.Price("openai", "gpt-4.1-mini")
	if p != want || p.InPerMTok == 0 {
		t.Errorf("pricing = %+v, want the catalog's %+v", p, want)
	}
	// 176 fresh + 1024 cached input tokens and 40 out at the catalog price.
	cached := p.CachedInPerMTok
	if cached == 0 {
		cached = p.InPerMTok
	}
	wantCost := (176*p.InPerMTok + 1024*cached + 40*p.OutPerMTok) / 1e6
	if c := p.Cost(r); c < wantCost*0.999999 || c > wantCost*1.000001 {
		t.Errorf("cost = %g, want %g", c, wantCost)
	}
}

func TestFinishLength(t *testing.T) {
	f := &fake{t: t, answer: func(w http.ResponseWriter, _ *http.Request, _ wireRequest, _ int) {
		completion(w, "x", 10, 0, 750, [2]string{"Wait, let me reconsider", "length"})
	}}
	m, _ := open(t, f, "openai/gpt-4.1-mini", provider.DefaultMaxRetries)
	r, err := m.Generate(context.Background(), req)
	if err != nil || r.Finish != maker.FinishLength {
		t.Fatalf("finish = %q, err %v; want length", r.Finish, err)
	}
}

func TestBatchN(t *testing.T) {
	f := &fake{t: t, answer: func(w http.ResponseWriter, _ *http.Request, req wireRequest, _ int) {
		n := 1
		if req.N != nil {
			n = *req.N
		}
		var cs [][2]string
		for i := 0; i < n; i++ {
			cs = append(cs, [2]string{strings.Repeat("a", 10*(i+1)), "stop"})
		}
		completion(w, "x", 500, 0, 60, cs...)
	}}
	m, _ := open(t, f, "openai/gpt-4.1-mini", provider.DefaultMaxRetries)
	bm, ok := m.(maker.BatchModel)
	if !ok {
		t.Fatal("openai/ is not a batch model")
	}
	rs, err := bm.GenerateBatch(context.Background(), req, 3)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := f.last()
	if got.N == nil || *got.N != 3 {
		t.Fatalf("n = %v, want 3", got.N)
	}
	if len(rs) != 3 || rs[0].InputTokens != 500 || rs[1].InputTokens != 0 || rs[2].InputTokens != 0 {
		t.Fatalf("input tokens belong on the first response only: %+v", rs)
	}
	out := 0
	for _, r := range rs {
		out += r.OutputTokens
	}
	// The billed 60 output tokens are shared by length: 10, 20, 30.
	if out != 60 || rs[0].OutputTokens != 10 || rs[2].OutputTokens != 30 {
		t.Errorf("output tokens %d %d %d, want 10 20 30", rs[0].OutputTokens, rs[1].OutputTokens, rs[2].OutputTokens)
	}
}

func TestBatchServerIgnoresN(t *testing.T) {
	f := &fake{t: t, answer: func(w http.ResponseWriter, _ *http.Request, _ wireRequest, _ int) {
		completion(w, "x", 100, 0, 5, [2]string{"only one", "stop"})
	}}
	m, _ := open(t, f, "vllm/some-model", provider.DefaultMaxRetries)
	rs, err := m.(maker.BatchModel).GenerateBatch(context.Background(), req, 3)
	if err != nil || len(rs) != 3 {
		t.Fatalf("GenerateBatch = %d responses, %v; want the missing two asked singly", len(rs), err)
	}
	if n := f.calls.Load(); n != 3 {
		t.Errorf("%d requests, want 1 batched + 2 single", n)
	}
	// Once the server is known to ignore n, batches go out singly.
	if _, err := m.(maker.BatchModel).GenerateBatch(context.Background(), req, 2); err != nil {
		t.Fatal(err)
	}
	got, _ := f.last()
	if got.N != nil {
		t.Errorf("n = %d sent to a server that ignores it", *got.N)
	}
}

func TestPresetsWire(t *testing.T) {
	tests := []struct {
		name      string
		batch     bool
		maxTokens bool // max_tokens rather than max_completion_tokens
		auth      bool
	}{
		{"openai/gpt-4.1-mini", true, false, true},
		{"ollama/llama3.2", false, true, false},
		{"vllm/Qwen/Qwen3-8B", true, true, false},
		{"llamacpp/model", false, true, false},
		{"lmstudio/model", false, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fake{t: t, answer: func(w http.ResponseWriter, _ *http.Request, _ wireRequest, _ int) {
				completion(w, "x", 1, 0, 1, [2]string{"hello there", "stop"})
			}}
			m, _ := open(t, f, tt.name, provider.DefaultMaxRetries)
			if _, ok := m.(maker.BatchModel); ok != tt.batch {
				t.Errorf("batch model = %v, want %v", ok, tt.batch)
			}
			if _, err := m.Generate(context.Background(), req); err != nil {
				t.Fatal(err)
			}
			got, auth := f.last()
			_, name, _ := strings.Cut(tt.name, "/")
			if got.Model != name {
				t.Errorf("model = %q, want %q", got.Model, name)
			}
			if tt.maxTokens != (got.MaxTokens != nil) || tt.maxTokens == (got.MaxCompletionTokens != nil) {
				t.Errorf("max_tokens %v, max_completion_tokens %v", got.MaxTokens, got.MaxCompletionTokens)
			}
			// A local server never receives the OpenAI key from the environment.
			if (auth != "") != tt.auth {
				t.Errorf("Authorization = %q", auth)
			}
		})
	}
}

func TestMissingKey(t *testing.T) {
	t.Setenv("GROQ_API_KEY", "")
	_, err := maker.OpenModel(context.Background(), maker.ModelSpec{Name: "groq/llama-3.3-70b-versatile"})
	if err == nil || !strings.Contains(err.Error(), "GROQ_API_KEY") {
		t.Fatalf("err = %v, want one naming GROQ_API_KEY", err)
	}
	t.Setenv("MY_KEY", "")
	_, err = maker.OpenModel(context.Background(), maker.ModelSpec{Name: "openai/gpt-4.1", APIKeyEnv: "MY_KEY"})
	if err == nil || !strings.Contains(err.Error(), "MY_KEY") {
		t.Fatalf("err = %v, want one naming MY_KEY", err)
	}
	if _, err := maker.OpenModel(context.Background(), maker.ModelSpec{Name: "openai/gpt-4.1", BaseURL: "ftp://x"}); err == nil {
		t.Fatal("a non-http base URL was accepted")
	}
}

func TestUnknownModelPrice(t *testing.T) {
	f := &fake{t: t}
	m, _ := open(t, f, "openai/no-such-model-xyz", provider.DefaultMaxRetries)
	if !m.(maker.Priced).Pricing().Zero() {
		t.Error("an unknown model has a price")
	}
	if note := provider.PriceNote(m); !strings.Contains(note, "--price-in") {
		t.Errorf("price note = %q", note)
	}
}

func TestFaults(t *testing.T) {
	good := func(w http.ResponseWriter) { completion(w, "x", 10, 0, 3, [2]string{"fine answer", "stop"}) }
	hijackClose := func(w http.ResponseWriter) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}
	tests := []struct {
		name    string
		fail    func(w http.ResponseWriter, r *http.Request)
		times   int
		retries int
		err     string // the run fails with this, after times+... calls
		calls   int
		minWall time.Duration
	}{
		{name: "429 with Retry-After", times: 2, retries: 2, calls: 3, minWall: 2 * 300 * time.Millisecond, fail: func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Retry-After", "0.3")
			apiError(w, 429, "rate_limit_error", "Rate limit reached")
		}},
		{name: "429 with Retry-After as a date", times: 1, retries: 1, calls: 2, minWall: 500 * time.Millisecond, fail: func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Retry-After", time.Now().Add(2*time.Second).UTC().Format(http.TimeFormat))
			apiError(w, 429, "rate_limit_error", "Rate limit reached")
		}},
		{name: "5xx", times: 3, retries: 3, calls: 4, fail: func(w http.ResponseWriter, _ *http.Request) {
			apiError(w, http.StatusInternalServerError, "server_error", "The server had an error")
		}},
		{name: "timeout", times: 1, retries: 1, calls: 2, fail: func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}},
		{name: "connection reset", times: 2, retries: 2, calls: 3, fail: func(w http.ResponseWriter, _ *http.Request) { hijackClose(w) }},
		{name: "truncated body", times: 2, retries: 2, calls: 3, fail: func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "400")
			w.WriteHeader(200)
			io.WriteString(w, `{"id":"chatcmpl-x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assis`)
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler)
		}},
		{name: "401 stops at once", times: 1, calls: 1, err: "OPENAI_API_KEY", fail: func(w http.ResponseWriter, _ *http.Request) {
			apiError(w, 401, "invalid_request_error", "Incorrect API key provided")
		}},
		{name: "404 model stops at once", times: 1, calls: 1, err: `model "gpt-4.1-mini"`, fail: func(w http.ResponseWriter, _ *http.Request) {
			apiError(w, 404, "invalid_request_error", "The model does not exist")
		}},
		{name: "400 stops at once", times: 5, calls: 1, err: "HTTP 400", fail: func(w http.ResponseWriter, _ *http.Request) {
			apiError(w, 400, "invalid_request_error", "max_tokens is too large")
		}},
		{name: "retries run out", times: 10, calls: 4, err: "giving up after 3 retries", fail: func(w http.ResponseWriter, _ *http.Request) {
			apiError(w, 503, "server_error", "overloaded")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fake{t: t, answer: func(w http.ResponseWriter, r *http.Request, _ wireRequest, call int) {
				if call <= tt.times {
					tt.fail(w, r)
					return
				}
				good(w)
			}}
			m, _ := open(t, f, "openai/gpt-4.1-mini", 3)
			if tt.name == "timeout" {
				// Re-open with a short per-request timeout.
				var err error
				m, err = maker.OpenModel(context.Background(), maker.ModelSpec{Name: "openai/gpt-4.1-mini", BaseURL: baseOf(t, f), Timeout: 150 * time.Millisecond,
					Transport: maker.Transport{Retries: 3, RetryWait: 5 * time.Millisecond}})
				if err != nil {
					t.Fatal(err)
				}
			}
			start := time.Now()
			r, err := m.Generate(context.Background(), req)
			wall := time.Since(start)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want one containing %q", err, tt.err)
				}
				if strings.Contains(err.Error(), testKey) {
					t.Fatal("the error shows the API key")
				}
			} else {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				if r.Text != "fine answer" || r.Retries != tt.retries {
					t.Errorf("text %q, retries %d; want fine answer after %d retries", r.Text, r.Retries, tt.retries)
				}
				if r.Latency < wall/2 {
					t.Errorf("latency %s does not include the retries (%s)", r.Latency, wall)
				}
			}
			if n := int(f.calls.Load()); n != tt.calls {
				t.Errorf("%d requests, want %d", n, tt.calls)
			}
			if wall < tt.minWall {
				t.Errorf("took %s, want at least %s (Retry-After honoured)", wall, tt.minWall)
			}
		})
	}
}

// baseOf starts another server on the same fake and returns its base URL.
func baseOf(t *testing.T, f *fake) string {
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return srv.URL + "/v1"
}

func TestCancelIsNotRetried(t *testing.T) {
	f := &fake{t: t, answer: func(w http.ResponseWriter, r *http.Request, _ wireRequest, _ int) {
		<-r.Context().Done()
	}}
	m, _ := open(t, f, "openai/gpt-4.1-mini", provider.DefaultMaxRetries)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := m.Generate(ctx, req)
	if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if n := f.calls.Load(); n != 1 {
		t.Errorf("%d requests after the caller gave up, want 1", n)
	}
}
