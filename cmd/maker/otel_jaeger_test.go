package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
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

// jaeger is a Jaeger all-in-one started for one test.
type jaeger struct {
	query string // the query API's base URL
	otlp  string // the OTLP/HTTP receiver's base URL, for OTEL_EXPORTER_OTLP_ENDPOINT
}

// jaegerConfig is Jaeger's configuration with in-memory storage, an
// OTLP/HTTP receiver and the query API, each on the loopback port given,
// and nothing else listening: no gRPC receivers, no metrics, no health
// check on the default ports, so the test shares the machine with anything.
const jaegerConfig = `service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [jaeger_storage_exporter]
  telemetry:
    metrics:
      level: none
    logs:
      level: warn
extensions:
  jaeger_storage:
    backends:
      mem:
        memory:
          max_traces: 10000
  jaeger_query:
    enable_tracing: false
    storage:
      traces: mem
    http:
      endpoint: 127.0.0.1:%d
    grpc:
      endpoint: 127.0.0.1:%d
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:%d
processors:
  batch:
exporters:
  jaeger_storage_exporter:
    trace_storage: mem
`

// freePorts returns n loopback ports that were free a moment ago.
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var ports []int
	var lns []net.Listener
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	for _, ln := range lns {
		ln.Close()
	}
	return ports
}

// startJaeger runs Jaeger with in-memory storage on free loopback ports and
// returns its endpoints once the query API answers. A port taken between
// choosing it and Jaeger's listening makes Jaeger exit; it is started again
// on other ports.
func startJaeger(t *testing.T) jaeger {
	t.Helper()
	bin := jaegerBin(t)
	var log string
	for try := 0; try < 3; try++ {
		ports := freePorts(t, 3)
		dir := t.TempDir()
		conf := filepath.Join(dir, "jaeger.yaml")
		if err := os.WriteFile(conf, fmt.Appendf(nil, jaegerConfig, ports[0], ports[1], ports[2]), 0o600); err != nil {
			t.Fatal(err)
		}
		out := &lockedBuffer{}
		cmd := exec.Command(bin, "--config", conf)
		cmd.Dir = dir
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan struct{})
		go func() { _ = cmd.Wait(); close(exited) }()
		j := jaeger{query: fmt.Sprintf("http://127.0.0.1:%d", ports[0]), otlp: fmt.Sprintf("http://127.0.0.1:%d", ports[2])}
		if jaegerUp(j.query, exited, 2*time.Minute) {
			t.Cleanup(func() {
				_ = cmd.Process.Kill()
				<-exited
			})
			return j
		}
		_ = cmd.Process.Kill()
		<-exited
		log = out.String()
	}
	t.Fatalf("Jaeger did not come up:\n%s", log)
	return jaeger{}
}

