package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/sim"
)

// fakeKey is recognisable anywhere it might leak.
const fakeKey = "sk-test-LEAKCHECK-7f3a9c2e5b1d"

func simServer(t *testing.T, faults sim.Faults) (*sim.Server, string) {
	t.Helper()
	srv, err := sim.NewServer([]maker.Oracle{hanoi.Oracle()}, sim.ServerConfig{Model: sim.DefaultConfig(), Faults: faults})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return srv, ts.URL + "/v1"
}

// isolate points HOME and TMPDIR at a fresh folder, so every file the run
// writes can be searched for the key afterwards.
func isolate(t *testing.T) string {
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	t.Setenv("TMPDIR", dir)
	t.Setenv("OPENAI_API_KEY", fakeKey)
	return dir
}

func assertNoKey(t *testing.T, dir string, outputs ...string) {
	t.Helper()
	for i, o := range outputs {
		if strings.Contains(o, fakeKey) || strings.Contains(o, fakeKey[8:]) {
			t.Errorf("output %d shows the API key", i)
		}
	}
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if b, err := os.ReadFile(path); err == nil && bytes.Contains(b, []byte(fakeKey)) {
			t.Errorf("file %s holds the API key", path)
		}
		return nil
	})
}

func TestHanoiOverHTTPWithFaults(t *testing.T) {
	dir := isolate(t)
	srv, base := simServer(t, sim.Faults{RateLimit: 0.10, ServerError: 0.05, Timeout: 0.02, Drop: 0.01, Truncate: 0.01, RetryAfter: 100 * time.Millisecond})
	start := time.Now()
	code, stdout, stderr := runCLI(t, "hanoi", "--disks", "8", "--k", "3", "--model", "openai/gpt-4.1-mini",
		"--base-url", base, "--timeout", "500ms", "--retry-wait", "20ms", "--json", "-q")
	wall := time.Since(start)
	if code != 0 {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	var sum maker.Summary
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil {
		t.Fatalf("summary %q: %v", stdout, err)
	}
	st := srv.Stats()
	faults := st.RateLimited + st.ServerError + st.TimedOut + st.Dropped + st.Truncated
	t.Logf("%d steps, %d samples, %d retries, %d batched requests, %d cached input tokens, $%.4f, %s; server: %+v",
		sum.Steps, sum.Samples, sum.Retries, sum.BatchedRequests, sum.CachedInputTokens, sum.CostUSD, wall.Round(time.Millisecond), st)
	if !sum.Success || sum.Steps != 255 || sum.WrongSteps != 0 || !sum.Simulated {
		t.Errorf("success %v, %d steps, %d wrong, simulated %v", sum.Success, sum.Steps, sum.WrongSteps, sum.Simulated)
	}
	if faults == 0 || st.RateLimited == 0 || st.TimedOut == 0 {
		t.Fatalf("the server injected too few faults to test anything: %+v", st)
	}
	// Every injected fault cost one retry, except on a sample cancelled
	// after its step was decided, whose retries were never reported. On a
	// loaded machine a normal answer may rarely miss the 500ms timeout too.
	if float64(sum.Retries) > 1.05*float64(faults)+2 || float64(sum.Retries) < 0.9*float64(faults) {
		t.Errorf("summary counts %d retries, the server injected %d faults", sum.Retries, faults)
	}
	if sum.BatchedRequests == 0 || sum.InputSavedByBatch == 0 || sum.CachedInputTokens == 0 || sum.SavedUSD <= 0 {
		t.Errorf("batching and caching show no saving: %+v", sum)
	}
	if sum.Pricing.InPerMTok == 0 || sum.CostUSD <= 0 {
		t.Errorf("no cost at the catalog price: %+v, $%g", sum.Pricing, sum.CostUSD)
	}
	assertNoKey(t, dir, stdout, stderr)
}

func TestMaxCostStopsWithExit3(t *testing.T) {
	isolate(t)
	_, base := simServer(t, sim.Faults{})
	const cap = 0.05
	code, stdout, stderr := runCLI(t, "hanoi", "--disks", "8", "--k", "3", "--model", "openai/gpt-4.1-mini",
		"--base-url", base, "--price-in", "0.4", "--price-out", "1.6", "--max-cost", fmt.Sprint(cap), "--json", "-q")
	if code != exitBudget {
		t.Fatalf("exit %d, want 3\nstderr %s", code, stderr)
	}
	var sum maker.Summary
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil {
		t.Fatal(err)
	}
	if sum.StopReason != "budget: max-cost" || sum.Success || sum.Steps == 0 || sum.Steps >= 255 {
		t.Errorf("stop %q, success %v, steps %d", sum.StopReason, sum.Success, sum.Steps)
	}
	// The engine admits a sample only while the cost so far plus every
	// sample in flight, at the dearest cost seen, stays under the cap; an
	// answer dearer than any before can carry it past by at most what the
	// k samples in flight cost at their dearest (the whole prompt and
	// --max-tokens of output each).
	perSample := sum.CostUSD / float64(sum.Samples)
	dearest := (float64(sum.InputTokens)/float64(sum.Samples)*2*0.4 + 750*1.6) / 1e6
	t.Logf("spent $%.5f against a $%.2f cap in %d samples (about $%.5f each, at most $%.5f)", sum.CostUSD, cap, sum.Samples, perSample, dearest)
	if sum.CostUSD > cap+3*dearest || sum.CostUSD < cap-4*perSample {
		t.Errorf("spent $%.5f against a $%.2f cap", sum.CostUSD, cap)
	}
	if !strings.Contains(stderr, "max-cost") {
		t.Errorf("stderr does not name the limit: %s", stderr)
	}
}

func TestBudgetsEndToEnd(t *testing.T) {
	isolate(t)
	_, base := simServer(t, sim.Faults{})
	tests := []struct {
		flag, value, reason string
		check               func(sum maker.Summary) error
	}{
		{"--max-samples-total", "40", "budget: max-samples-total", func(s maker.Summary) error {
			if s.Samples > 40 {
				return fmt.Errorf("%d samples past a cap of 40", s.Samples)
			}
			return nil
		}},
		{"--max-wall", "300ms", "budget: max-wall", func(s maker.Summary) error {
			if s.WallSeconds > 2 {
				return fmt.Errorf("ran %.2fs past a 300ms cap", s.WallSeconds)
			}
			return nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.flag, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "hanoi", "--disks", "12", "--k", "3", "--model", "vllm/sim",
				"--base-url", base, tt.flag, tt.value, "--json", "-q")
			if code != exitBudget {
				t.Fatalf("exit %d, want 3: %s", code, stderr)
			}
			var sum maker.Summary
			if err := json.Unmarshal([]byte(stdout), &sum); err != nil {
				t.Fatal(err)
			}
			if sum.StopReason != tt.reason {
				t.Errorf("stop reason %q, want %q", sum.StopReason, tt.reason)
			}
			if err := tt.check(sum); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestProviderErrorsNameTheSettingNotTheKey(t *testing.T) {
	dir := isolate(t)
	unauthorized := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A careless server echoes the credentials it was sent.
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"error":{"message":"Incorrect API key provided: %s","type":"invalid_request_error","code":"invalid_api_key"}}`,
			strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	}))
	defer unauthorized.Close()
	tests := []struct {
		name string
		args []string
		env  map[string]string
		code int
		want string
	}{
		{"bad key", []string{"--model", "openai/gpt-4.1-mini", "--base-url", unauthorized.URL + "/v1"}, nil, exitFailed, "OPENAI_API_KEY"},
		{"no key", []string{"--model", "groq/llama-3.3-70b-versatile"}, map[string]string{"GROQ_API_KEY": ""}, exitUsage, "GROQ_API_KEY"},
		{"unknown provider", []string{"--model", "nosuch/model"}, nil, exitUsage, "unknown provider"},
		{"bad base URL", []string{"--model", "openai/gpt-4.1", "--base-url", "file:///etc"}, nil, exitUsage, "base URL"},
		{"bad rpm", []string{"--model", "openai/gpt-4.1", "--rpm", "-3"}, nil, exitUsage, "--rpm"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			code, stdout, stderr := runCLI(t, append([]string{"hanoi", "--disks", "3", "--k", "1", "-q"}, tt.args...)...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d (want %d), stderr %q (want %q)", code, tt.code, stderr, tt.want)
			}
			assertNoKey(t, dir, stdout, stderr)
		})
	}
}

func TestUnknownPriceWarns(t *testing.T) {
	isolate(t)
	_, base := simServer(t, sim.Faults{})
	code, stdout, stderr := runCLI(t, "hanoi", "--disks", "3", "--k", "1", "--model", "openai/no-such-model", "--base-url", base, "-q")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "warning: no price known for openai/no-such-model") {
		t.Errorf("stderr has no price warning: %q", stderr)
	}
	if !regexp.MustCompile(`cost +\$0\.0000 .*--price-in`).MatchString(stdout) {
		t.Errorf("summary has no price note:\n%s", stdout)
	}
	if !strings.Contains(stdout, "SIMULATED") {
		t.Errorf("summary of a run on the simulated server does not say so:\n%s", stdout)
	}
}

func TestModelsCommand(t *testing.T) {
	code, stdout, _ := runCLI(t, "models")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"openai/", "OPENAI_API_KEY", "ollama/", "http://127.0.0.1:11434/v1", "litellm/", "groq/", "GROQ_API_KEY"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("maker models lacks %q", want)
		}
	}
	code, stdout, _ = runCLI(t, "models", "openai", "--json")
	var models []struct {
		ID      string        `json:"id"`
		Pricing maker.Pricing `json:"pricing"`
	}
	if err := json.Unmarshal([]byte(stdout), &models); code != 0 || err != nil || len(models) == 0 {
		t.Fatalf("maker models openai --json: exit %d, %v", code, err)
	}
	found := false
	for _, m := range models {
		found = found || (m.ID == "gpt-4.1-mini" && m.Pricing.InPerMTok > 0)
	}
	if !found {
		t.Error("gpt-4.1-mini is not listed with a price")
	}
	if code, _, _ := runCLI(t, "models", "nosuch"); code != exitUsage {
		t.Errorf("unknown provider: exit %d, want 2", code)
	}
}

// syncBuffer is a bytes.Buffer safe to read while a command writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestSimServeCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var serveErr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"sim", "serve", "--addr", "127.0.0.1:0", "--sim-error", "0"}, &syncBuffer{}, &serveErr)
	}()
	urlRe := regexp.MustCompile(`url=(http://127\.0\.0\.1:\d+/v1)`)
	var base string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := urlRe.FindStringSubmatch(serveErr.String()); m != nil {
			base = m[1]
			break
		}
	}
	if base == "" {
		cancel()
		t.Fatalf("sim serve did not say where it listens: %q", serveErr.String())
	}
	if !strings.Contains(serveErr.String(), "SIMULATED") {
		t.Errorf("sim serve does not log that it is simulated: %q", serveErr.String())
	}
	code, stdout, stderr := runCLI(t, "hanoi", "--disks", "4", "--k", "2", "--model", "llamacpp/anything", "--base-url", base, "-q")
	cancel()
	if code != 0 || !strings.Contains(stdout, "success: 15 of 15 steps") || !strings.Contains(stdout, "SIMULATED") {
		t.Errorf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	select {
	case c := <-done:
		if c != 0 {
			t.Errorf("sim serve exit %d: %s", c, serveErr.String())
		}
	case <-time.After(5 * time.Second):
		t.Error("sim serve did not stop when its context ended")
	}
	if code, _, stderr := runCLI(t, "sim", "serve", "--fail-429", "2"); code != exitUsage || !strings.Contains(stderr, "between 0 and 1") {
		t.Errorf("bad fault rate: exit %d, %q", code, stderr)
	}
}

// TestPlanPricesWhatModelsLists: `maker plan --model` prices a model from
// the same lists `maker models` shows and a run charges, without a key.
func TestPlanPricesWhatModelsLists(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", "")
	t.Setenv("ANTHROPIC_API_KEY", "")
	code, stdout, stderr := runCLI(t, "models", "openai", "--json")
	var listed []struct {
		ID      string        `json:"id"`
		Pricing maker.Pricing `json:"pricing"`
	}
	if err := json.Unmarshal([]byte(stdout), &listed); code != 0 || err != nil {
		t.Fatalf("maker models openai --json: exit %d, %v: %s", code, err, stderr)
	}
	var mini maker.Pricing
	for _, m := range listed {
		if m.ID == "gpt-4.1-mini" {
			mini = m.Pricing
		}
	}
	if mini.InPerMTok <= 0 {
		t.Fatal("maker models lists no price for gpt-4.1-mini")
	}
	tests := []struct {
		model string
		want  maker.Pricing
	}{
		{"openai/gpt-4.1-mini", mini},
		{"openai/gpt-4.1-mini-2025-04-14", mini}, // a dated snapshot
		{"anthropic/claude-haiku-4-5", maker.Pricing{InPerMTok: 1, CachedInPerMTok: 0.1, OutPerMTok: 5}},
		{"ollama/qwen3:8b", maker.Pricing{}}, // a local server is free
	}
	for _, tt := range tests {
		t.Run(tt.model, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "plan", "--p", "0.99", "--steps", "1023", "--model", tt.model, "--json")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			var pl struct {
				Prices struct {
					In     float64 `json:"in_per_mtok"`
					Out    float64 `json:"out_per_mtok"`
					Cached float64 `json:"cached_in_per_mtok"`
				} `json:"prices"`
			}
			if err := json.Unmarshal([]byte(stdout), &pl); err != nil {
				t.Fatal(err)
			}
			if pl.Prices.In != tt.want.InPerMTok || pl.Prices.Out != tt.want.OutPerMTok || pl.Prices.Cached != tt.want.CachedInPerMTok {
				t.Errorf("plan prices %+v, want %+v", pl.Prices, tt.want)
			}
		})
	}
	if code, _, stderr := runCLI(t, "plan", "--p", "0.99", "--steps", "1023", "--model", "openai/no-such-model"); code != exitUsage || !strings.Contains(stderr, "no price is known") {
		t.Errorf("unknown model: exit %d, %q", code, stderr)
	}
}

// TestBaseURLCredentialsNeverShow runs against an endpoint whose URL holds
// a password and a key parameter, and looks for them in everything the run
// leaves: stdout, stderr, the HTML report, the events file and every byte
// of the journal (WAL included).
func TestBaseURLCredentialsNeverShow(t *testing.T) {
	tests := []struct{ name, url, secret string }{
		{"password", "http://user:SECRETPW@127.0.0.1:1/v1", "SECRETPW"},
		{"key parameter", "http://127.0.0.1:1/v1?key=SECRETKEY1", "SECRETKEY1"},
		{"token parameter", "http://127.0.0.1:1/v1?access_token=SECRETTOK2", "SECRETTOK2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := isolate(t)
			for _, json := range []string{"", "--json"} {
				args := []string{"hanoi", "--disks", "3", "--k", "1", "--model", "vllm/x", "--base-url", tt.url, "--retries", "0",
					"--report", filepath.Join(dir, "r"+json+".html"), "--events", filepath.Join(dir, "e"+json+".jsonl"), "--db", filepath.Join(dir, "j.db")}
				if json != "" {
					args = append(args, json)
				}
				code, stdout, stderr := runCLI(t, args...)
				if code != exitFailed {
					t.Fatalf("exit %d, want %d (the server is not there)\n%s\n%s", code, exitFailed, stdout, stderr)
				}
				if !strings.Contains(stdout+stderr, "[redacted]") {
					t.Errorf("the endpoint is not shown redacted:\n%s\n%s", stdout, stderr)
				}
				for i, o := range []string{stdout, stderr} {
					if strings.Contains(o, tt.secret) {
						t.Errorf("output %d shows the secret:\n%s", i, o)
					}
				}
			}
			files := 0
			_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return nil
				}
				files++
				if b, err := os.ReadFile(path); err == nil && bytes.Contains(b, []byte(tt.secret)) {
					t.Errorf("%s holds the secret", path)
				}
				return nil
			})
			// The two reports and the journal; the events files stay empty,
			// since no step is decided, and an empty one is removed.
			if files < 3 {
				t.Errorf("only %d files written: the reports and journal were not all checked", files)
			}
		})
	}
}

