package gemini_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/gemini"
	"github.com/maker-go/maker/internal/providertest"
	"github.com/maker-go/maker/provider"
)

// fakeKey is recognisable so a test can prove it never leaks.
const fakeKey = "AIza-FAKE-test-key-5b2e8d4f"

// candidate is one entry of a response's candidates array.
type candidate struct {
	index  int
	text   string
	finish string
}

// reply writes a generateContent response as the REST reference documents it.
func reply(cands []candidate, prompt, cached, out, thoughts int) func(http.ResponseWriter, *http.Request, map[string]any) {
	return func(w http.ResponseWriter, r *http.Request, _ map[string]any) {
		var cs []string
		for _, c := range cands {
			cs = append(cs, fmt.Sprintf(`{"content":{"parts":[{"text":"thinking about it","thought":true},{"text":%q}],"role":"model"},"finishReason":%q,"index":%d}`, c.text, c.finish, c.index))
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"candidates":[%s],"usageMetadata":{"promptTokenCount":%d,"cachedContentTokenCount":%d,"candidatesTokenCount":%d,"thoughtsTokenCount":%d,"totalTokenCount":%d},"modelVersion":"gemini-2.5-flash","responseId":"resp-1"}`,
			strings.Join(cs, ","), prompt, cached, out, thoughts, prompt+out+thoughts)
	}
}

// apiError writes a Google API error body.
func apiError(code int, status, msg, details string, headers map[string]string) func(http.ResponseWriter, *http.Request, map[string]any) {
	return func(w http.ResponseWriter, r *http.Request, _ map[string]any) {
		for k, v := range headers {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		if details == "" {
			details = "[]"
		}
		fmt.Fprintf(w, `{"error":{"code":%d,"message":%q,"status":%q,"details":%s}}`, code, msg, status, details)
	}
}

const keyEnv = "MAKER_TEST_GEMINI_KEY"

// open opens the bare model, one attempt per call: most tests here look at
// what one attempt sends and the error it gives. TestOpenRetries covers the
// shared stack that Open adds.
func open(t *testing.T, url, model string, opts map[string]string) maker.Model {
	t.Helper()
	t.Setenv(keyEnv, fakeKey)
	m, err := gemini.OpenBare(context.Background(), maker.ModelSpec{Name: "gemini/" + model, BaseURL: url, APIKeyEnv: keyEnv, Options: opts})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return m
}

var prompt = maker.Prompt{System: "You solve Towers of Hanoi one move at a time.", User: "Previous move: none\nState: [[3,2,1],[],[]]"}

func genConfig(t *testing.T, r providertest.Recorded) map[string]any {
	t.Helper()
	gc, ok := r.Body["generationConfig"].(map[string]any)
	if !ok {
		t.Fatalf("no generationConfig in %v", r.Body)
	}
	return gc
}

func TestRequestShape(t *testing.T) {
	tests := []struct {
		name     string
		opts     map[string]string
		temp     float64
		thinking any
	}{
		{"first vote", nil, 0, nil},
		{"later vote", nil, 0.1, nil},
		{"thinking off", map[string]string{"thinking_budget": "0"}, 0.1, 0.0},
		{"thinking capped", map[string]string{"thinking_budget": "128"}, 0.1, 128.0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := providertest.NewFake(t, reply([]candidate{{0, "move 1 from 0 to 2", "STOP"}}, 10, 0, 5, 0))
			m := open(t, f.URL, "gemini-2.5-flash", tt.opts)
			if _, err := m.Generate(context.Background(), maker.Request{Prompt: prompt, Temperature: tt.temp, MaxTokens: 321}); err != nil {
				t.Fatal(err)
			}
			reqs := f.Requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if r.Path != "/v1beta/models/gemini-2.5-flash:generateContent" {
				t.Errorf("path %q", r.Path)
			}
			if r.Header.Get("X-Goog-Api-Key") != fakeKey || strings.Contains(r.Query, fakeKey) {
				t.Errorf("the key must travel in the x-goog-api-key header only (query %q)", r.Query)
			}
			for k := range r.Body {
				if k != "contents" && k != "systemInstruction" && k != "generationConfig" {
					t.Errorf("unexpected request field %q", k)
				}
			}
			gc := genConfig(t, r)
			if temp, ok := gc["temperature"].(float64); !ok || math.Abs(temp-tt.temp) > 1e-6 {
				t.Errorf("temperature %v, want %v (zero must be sent, not omitted)", gc["temperature"], tt.temp)
			}
			if gc["maxOutputTokens"] != 321.0 {
				t.Errorf("maxOutputTokens %v, want 321", gc["maxOutputTokens"])
			}
			if _, ok := gc["candidateCount"]; ok {
				t.Errorf("candidateCount %v on a single sample", gc["candidateCount"])
			}
			tc, _ := gc["thinkingConfig"].(map[string]any)
			if tt.thinking == nil && tc != nil || tt.thinking != nil && (tc == nil || tc["thinkingBudget"] != tt.thinking) {
				t.Errorf("thinkingConfig %v, want budget %v", tc, tt.thinking)
			}
			si, _ := r.Body["systemInstruction"].(map[string]any)
			parts, _ := si["parts"].([]any)
			if len(parts) != 1 || parts[0].(map[string]any)["text"] != prompt.System {
				t.Errorf("systemInstruction %v", r.Body["systemInstruction"])
			}
			contents, _ := r.Body["contents"].([]any)
			if len(contents) != 1 {
				t.Fatalf("contents %v", r.Body["contents"])
			}
			c := contents[0].(map[string]any)
			cp, _ := c["parts"].([]any)
			if c["role"] != "user" || len(cp) != 1 || cp[0].(map[string]any)["text"] != prompt.User {
				t.Errorf("user turn %v", c)
			}
		})
	}
}

func TestResponseMapping(t *testing.T) {
	tests := []struct {
		name         string
		finish       string
		prompt, hit  int
		out, thought int
		wantFinish   maker.FinishReason
	}{
		{"stop, cache hit", "STOP", 1200, 1024, 30, 0, maker.FinishStop},
		{"cut off", "MAX_TOKENS", 1200, 0, 700, 50, maker.FinishLength},
		{"safety", "SAFETY", 1200, 0, 3, 0, maker.FinishStop},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := providertest.NewFake(t, reply([]candidate{{0, "move 1 from 0 to 2", tt.finish}}, tt.prompt, tt.hit, tt.out, tt.thought))
			m := open(t, f.URL, "gemini-2.5-flash", nil)
			resp, err := m.Generate(context.Background(), maker.Request{Prompt: prompt, MaxTokens: 750})
			if err != nil {
				t.Fatal(err)
			}
			if resp.Text != "move 1 from 0 to 2" {
				t.Errorf("text %q: thought parts must be left out", resp.Text)
			}
			if resp.InputTokens != tt.prompt || resp.CachedInputTokens != tt.hit {
				t.Errorf("input %d cached %d, want %d %d", resp.InputTokens, resp.CachedInputTokens, tt.prompt, tt.hit)
			}
			if resp.OutputTokens != tt.out+tt.thought || resp.Finish != tt.wantFinish {
				t.Errorf("output %d finish %q, want %d %q", resp.OutputTokens, resp.Finish, tt.out+tt.thought, tt.wantFinish)
			}
			// Gemini 2.5 Flash: $0.30 in, $0.03 cached, $2.50 out per million.
			want := (float64(tt.prompt-tt.hit)*0.30 + float64(tt.hit)*0.03 + float64(tt.out+tt.thought)*2.50) / 1e6
			if got := m.(maker.Priced).Pricing().Cost(resp); math.Abs(got-want) > 1e-12 {
				t.Errorf("cost %g, want %g", got, want)
			}
		})
	}
}

func TestBatch(t *testing.T) {
	t.Run("one request, n candidates", func(t *testing.T) {
		// Out of order, one cut off, one withheld by the API.
		f := providertest.NewFake(t, reply([]candidate{{2, "c", "STOP"}, {0, "a", "MAX_TOKENS"}}, 900, 0, 10, 1))
		m := open(t, f.URL, "gemini-2.5-flash", nil).(maker.BatchModel)
		resps, err := m.GenerateBatch(context.Background(), maker.Request{Prompt: prompt, Temperature: 0.1, MaxTokens: 750}, 3)
		if err != nil {
			t.Fatal(err)
		}
		reqs := f.Requests()
		if len(reqs) != 1 || genConfig(t, reqs[0])["candidateCount"] != 3.0 {
			t.Fatalf("%d requests, want one with candidateCount 3", len(reqs))
		}
		if len(resps) != 3 {
			t.Fatalf("%d responses, want 3", len(resps))
		}
		got := []string{resps[0].Text, resps[1].Text, resps[2].Text}
		if got[0] != "a" || got[1] != "" || got[2] != "c" {
			t.Errorf("texts %q, want [a, (withheld), c]", got)
		}
		if resps[0].Finish != maker.FinishLength || resps[2].Finish != maker.FinishStop {
			t.Errorf("finishes %q %q", resps[0].Finish, resps[2].Finish)
		}
		if resps[0].InputTokens != 900 || resps[1].InputTokens != 0 || resps[2].InputTokens != 0 {
			t.Errorf("input tokens must be on the first response only: %d %d %d", resps[0].InputTokens, resps[1].InputTokens, resps[2].InputTokens)
		}
		sum := 0
		for _, r := range resps {
			sum += r.OutputTokens
			if r.OutputTokens < 3 || r.OutputTokens > 4 {
				t.Errorf("output tokens %d, want an even share of 11", r.OutputTokens)
			}
		}
		if sum != 11 {
			t.Errorf("output tokens sum to %d, want 11", sum)
		}
	})
	t.Run("more than the API's maximum", func(t *testing.T) {
		f := providertest.NewFake(t, func(w http.ResponseWriter, r *http.Request, body map[string]any) {
			n := int(body["generationConfig"].(map[string]any)["candidateCount"].(float64))
			var cs []candidate
			for i := range n {
				cs = append(cs, candidate{i, fmt.Sprint("answer ", i), "STOP"})
			}
			reply(cs, 100, 0, n, 0)(w, r, body)
		})
		m := open(t, f.URL, "gemini-2.5-flash", nil).(maker.BatchModel)
		resps, err := m.GenerateBatch(context.Background(), maker.Request{Prompt: prompt, Temperature: 0.1}, 11)
		if err != nil {
			t.Fatal(err)
		}
		var counts []any
		for _, r := range f.Requests() {
			counts = append(counts, genConfig(t, r)["candidateCount"])
		}
		if len(resps) != 11 || fmt.Sprint(counts) != "[8 3]" {
			t.Errorf("%d responses from candidate counts %v, want 11 from [8 3]", len(resps), counts)
		}
	})
	t.Run("model refuses several candidates", func(t *testing.T) {
		f := providertest.NewFake(t, func(w http.ResponseWriter, r *http.Request, body map[string]any) {
			if _, ok := body["generationConfig"].(map[string]any)["candidateCount"]; ok {
				apiError(400, "INVALID_ARGUMENT", "Multiple candidates is not enabled for this model", "", nil)(w, r, body)
				return
			}
			reply([]candidate{{0, "one", "STOP"}}, 100, 0, 5, 0)(w, r, body)
		})
		m := open(t, f.URL, "gemini-2.5-flash", nil).(maker.BatchModel)
		for round := range 2 {
			resps, err := m.GenerateBatch(context.Background(), maker.Request{Prompt: prompt, Temperature: 0.1}, 3)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range resps {
				if r.Text != "one" || r.InputTokens != 100 {
					t.Errorf("round %d: response %+v, want a full single answer", round, r)
				}
			}
		}
		// 1 refused batch + 3 singles, then 3 singles without trying again.
		if n := len(f.Requests()); n != 7 {
			t.Errorf("%d requests, want 7", n)
		}
	})
	t.Run("batch off", func(t *testing.T) {
		f := providertest.NewFake(t, reply([]candidate{{0, "one", "STOP"}}, 100, 0, 5, 0))
		m := open(t, f.URL, "gemini-2.5-flash", map[string]string{"batch": "off"}).(maker.BatchModel)
		if _, err := m.GenerateBatch(context.Background(), maker.Request{Prompt: prompt}, 2); err != nil {
			t.Fatal(err)
		}
		for _, r := range f.Requests() {
			if _, ok := genConfig(t, r)["candidateCount"]; ok {
				t.Error("candidateCount sent with batch off")
			}
		}
	})
}

func TestFaults(t *testing.T) {
	retryInfo := `[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"37s"}]`
	badKey := `[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com"}]`
	tests := []struct {
		name       string
		reply      func(http.ResponseWriter, *http.Request, map[string]any)
		status     int
		retryable  bool
		retryAfter time.Duration
		mention    string
	}{
		{"rate limited, retry info", apiError(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota", retryInfo, nil), 429, true, 37 * time.Second, "RESOURCE_EXHAUSTED"},
		{"rate limited, header", apiError(429, "RESOURCE_EXHAUSTED", "quota", "", map[string]string{"Retry-After": "3"}), 429, true, 3 * time.Second, "rate limited"},
		{"unavailable", apiError(503, "UNAVAILABLE", "The model is overloaded.", "", nil), 503, true, 0, "overloaded"},
		{"server error, html", func(w http.ResponseWriter, r *http.Request, _ map[string]any) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(502)
			io.WriteString(w, "<html>bad gateway</html>")
		}, 502, true, 0, "server error"},
		{"bad request", apiError(400, "INVALID_ARGUMENT", "temperature must be between 0 and 2", "", nil), 400, false, 0, "temperature must be"},
		{"bad key", apiError(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", badKey, nil), 400, false, 0, keyEnv},
		{"bad key, echoed", apiError(400, "INVALID_ARGUMENT", "API key not valid: "+fakeKey, badKey, nil), 400, false, 0, keyEnv},
		{"unauthenticated", apiError(401, "UNAUTHENTICATED", "no credentials", "", nil), 401, false, 0, keyEnv},
		{"forbidden", apiError(403, "PERMISSION_DENIED", "Generative Language API has not been used", "", nil), 403, false, 0, keyEnv},
		{"not found", apiError(404, "NOT_FOUND", "models/gemini-2.5-flash is not found", "", nil), 404, false, 0, "model name"},
		{"truncated body", func(w http.ResponseWriter, r *http.Request, _ map[string]any) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "400")
			w.WriteHeader(200)
			io.WriteString(w, `{"candidates":[{"content":{"parts":[{"te`)
		}, 0, true, 0, "unreadable"},
		{"not json", func(w http.ResponseWriter, r *http.Request, _ map[string]any) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"candidates":[`)
		}, 0, true, 0, "unreadable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := providertest.NewFake(t, tt.reply)
			m := open(t, f.URL, "gemini-2.5-flash", nil)
			_, err := m.Generate(context.Background(), maker.Request{Prompt: prompt, MaxTokens: 100})
			providertest.CheckFault(t, err, providertest.Fault{Status: tt.status, Retryable: tt.retryable, RetryAfter: tt.retryAfter, Mention: tt.mention},
				"gemini/gemini-2.5-flash", len(f.Requests()), fakeKey)
		})
	}
	t.Run("prompt blocked", func(t *testing.T) {
		f := providertest.NewFake(t, func(w http.ResponseWriter, r *http.Request, _ map[string]any) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":12,"totalTokenCount":12}}`)
		})
		m := open(t, f.URL, "gemini-2.5-flash", nil)
		_, err := m.Generate(context.Background(), maker.Request{Prompt: prompt})
		var e *provider.Error
		if !errors.As(err, &e) || e.Retryable || !strings.Contains(err.Error(), "SAFETY") {
			t.Fatalf("error %v, want a non-retryable block naming the reason", err)
		}
	})
}