// jaegerUp waits until the query API answers, Jaeger exits or the limit
// passes.
func jaegerUp(base string, exited <-chan struct{}, limit time.Duration) bool {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(limit)
	for {
		if resp, err := http.Get(base + "/api/services"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return true
			}
		}
		select {
		case <-exited:
			return false
		case <-deadline:
			return false
		case <-tick.C:
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
	ProcessID     string      `json:"processID"`
	References    []struct {
		RefType string `json:"refType"`
		SpanID  string `json:"spanID"`
	} `json:"references"`
}

func (s jaegerSpan) tag(key string) (any, bool) {
	for _, t := range s.Tags {
		if t.Key == key {
			return t.Value, true
		}
	}
	return nil, false
}

// num is a numeric tag's value (JSON numbers decode as float64), 0 when
// absent.
func (s jaegerSpan) num(key string) int64 {
	v, _ := s.tag(key)
	f, _ := v.(float64)
	return int64(f)
}

// parent is the span's parent span id ("" for a root span).
func (s jaegerSpan) parent() string {
	for _, r := range s.References {
		if r.RefType == "CHILD_OF" {
			return r.SpanID
		}
	}
	return ""
}

type jaegerTrace struct {
	TraceID   string       `json:"traceID"`
	Spans     []jaegerSpan `json:"spans"`
	Processes map[string]struct {
		ServiceName string      `json:"serviceName"`
		Tags        []jaegerTag `json:"tags"`
	} `json:"processes"`
}

// runTrace is what a run's trace holds, as [checkRunTrace] counts it.
type runTrace struct {
	sessions  int            // maker.run spans
	steps     map[int64]int  // maker.step spans by step number
	chats     int            // GenAI chat spans
	in, out   int64          // the chat spans' tokens
	processes map[int64]bool // the process ids of the sessions' spans
}

// checkRunTrace checks the shape of a run's trace: each step span a child
// of a session span, each chat span a child of a step span with the GenAI
// attributes; and counts what it holds.
func checkRunTrace(t *testing.T, tr jaegerTrace) runTrace {
	t.Helper()
	ops := map[string]string{}
	for _, s := range tr.Spans {
		ops[s.SpanID] = s.OperationName
	}
	rt := runTrace{steps: map[int64]int{}, processes: map[int64]bool{}}
	for _, s := range tr.Spans {
		switch {
		case strings.HasPrefix(s.OperationName, "maker.run"):
			rt.sessions++
			for _, tag := range tr.Processes[s.ProcessID].Tags {
				if f, ok := tag.Value.(float64); ok && tag.Key == "process.pid" {
					rt.processes[int64(f)] = true
				}
			}
		case s.OperationName == "maker.step":
			rt.steps[s.num("maker.step")]++
			if p := ops[s.parent()]; !strings.HasPrefix(p, "maker.run") {
				t.Errorf("step %d's span is a child of %q, want a maker.run span", s.num("maker.step"), p)
			}
		case strings.HasPrefix(s.OperationName, "chat "):
			rt.chats++
			for _, k := range []string{"gen_ai.operation.name", "gen_ai.provider.name", "gen_ai.request.model", "gen_ai.request.temperature", "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens", "gen_ai.response.finish_reasons"} {
				if _, ok := s.tag(k); !ok {
					t.Errorf("chat span lacks %s: %v", k, s.Tags)
				}
			}
			if v, _ := s.tag("gen_ai.operation.name"); v != "chat" {
				t.Errorf("gen_ai.operation.name %v, want chat", v)
			}
			if p := ops[s.parent()]; p != "maker.step" {
				t.Errorf("a chat span is a child of %q, want maker.step", p)
			}
			rt.in += s.num("gen_ai.usage.input_tokens")
			rt.out += s.num("gen_ai.usage.output_tokens")
		}
	}
	return rt
}

// traces reads the service's traces back through Jaeger's query API.
func (j jaeger) traces(t *testing.T, service string) []jaegerTrace {
	t.Helper()
	resp, err := http.Get(j.query + "/api/traces?limit=50&lookback=1h&service=" + url.QueryEscape(service))
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

// waitSpans waits until Jaeger holds at least want spans of the service's
// traces (the exporter sends in batches, Jaeger stores them a moment
// later), and returns the traces; at the limit it returns what there is.
func (j jaeger) waitSpans(t *testing.T, service string, want int) []jaegerTrace {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		got := j.traces(t, service)
		n := 0
		for _, tr := range got {
			n += len(tr.Spans)
		}
		if n >= want || time.Now().After(deadline) {
			return got
		}
		time.Sleep(100 * time.Millisecond) // polling Jaeger, which has no way to tell
	}
}

// TestOTelJaeger runs maker hanoi --disks 5 with OTEL_EXPORTER_OTLP_ENDPOINT
// pointing at a real Jaeger and reads the trace back: one trace, a span per
// step, a GenAI chat span per sample whose token counts add up to the
// summary's.
func TestOTelJaeger(t *testing.T) {
	j := startJaeger(t)
	bin := buildMaker(t)
	service := fmt.Sprintf("maker-test-%d", time.Now().UnixNano())
	cmd := makerCmd(t, bin, "hanoi", "--disks", "5", "--json", "--db", filepath.Join(t.TempDir(), "j.db"))
	cmd.Env = append(cmd.Env, "OTEL_EXPORTER_OTLP_ENDPOINT="+j.otlp, "OTEL_SERVICE_NAME="+service)
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
	got := j.waitSpans(t, service, 1+sum.Steps+sum.Samples) // session, steps, chats
	if len(got) != 1 {
		t.Fatalf("%d traces of service %s, want 1", len(got), service)
	}
	rt := checkRunTrace(t, got[0])
	if rt.sessions != 1 || len(rt.steps) != sum.Steps || rt.chats != sum.Samples {
		t.Errorf("%d session spans, %d steps with spans and %d chat spans; the run decided %d steps from %d samples in one session", rt.sessions, len(rt.steps), rt.chats, sum.Steps, sum.Samples)
	}
	for step, n := range rt.steps {
		if n != 1 || step < 1 || step > int64(sum.Steps) {
			t.Errorf("step %d has %d spans, want 1", step, n)
		}
	}
	if rt.in != sum.InputTokens || rt.out != sum.OutputTokens {
		t.Errorf("chat spans' tokens %d in, %d out; the summary's %d, %d", rt.in, rt.out, sum.InputTokens, sum.OutputTokens)
	}
}