// TestImpossibleUsageCannotDefeatMaxCost: a server that reports negative or
// overflowing token counts gets its samples refused (retried, then the run
// ends naming the cause), so the cost never goes negative or overflows and
// --max-cost stays a limit.
func TestImpossibleUsageCannotDefeatMaxCost(t *testing.T) {
	isolate(t)
	for _, usage := range []string{`"prompt_tokens":-1000000000,"completion_tokens":5`, `"prompt_tokens":10,"completion_tokens":9223372036854775000`} {
		requests := 0
		var mu sync.Mutex
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			requests++
			mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"choices":[{"index":0,"message":{"role":"assistant","content":"move = [1, 0, 2]\nnext_state = [[3, 2], [], [1]]"},"finish_reason":"stop"}],"usage":{%s}}`, usage)
		}))
		code, stdout, stderr := runCLI(t, "hanoi", "--disks", "3", "--k", "1", "--model", "vllm/x", "--base-url", srv.URL+"/v1",
			"--retries", "2", "--retry-wait", "1ms", "--price-in", "1", "--price-out", "1", "--max-cost", "0.01", "--json", "-q", "--no-journal")
		srv.Close()
		if code != exitFailed || !strings.Contains(stderr, "impossible token usage") {
			t.Errorf("%s: exit %d, stderr %q; want exit 1 naming the impossible usage", usage, code, stderr)
		}
		var sum maker.Summary
		if err := json.Unmarshal([]byte(stdout), &sum); err != nil {
			t.Fatalf("summary %q: %v", stdout, err)
		}
		if sum.CostUSD < 0 || sum.CostUSD > 0.01 || sum.InputTokens < 0 || sum.OutputTokens < 0 {
			t.Errorf("%s: cost $%g, %d in, %d out", usage, sum.CostUSD, sum.InputTokens, sum.OutputTokens)
		}
		if requests != 3 {
			t.Errorf("%s: %d requests, want 3 (one and two retries)", usage, requests)
		}
	}
}

// TestHungServerEndsTheRun: a server that sends headers and half a body,
// then nothing, is cut off at --timeout on every attempt, and the run ends
// with an error naming the flag instead of hanging.
func TestHungServerEndsTheRun(t *testing.T) {
	isolate(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"choices":[`))
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	defer srv.Close()
	start := time.Now()
	code, _, stderr := runCLI(t, "hanoi", "--disks", "3", "--k", "1", "--model", "vllm/x", "--base-url", srv.URL+"/v1",
		"--timeout", "200ms", "--retries", "1", "--retry-wait", "1ms", "-q", "--no-journal")
	if wall := time.Since(start); code != exitFailed || wall > 10*time.Second || !strings.Contains(stderr, "--timeout") {
		t.Errorf("exit %d after %s, stderr %q; want exit 1 within two 200ms attempts, naming --timeout", code, wall, stderr)
	}
}