func TestCancelAndTimeout(t *testing.T) {
	release := make(chan struct{})
	f := providertest.NewFake(t, func(w http.ResponseWriter, r *http.Request, _ map[string]any) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	t.Run("caller cancels", func(t *testing.T) {
		m := open(t, f.URL, "gemini-2.5-flash", nil).(maker.BatchModel)
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		_, err := m.GenerateBatch(ctx, maker.Request{Prompt: prompt}, 2)
		var e *provider.Error
		if !errors.Is(err, context.Canceled) || errors.As(err, &e) {
			t.Fatalf("error %v, want a bare context.Canceled", err)
		}
	})
	t.Run("request times out", func(t *testing.T) {
		t.Setenv(keyEnv, fakeKey)
		m, err := gemini.OpenBare(context.Background(), maker.ModelSpec{Name: "gemini/gemini-2.5-flash", BaseURL: f.URL, APIKeyEnv: keyEnv, Timeout: 50 * time.Millisecond})
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

func TestOpen(t *testing.T) {
	t.Run("key variables", func(t *testing.T) {
		f := providertest.NewFake(t, reply([]candidate{{0, "x", "STOP"}}, 1, 0, 1, 0))
		for _, tt := range []struct{ gemini, google, want string }{
			{"from-gemini", "from-google", "from-gemini"},
			{"", "from-google", "from-google"},
		} {
			t.Setenv("GEMINI_API_KEY", tt.gemini)
			t.Setenv("GOOGLE_API_KEY", tt.google)
			m, err := maker.OpenModel(context.Background(), maker.ModelSpec{Name: "gemini/gemini-2.5-flash", BaseURL: f.URL})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := m.Generate(context.Background(), maker.Request{Prompt: prompt}); err != nil {
				t.Fatal(err)
			}
			reqs := f.Requests()
			if got := reqs[len(reqs)-1].Header.Get("X-Goog-Api-Key"); got != tt.want {
				t.Errorf("key %q, want %q", got, tt.want)
			}
		}
	})
	t.Setenv(keyEnv, fakeKey)
	t.Setenv("GEMINI_API_KEY", "")
	t.Setenv("GOOGLE_API_KEY", "")
	t.Run("the shared settings are typed, not options", func(t *testing.T) {
		_, err := maker.OpenModel(context.Background(), maker.ModelSpec{Name: "gemini/gemini-2.5-flash", APIKeyEnv: keyEnv,
			Transport: maker.Transport{RPM: 60, Retries: 3, RetryWait: 250 * time.Millisecond}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = maker.OpenModel(context.Background(), maker.ModelSpec{Name: "gemini/gemini-2.5-flash", APIKeyEnv: keyEnv,
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
		{"no key", maker.ModelSpec{Name: "gemini/gemini-2.5-flash"}, "GEMINI_API_KEY or GOOGLE_API_KEY"},
		{"named variable empty", maker.ModelSpec{Name: "gemini/gemini-2.5-flash", APIKeyEnv: "MAKER_TEST_EMPTY"}, "MAKER_TEST_EMPTY"},
		{"unknown option", maker.ModelSpec{Name: "gemini/gemini-2.5-flash", APIKeyEnv: keyEnv, Options: map[string]string{"cache": "off"}}, "batch, thinking_budget"},
		{"bad thinking budget", maker.ModelSpec{Name: "gemini/gemini-2.5-flash", APIKeyEnv: keyEnv, Options: map[string]string{"thinking_budget": "lots"}}, "number of tokens"},
		{"bad batch value", maker.ModelSpec{Name: "gemini/gemini-2.5-flash", APIKeyEnv: keyEnv, Options: map[string]string{"batch": "maybe"}}, "on or off"},
		{"bad timeout", maker.ModelSpec{Name: "gemini/gemini-2.5-flash", APIKeyEnv: keyEnv, Timeout: -time.Second}, "timeout"},
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
}

func TestBadRequestsFailBeforeSending(t *testing.T) {
	f := providertest.NewFake(t, reply([]candidate{{0, "x", "STOP"}}, 1, 0, 1, 0))
	m := open(t, f.URL, "gemini-2.5-flash", nil).(maker.BatchModel)
	for _, req := range []maker.Request{
		{Prompt: maker.Prompt{System: "s", User: " "}},
		{Prompt: prompt, Temperature: 2.5},
	} {
		_, err := m.Generate(context.Background(), req)
		var e *provider.Error
		if !errors.As(err, &e) || e.Retryable {
			t.Errorf("request %+v: error %v, want a non-retryable *provider.Error", req, err)
		}
	}
	if _, err := m.GenerateBatch(context.Background(), maker.Request{Prompt: prompt}, 0); err == nil {
		t.Error("a batch of 0 must be an error")
	}
	if n := len(f.Requests()); n != 0 {
		t.Errorf("%d requests sent, want none", n)
	}
}

func TestPriceOf(t *testing.T) {
	for _, tt := range []struct {
		model string
		in    float64
		ok    bool
	}{
		{"gemini-2.5-flash", 0.30, true},
		{"models/gemini-2.5-pro", 1.25, true},
		{"gemini-9-ultra", 0, false},
	} {
		p, ok := gemini.PriceOf(tt.model)
		if ok != tt.ok || p.InPerMTok != tt.in {
			t.Errorf("PriceOf(%q) = %+v, %v; want in %g, %v", tt.model, p, ok, tt.in, tt.ok)
		}
		if ok && (p.CachedInPerMTok >= p.InPerMTok || p.OutPerMTok <= p.InPerMTok) {
			t.Errorf("PriceOf(%q) = %+v: cache hits must be cheaper than input, output dearer", tt.model, p)
		}
	}
}
