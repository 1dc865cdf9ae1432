package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/mcp"
	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/server"
	"github.com/maker-go/maker/taskfile"
)

// startServiceWith is startTestService with the builder's settings
// (--allow-execute, --allow-dir).
func startServiceWith(t *testing.T, path string, b *runs.Runner) *testService {
	t.Helper()
	met := server.NewMetrics(prometheus.NewRegistry())
	mgr, err := runs.New(context.Background(), path, b, runs.Options{OnStep: met.OnStep})
	if err != nil {
		t.Fatal(err)
	}
	met.SetManager(mgr)
	srv := server.New(server.Config{Manager: mgr, Metrics: met})
	hs := httptest.NewServer(srv)
	s := &testService{t: t, url: hs.URL, db: path, mgr: mgr, http: hs}
	t.Cleanup(func() {
		srv.StopStreams()
		hs.Close()
		mgr.Shutdown(context.Background())
	})
	return s
}

// submitCLI runs maker submit --server s ARGS... --json and returns the
// run's id, or the exit code and stderr when it fails.
func submitCLI(s *testService, args ...string) (id string, code int, stderr string) {
	var out, errb bytes.Buffer
	code = run(context.Background(), append(append([]string{"submit", "--server", s.url}, args...), "--json"), &out, &errb)
	var sub struct {
		RunID string `json:"run_id"`
	}
	if code == 0 {
		if err := json.Unmarshal(out.Bytes(), &sub); err != nil {
			s.t.Fatalf("submit printed %q", out.String())
		}
	}
	return sub.RunID, code, errb.String()
}

// TestSubmitTaskFileWithData: maker submit sends a task file with the data
// files it names (inputs, expected_file), so a service that reads nothing
// of its own disk runs it to the end, and resumes it from what was sent.
// A task file with execute runs on a service that allows its program's
// directory (--allow-execute --allow-dir), and only there.
func TestSubmitTaskFileWithData(t *testing.T) {
	t.Parallel() // a service and a journal of its own
	s := startServiceWith(t, filepath.Join(t.TempDir(), "j.db"), &runs.Runner{})
	id, code, stderr := submitCLI(s, "run", "../../examples/yaml/ledger.yaml")
	if code != 0 {
		t.Fatalf("submit run ledger.yaml: exit %d: %s", code, stderr)
	}
	in := s.wait(id, 2*time.Minute)
	if in.Status != maker.StatusDone || in.Summary == nil || !in.Summary.Success || in.Steps != 10000 {
		t.Fatalf("ledger.yaml on the service: %s, %d steps, summary %+v", in.Status, in.Steps, in.Summary)
	}
	// The run as the API shows it names the files with their SHA-256,
	// without their text.
	var shown struct{ Params map[string]json.RawMessage }
	s.do("GET", "/v1/runs/"+id, nil, &shown)
	if _, ok := shown.Params["files"]; ok || !strings.Contains(string(shown.Params["data"]), "ledger.expected.jsonl") {
		t.Fatalf("GET /v1/runs/%s params: files shown, or data missing: %.300s", id, shown.Params)
	}

	// Stopped part way and resumed, the run reads the files it was sent.
	id, code, stderr = submitCLI(s, "run", "../../examples/yaml/ledger.yaml", "--sim-latency", "1ms")
	if code != 0 {
		t.Fatalf("submit: exit %d: %s", code, stderr)
	}
	for {
		var in runs.Info
		s.do("GET", "/v1/runs/"+id, nil, &in)
		if in.Steps >= 20 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if c := s.do("POST", "/v1/runs/"+id+"/cancel", nil, nil); c != 200 {
		t.Fatalf("cancel: %d", c)
	}
	if in := s.wait(id, time.Minute); in.Status != maker.StatusInterrupted {
		t.Fatalf("cancelled run: %s", in.Status)
	}
	if c := s.do("POST", "/v1/runs/"+id+"/resume", nil, nil); c != 202 {
		t.Fatalf("resume: %d", c)
	}
	if c := s.do("POST", "/v1/runs/"+id+"/cancel", nil, nil); c != 200 && c != 409 {
		t.Fatalf("cancel: %d", c)
	}
	in = s.wait(id, time.Minute)
	if in.Status == maker.StatusFailed || in.Summary == nil || in.Summary.WrongSteps != 0 || len(in.Sessions) < 2 {
		t.Fatalf("the resumed run: %s, %d sessions, summary %+v", in.Status, len(in.Sessions), in.Summary)
	}

	// files.yaml runs a program: refused without the program's directory
	// allowed, run with it.
	dir, err := taskfile.AllowDir("../../examples/yaml")
	if err != nil {
		t.Fatal(err)
	}
	onlyExec := startServiceWith(t, filepath.Join(t.TempDir(), "j.db"), &runs.Runner{AllowExecute: true})
	if _, code, stderr := submitCLI(onlyExec, "run", "../../examples/yaml/files.yaml"); code != exitUsage || !strings.Contains(stderr, "execute.command[0]") || !strings.Contains(stderr, "--allow-dir") {
		t.Fatalf("files.yaml on a service that allows no directory: exit %d: %s", code, stderr)
	}
	withDir := startServiceWith(t, filepath.Join(t.TempDir(), "j.db"), &runs.Runner{AllowExecute: true, AllowDirs: []string{dir}})
	id, code, stderr = submitCLI(withDir, "run", "../../examples/yaml/files.yaml")
	if code != 0 {
		t.Fatalf("submit run files.yaml: exit %d: %s", code, stderr)
	}
	if in := withDir.wait(id, time.Minute); in.Status != maker.StatusDone || in.Summary == nil || !in.Summary.Success {
		t.Fatalf("files.yaml on the service: %s, summary %+v", in.Status, in.Summary)
	}

	// A data file the client cannot read is reported as the client's.
	bad := filepath.Join(t.TempDir(), "task.yaml")
	ledger, err := os.ReadFile("../../examples/yaml/ledger.yaml")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, bad, strings.Replace(string(ledger), "inputs: ledger.jsonl", "inputs: nowhere.jsonl", 1))
	if _, code, stderr := submitCLI(s, "run", bad); code != exitUsage || !strings.Contains(stderr, "on the client") {
		t.Fatalf("a missing data file: exit %d: %s", code, stderr)
	}
}

