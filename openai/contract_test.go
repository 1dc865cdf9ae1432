package openai

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/hanoi"
	"github.com/maker-go/maker/provider"
)

// mockLLM is the contract peer: @dwmkerr/mock-llm, an independent
// OpenAI-compatible mock server, installed by .ci/setup.d/mock-llm.sh.
const mockLLM = "../.cache/npm/node_modules/@dwmkerr/mock-llm/dist/main.js"

type mockRule struct {
	Path     string `json:"path"`
	Method   string `json:"method,omitempty"`
	Match    string `json:"match,omitempty"`
	Sequence *int   `json:"sequence,omitempty"`
	Response struct {
		Status  int    `json:"status"`
		Content string `json:"content"`
	} `json:"response"`
}

func rule(match string, seq *int, status int, content any) mockRule {
	r := mockRule{Path: "/v1/chat/completions", Method: "POST", Match: match, Sequence: seq}
	b, _ := json.Marshal(content)
	r.Response.Status, r.Response.Content = status, string(b)
	return r
}

// hanoiRules answer every step of an n-disk Hanoi with the right move, in
// our answer format, matched on the state the prompt shows; then fail the
// first requests with 429, 429 and 503 (mock-llm lets the last matching
// rule win, and a rule with a sequence number matches only that request).
func hanoiRules(t *testing.T, disks int) []mockRule {
	task, err := hanoi.New(disks)
	if err != nil {
		t.Fatal(err)
	}
	var rules []mockRule
	s, prev := task.Initial(), ""
	step := 0
	for m := range hanoi.Solution(disks) {
		p := task.Prompt(s, prev, step)
		ans, err := hanoi.Oracle().Answer(p)
		if err != nil {
			t.Fatal(err)
		}
		match := fmt.Sprintf("contains(body.messages[-1].content, 'Current state: %s')", s)
		rules = append(rules, rule(match, nil, 200, map[string]any{
			"id": "chatcmpl-mock", "object": "chat.completion", "created": 1700000000, "model": "{{jmes request body.model}}",
			"choices": []map[string]any{{"index": 0, "message": map[string]any{"role": "assistant", "content": ans.Right}, "finish_reason": "stop"}},
			"usage": map[string]any{"prompt_tokens": 300, "completion_tokens": 40, "total_tokens": 340,
				"prompt_tokens_details": map[string]any{"cached_tokens": 256}},
		}))
		if s, err = s.Apply(m); err != nil {
			t.Fatal(err)
		}
		prev = m.String()
		step++
	}
	for i, status := range []int{429, 429, 503} {
		seq := i
		rules = append(rules, rule("@", &seq, status, map[string]any{
			"error": map[string]any{"message": fmt.Sprintf("mock failure %d", status), "type": "rate_limit_error", "param": nil, "code": nil},
		}))
	}
	return rules
}

func startMockLLM(t *testing.T, rules []mockRule) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if _, serr := os.Stat(mockLLM); err != nil || serr != nil {
		t.Skipf("contract peer @dwmkerr/mock-llm is not installed (node: %v; %s: %v): run .ci/setup.d/mock-llm.sh", err, mockLLM, serr)
	}
	dir := t.TempDir()
	cfg, _ := json.Marshal(map[string]any{"rules": rules})
	cfgPath := filepath.Join(dir, "mock-llm.yaml") // JSON is YAML
	if err := os.WriteFile(cfgPath, cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	script, _ := filepath.Abs(mockLLM)
	cmd := exec.Command(node, script, "--config", cfgPath)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOST=127.0.0.1", fmt.Sprintf("PORT=%d", port))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		resp, err := http.Get(base + "/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return base + "/v1"
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("mock-llm did not come up on %s: %v\n%s", base, err, out.String())
		}
	}
}

