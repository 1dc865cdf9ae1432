package anthropic_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/anthropic"
)

// The contract test runs the adapter against steady (npm @stdy/cli), the
// OpenAPI mock server that the official Anthropic SDKs are tested against,
// serving the Messages API spec that ships inside the anthropic-sdk-go
// version we build with (scripts/mock-spec.json.gz). Steady rejects a request
// that does not match the spec (an unknown field, a wrong type, a missing
// required field) with HTTP 400, so every request shape the adapter can send
// is checked against Anthropic's own description of the API.

// steadyBinary finds steady as .ci/setup.d/steady.sh installs it, preferring
// the platform binary over the node wrapper so that killing it stops it.
func steadyBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("STEADY_BIN"); p != "" {
		return p
	}
	dir := filepath.Join("..", ".cache", "npm", "node_modules")
	arch := map[string]string{"amd64": "x64", "arm64": "arm64"}[runtime.GOARCH]
	platform := filepath.Join(dir, "@stdy", "cli-"+runtime.GOOS+"-"+arch, "bin", "steady")
	for _, p := range []string{platform, filepath.Join(dir, ".bin", "steady")} {
		if _, err := os.Stat(p); err == nil {
			abs, _ := filepath.Abs(p)
			return abs
		}
	}
	if p, err := exec.LookPath("steady"); err == nil {
		return p
	}
	t.Skip("steady (npm @stdy/cli) is not installed: run .ci/setup.d/steady.sh")
	return ""
}

// mockSpec writes the API spec bundled with the SDK module to a temporary
// file and returns its path.
func mockSpec(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/anthropics/anthropic-sdk-go").Output()
	if err != nil {
		t.Fatalf("locating anthropic-sdk-go: %v", err)
	}
	gz, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "scripts", "mock-spec.json.gz"))
	if err != nil {
		t.Fatalf("the SDK module ships no mock spec: %v", err)
	}
	r, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	spec, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "anthropic-spec.json")
	if err := os.WriteFile(path, spec, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// startSteady serves the spec on a free 127.0.0.1 port and returns its URL.
func startSteady(t *testing.T) string {
	t.Helper()
	bin := steadyBinary(t)
	spec := mockSpec(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	var logs bytes.Buffer
	cmd := exec.Command(bin, "--host", "127.0.0.1", "-p", fmt.Sprint(port),
		"--generator-seed=1", "--log-level=details", "--no-color", spec)
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Skipf("steady cannot start (%v): run .ci/setup.d/steady.sh", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("steady log:\n%s", logs.String())
		}
	})
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(60 * time.Second)
	for {
		res, err := http.Get(url + "/_x-steady/health")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return url
			}
		}
		select {
		case err := <-exited:
			t.Fatalf("steady exited: %v\n%s", err, logs.String())
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("steady did not come up in 60s\n%s", logs.String())
		}
	}
}

// validity records what steady said about each request.
type validity struct {
	base    http.RoundTripper
	verdict []string
}

func (v *validity) RoundTrip(r *http.Request) (*http.Response, error) {
	res, err := v.base.RoundTrip(r)
	if res != nil {
		v.verdict = append(v.verdict, res.Header.Get("X-Steady-Request-Valid")+" "+res.Header.Get("X-Steady-Error-1-Message"))
	}
	return res, err
}

func TestContractSteady(t *testing.T) {
	url := startSteady(t)

	// Control: steady must reject what the spec does not allow, or the
	// checks below would prove nothing.
	res, err := http.Post(url+"/v1/messages", "application/json", strings.NewReader(
		`{"model":"claude-haiku-4-5","max_tokens":10,"temprature":0,"messages":[{"role":"user","content":"hi"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest || res.Header.Get("X-Steady-Request-Valid") != "false" {
		t.Fatalf("steady accepted a request with an unknown field (HTTP %d): it is not validating", res.StatusCode)
	}

	tests := []struct {
		name  string
		cfg   anthropic.Config
		req   maker.Request
		temps bool
	}{
		{"first vote, temperature 0, cached system", anthropic.Config{Model: "claude-haiku-4-5"}, maker.Request{Prompt: prompt, Temperature: 0, MaxTokens: 750}, true},
		{"later vote, temperature 0.1", anthropic.Config{Model: "claude-opus-4-6"}, maker.Request{Prompt: prompt, Temperature: 0.1, MaxTokens: 750}, true},
		{"model without temperature", anthropic.Config{Model: "claude-opus-4-7"}, maker.Request{Prompt: prompt, Temperature: 0.1, MaxTokens: 750}, false},
		{"cache off", anthropic.Config{Model: "claude-sonnet-4-5", NoCache: true}, maker.Request{Prompt: prompt, Temperature: 0.1, MaxTokens: 100}, true},
		{"no system prompt", anthropic.Config{Model: "claude-haiku-4-5"}, maker.Request{Prompt: maker.Prompt{User: prompt.User}, MaxTokens: 100}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := &validity{base: http.DefaultTransport}
			cfg := tt.cfg
			cfg.APIKey, cfg.BaseURL, cfg.HTTPClient = fakeKey, url, &http.Client{Transport: v}
			m, err := anthropic.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if m.SendsTemperature() != tt.temps {
				t.Fatalf("sends temperature %v, want %v", m.SendsTemperature(), tt.temps)
			}
			resp, err := m.Generate(context.Background(), tt.req)
			if err != nil {
				t.Fatalf("steady rejected the request: %v (verdicts %q)", err, v.verdict)
			}
			if len(v.verdict) != 1 || !strings.HasPrefix(v.verdict[0], "true") {
				t.Fatalf("steady's verdict %q, want one valid request", v.verdict)
			}
			if resp.InputTokens < 0 || resp.OutputTokens < 0 || resp.CachedInputTokens > resp.InputTokens {
				t.Errorf("usage read back inconsistent: %+v", resp)
			}
		})
	}
}