// TestServiceConfinesTaskFilePathsToAllowedDirs: with --allow-dir, a
// client's task file may name files in that directory, and every path out
// of it (absolute, up with .., a symbolic link out, a program outside) is
// refused with a 400 that names the field and shows no byte of the file.
func TestServiceConfinesTaskFilePathsToAllowedDirs(t *testing.T) {
	taskPath, cases := clientTaskfiles(t)
	dir, err := taskfile.AllowDir(filepath.Dir(taskPath))
	if err != nil {
		t.Fatal(err)
	}
	s := startServiceWith(t, filepath.Join(t.TempDir(), "j.db"), &runs.Runner{AllowExecute: true, AllowDirs: []string{dir}})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			desc := map[string]any{"kind": "taskfile", "params": map[string]any{"file": taskPath, "yaml": tc.yaml}}
			var out map[string]any
			code := s.do("POST", "/v1/runs", desc, &out)
			msg := fmt.Sprint(out["error"])
			if code != 400 || strings.Contains(fmt.Sprint(out), secretMark) {
				t.Fatalf("POST /v1/runs: %d %v", code, out)
			}
			if !strings.Contains(msg, tc.field) || !strings.Contains(msg, "not allowed") {
				t.Errorf("the error does not name %s and say it is not allowed: %s", tc.field, msg)
			}
		})
	}
	// A file inside the directory is taken.
	writeFile(t, filepath.Join(dir, "data.jsonl"), "{\"n\": 1}\n{\"n\": 2}\n")
	yaml := `name: sum
system: Add.
user: "{{.State}} {{.Input.n}}"
initial: "0"
inputs: data.jsonl
answer:
  regex: '^(?P<action>[a-z0-9]+) (?P<state>[0-9]+)$'
  template: "{{.Action}} {{.State}}"
done:
  inputs: true
expected:
  - {action: one, state: "1"}
  - {action: two, state: "3"}
`
	var out map[string]any
	if code := s.do("POST", "/v1/runs", map[string]any{"kind": "taskfile", "params": map[string]any{"file": taskPath, "yaml": yaml}, "settings": map[string]any{"model": "sim"}}, &out); code != 201 {
		t.Fatalf("a file in the allowed directory: %d %v", code, out)
	}
}

// connectMCP connects an MCP client to the service's manager in memory.
func connectMCP(t *testing.T, s *testService) *sdk.ClientSession {
	t.Helper()
	ctx := context.Background()
	st, ct := sdk.NewInMemoryTransports()
	ss, err := mcp.NewServer(s.mgr, nil).Connect(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ss.Close() })
	cs, err := sdk.NewClient(&sdk.Implementation{Name: "test", Version: "1"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

// TestMCPTaskFileDataAndCaps: MCP start_run takes a task file with its
// data files (params.files), and resume_run raises a run's budget cap.
func TestMCPTaskFileDataAndCaps(t *testing.T) {
	t.Parallel() // a service and a journal of its own
	s := startServiceWith(t, filepath.Join(t.TempDir(), "j.db"), &runs.Runner{})
	cs := connectMCP(t, s)
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join("../../examples/yaml", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	params := map[string]any{"file": "ledger.yaml", "yaml": read("ledger.yaml"), "files": map[string]string{
		"ledger.jsonl": read("ledger.jsonl"), "ledger.expected.jsonl": read("ledger.expected.jsonl")}}
	var started struct{ ID string }
	structured(t, "start_run", callTool(t, cs, "start_run", map[string]any{"kind": "taskfile", "params": params}), &started)
	if in := s.wait(started.ID, 2*time.Minute); in.Status != maker.StatusDone || in.Summary == nil || !in.Summary.Success {
		t.Fatalf("ledger.yaml through MCP: %s, summary %+v", in.Status, in.Summary)
	}

	var created map[string]string
	desc := map[string]any{"kind": "hanoi", "params": map[string]any{"disks": 8},
		"settings": map[string]any{"k": 2, "max-cost": 0.3, "price-in": 20, "price-out": 20}}
	if code := s.do("POST", "/v1/runs", desc, &created); code != 201 {
		t.Fatalf("POST /v1/runs: %d %v", code, created)
	}
	id := created["id"]
	first := s.wait(id, time.Minute)
	over := 4 * first.CostUSD / float64(first.Summary.Samples)
	structured(t, "resume_run", callTool(t, cs, "resume_run", map[string]any{"id": id, "max-cost": 0.6}), &started)
	for {
		in := s.wait(id, time.Minute)
		if last := in.Sessions[len(in.Sessions)-1]; last.N == 1 && last.Status != maker.StatusRunning {
			if in.Status != maker.StatusBudget || in.BudgetUSD != 0.6 || in.CostUSD > 0.6+over || in.CostUSD <= first.CostUSD {
				t.Fatalf("resumed through MCP with max-cost 0.6: %s, %s", in.Status, in.Spent)
			}
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
}
