package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// jaegerBin finds the Jaeger all-in-one that .ci/setup.d/jaeger.sh builds.
func jaegerBin(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("jaeger"); err == nil {
		return p
	}
	gopath, _ := exec.Command("go", "env", "GOPATH").Output()
	p := filepath.Join(strings.TrimSpace(string(gopath)), "bin", "jaeger")
	if _, err := os.Stat(p); err != nil {
		t.Skipf("Jaeger is not installed (%s): run .ci/setup.d/jaeger.sh", p)
	}
	return p
}

// startJaeger runs Jaeger with in-memory storage on its default ports
// (OTLP/HTTP 4318, query 16686, on loopback only) and returns the query
// API's base URL once it answers.
func startJaeger(t *testing.T) string {
	t.Helper()
	bin := jaegerBin(t)
	for _, port := range []int{4317, 4318, 16686} {
		if ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err != nil {
			t.Fatalf("Jaeger's port %d is taken: %v", port, err)
		} else {
			ln.Close()
		}
	}
	var out bytes.Buffer
	cmd := exec.Command(bin)
	cmd.Dir = t.TempDir()
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	base := "http://127.0.0.1:16686"
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		resp, err := http.Get(base + "/api/services")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return base
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("Jaeger did not come up: %v\n%s", err, out.String())
		}
	}
}

type jaegerTag struct {
	Key   string `json:"key"`
	Value any    `json:"value"`
}

type jaegerSpan struct {
	TraceID       string      `json:"traceID"`
	SpanID        string      `json:"spanID"`
	OperationName string      `json:"operationName"`
	Tags          []jaegerTag `json:"tags"`
}

func (s jaegerSpan) tag(key string) (any, bool) {
	for _, t := range s.Tags {
		if t.Key == key {
			return t.Value, true
		}
	}
	return nil, false
}

type jaegerTrace struct {
	TraceID string       `json:"traceID"`
	Spans   []jaegerSpan `json:"spans"`
}

// traces reads the service's traces back through Jaeger's query API.
func traces(t *testing.T, base, service string) []jaegerTrace {
	t.Helper()
	resp, err := http.Get(base + "/api/traces?limit=50&service=" + service)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Data []jaegerTrace `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("Jaeger's traces: %v", err)
	}
	return body.Data
}

// TestOTelJaeger runs maker hanoi --disks 5 with OTEL_EXPORTER_OTLP_ENDPOINT
// pointing at a real Jaeger and reads the trace back: one trace, a span per
// step, a GenAI chat span per sample whose token counts add up to the
// summary's.
func TestOTelJaeger(t *testing.T) {
	base := startJaeger(t)
	bin := buildMaker(t)
	service := fmt.Sprintf("maker-test-%d", time.Now().UnixNano())
	cmd := exec.Command(bin, "hanoi", "--disks", "5", "--json", "--db", filepath.Join(t.TempDir(), "j.db"))
	cmd.Env = append(os.Environ(), "OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318", "OTEL_SERVICE_NAME="+service)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("maker hanoi: %v\n%s", err, stderr.String())
	}
	var sum struct {
		Steps        int   `json:"steps"`
		Samples      int   `json:"samples"`
		InputTokens  int64 `json:"input_tokens"`
		OutputTokens int64 `json:"output_tokens"`
	}
	if err := json.Unmarshal(out, &sum); err != nil {
		t.Fatalf("summary: %v\n%s", err, out)
	}
	if sum.Steps != 31 {
		t.Fatalf("%d steps, want 31", sum.Steps)
	}
	want := 1 + sum.Steps + sum.Samples // session, steps, chats
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var got []jaegerTrace
	for {
		got = traces(t, base, service)
		if len(got) > 0 && len(got[0].Spans) >= want || ctx.Err() != nil {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if len(got) != 1 {
		t.Fatalf("%d traces of service %s, want 1", len(got), service)
	}
	steps, chats := 0, 0
	var in, outTok int64
	for _, s := range got[0].Spans {
		switch {
		case s.OperationName == "maker.step":
			steps++
		case strings.HasPrefix(s.OperationName, "chat "):
			chats++
			for _, k := range []string{"gen_ai.operation.name", "gen_ai.provider.name", "gen_ai.request.model", "gen_ai.request.temperature", "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens", "gen_ai.response.finish_reasons"} {
				if _, ok := s.tag(k); !ok {
					t.Errorf("chat span lacks %s: %v", k, s.Tags)
				}
			}
			if v, _ := s.tag("gen_ai.operation.name"); v != "chat" {
				t.Errorf("gen_ai.operation.name %v", v)
			}
			i, _ := s.tag("gen_ai.usage.input_tokens")
			o, _ := s.tag("gen_ai.usage.output_tokens")
			in += int64(i.(float64))
			outTok += int64(o.(float64))
		}
	}
	if steps != sum.Steps || chats != sum.Samples {
		t.Errorf("%d step spans and %d chat spans; the run decided %d steps from %d samples", steps, chats, sum.Steps, sum.Samples)
	}
	if in != sum.InputTokens || outTok != sum.OutputTokens {
		t.Errorf("chat spans' tokens %d in, %d out; the summary's %d, %d", in, outTok, sum.InputTokens, sum.OutputTokens)
	}
}