func TestContractMockLLM(t *testing.T) {
	const disks = 3
	base := startMockLLM(t, hanoiRules(t, disks))
	t.Setenv("OPENAI_API_KEY", testKey)
	m, err := maker.OpenModel(context.Background(), maker.ModelSpec{Name: "openai/gpt-4.1-mini", BaseURL: base,
		Timeout: 5 * time.Second, Transport: maker.Transport{Retries: provider.DefaultMaxRetries, RetryWait: 10 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	task, _ := hanoi.New(disks)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := maker.Run(ctx, task, m, maker.Config{K: 2, Batch: true})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	s := res.Summary
	t.Logf("mock-llm: %d steps, %d samples, %d retries, %d in (%d cached), %d out, $%.6f",
		s.Steps, s.Samples, s.Retries, s.InputTokens, s.CachedInputTokens, s.OutputTokens, s.CostUSD)
	if !s.Success || s.Steps != 7 || s.WrongSteps != 0 {
		t.Errorf("success %v, %d steps, %d wrong", s.Success, s.Steps, s.WrongSteps)
	}
	if s.Retries != 3 {
		t.Errorf("%d retries, want 3 (two 429s and a 503)", s.Retries)
	}
	// mock-llm ignores n: every sample is its own request, each billed
	// 300 input tokens of which 256 cached, and 40 output tokens.
	if s.InputTokens != 300*s.Samples || s.CachedInputTokens != 256*s.Samples || s.OutputTokens != 40*s.Samples {
		t.Errorf("usage %d/%d/%d over %d samples", s.InputTokens, s.CachedInputTokens, s.OutputTokens, s.Samples)
	}
	if s.CostUSD <= 0 {
		t.Error("no cost at the catalog price")
	}
	if strings.Contains(fmt.Sprint(s), testKey) {
		t.Error("the summary shows the key")
	}
}

// TestContractBilledCost runs against mock-llm answering with OpenRouter's
// usage.cost, a billed figure ten times the catalog's: the summary shows
// both, and a --max-cost budget that the catalog figure would never reach
// stops the run on the billed one.
func TestContractBilledCost(t *testing.T) {
	const disks = 3
	const billed = 0.01 // USD a request, far above gpt-4.1-mini's catalog price
	rules := hanoiRules(t, disks)
	rules = rules[:len(rules)-3] // no failures: every request is billed once
	for i := range rules {
		var body map[string]any
		if err := json.Unmarshal([]byte(rules[i].Response.Content), &body); err != nil {
			t.Fatal(err)
		}
		body["usage"].(map[string]any)["cost"] = billed
		b, _ := json.Marshal(body)
		rules[i].Response.Content = string(b)
	}
	base := startMockLLM(t, rules)
	t.Setenv("OPENAI_API_KEY", testKey)
	m, err := maker.OpenModel(context.Background(), maker.ModelSpec{Name: "openai/gpt-4.1-mini", BaseURL: base,
		Timeout: 5 * time.Second, Transport: maker.Transport{Retries: provider.DefaultMaxRetries, RetryWait: 10 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	task, _ := hanoi.New(disks)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	res, err := maker.Run(ctx, task, m, maker.Config{K: 2})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	s := res.Summary
	if s.BilledSamples != s.Samples {
		t.Errorf("%d of %d samples billed, want all", s.BilledSamples, s.Samples)
	}
	if want := billed * float64(s.Samples); math.Abs(s.BilledCostUSD-want) > 1e-9 || math.Abs(s.ChargedUSD()-want) > 1e-9 {
		t.Errorf("billed $%.6f, charged $%.6f, want $%.6f", s.BilledCostUSD, s.ChargedUSD(), want)
	}
	if s.CostUSD <= 0 || s.CostUSD >= s.BilledCostUSD/2 {
		t.Errorf("catalog $%.6f beside billed $%.6f: want a positive catalog figure well below the bill", s.CostUSD, s.BilledCostUSD)
	}
	var text bytes.Buffer
	if err := s.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{fmt.Sprintf("$%.4f", s.CostUSD), fmt.Sprintf("billed      $%.4f", s.BilledCostUSD), "catalog"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, text.String())
		}
	}

	// A budget of three requests' bills: the catalog figure of the whole
	// run is far below it, the billed one crosses it.
	budget := 3.5 * billed
	if s.CostUSD >= budget {
		t.Fatalf("catalog cost $%.6f reaches the budget $%.4f: the test cannot tell the figures apart", s.CostUSD, budget)
	}
	res, err = maker.Run(ctx, task, m, maker.Config{K: 2, Budget: maker.Budget{MaxCost: budget}})
	if !errors.Is(err, maker.ErrBudget) {
		t.Fatalf("run with --max-cost $%.4f: err %v, want a budget stop on the billed cost", budget, err)
	}
	if got := res.Summary.ChargedUSD(); got > budget+1e-9 {
		t.Errorf("charged $%.6f past the budget $%.4f", got, budget)
	}
}
