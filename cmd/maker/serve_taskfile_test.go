package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/mcp"
)

// secretMark is in every line of the files planted beside the service's
// task files: no answer may carry it.
const secretMark = "s3cr3t-b1-mark"

// clientTaskfiles are task files a client sends that name a file on the
// server, each in one of the ways a path can reach out: absolute, up with
// .., through a symbolic link, as expected answers, as a schema's $ref and
// as a program. Each uses a field the data lacks, so that an error naming
// the first record would show it.
func clientTaskfiles(t *testing.T) (taskPath string, cases []struct{ name, field, yaml string }) {
	t.Helper()
	dir := t.TempDir()
	secretDir := filepath.Join(dir, "secret")
	tasks := filepath.Join(dir, "tasks")
	for _, d := range []string{secretDir, tasks} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	var csv strings.Builder
	csv.WriteString("user," + secretMark + "\n")
	for i := range 5 {
		fmt.Fprintf(&csv, "u%d,%s-%d\n", i, secretMark, i)
	}
	secret := filepath.Join(secretDir, "passwords.csv")
	schema := filepath.Join(secretDir, "schema.json")
	program := filepath.Join(secretDir, "run.sh")
	for name, text := range map[string]string{
		secret:  csv.String(),
		schema:  `{"const": "` + secretMark + `"}`,
		program: "#!/bin/sh\necho " + secretMark + "\n",
	} {
		if err := os.WriteFile(name, []byte(text), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(secret, filepath.Join(tasks, "link.csv")); err != nil {
		t.Fatal(err)
	}
	task := func(extra, user string) string {
		return `name: probe
system: Add the numbers.
user: "` + user + `"
initial: "0"
answer:
  regex: '^(?P<action>[a-z0-9]+) (?P<state>[0-9]+)$'
  template: "{{.Action}} {{.State}}"
done:
  steps: 2
` + extra
	}
	cases = []struct{ name, field, yaml string }{
		{"absolute", "inputs", task("inputs: {file: "+secret+", format: csv}\n", "{{.State}} {{.Input.nope}}")},
		{"dotdot", "inputs", task("inputs: ../secret/passwords.csv\n", "{{.State}} {{.Input.nope}}")},
		{"symlink out", "inputs", task("inputs: link.csv\n", "{{.State}} {{.Input.nope}}")},
		{"expected file", "expected_file", task("expected_file: ../secret/passwords.csv\n", "{{.State}}")},
		{"schema ref", "answer.json.schema", strings.Replace(task("", "{{.State}}"),
			"  regex: '^(?P<action>[a-z0-9]+) (?P<state>[0-9]+)$'\n  template: \"{{.Action}} {{.State}}\"\n",
			"  json:\n    schema: {$ref: \"file://"+schema+"\"}\n", 1)},
		{"program", "execute", task("execute: {command: [../secret/run.sh]}\n", "{{.State}}")},
	}
	return filepath.Join(tasks, "task.yaml"), cases
}

// TestServiceRefusesTaskFilePaths: a task file sent to the service (POST
// /v1/runs, MCP start_run) may name no file on the server. Each path is
// refused with a 400 that names the field, and no byte of the planted
// files comes back.
func TestServiceRefusesTaskFilePaths(t *testing.T) {
	taskPath, cases := clientTaskfiles(t)
	s := startTestService(t, filepath.Join(t.TempDir(), "j.db"))
	ctx := context.Background()
	st, ct := sdk.NewInMemoryTransports()
	ss, err := mcp.NewServer(s.mgr, nil).Connect(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ss.Close()
	cs, err := sdk.NewClient(&sdk.Implementation{Name: "test", Version: "1"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
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
				t.Errorf("POST /v1/runs: the error does not name %s and say it is not allowed: %s", tc.field, msg)
			}
			res := callTool(t, cs, "start_run", desc)
			text := resultText(res)
			if !res.IsError || strings.Contains(text, secretMark) {
				t.Fatalf("MCP start_run: error %v: %s", res.IsError, text)
			}
			if !strings.Contains(text, tc.field) || !strings.Contains(text, "not allowed") {
				t.Errorf("MCP start_run: the error does not name %s and say it is not allowed: %s", tc.field, text)
			}
		})
	}
}

// TestServiceResumesCLITaskFileWithData: a run the command line started
// from a task file with an inputs file and an expected file, journaled and
// interrupted, is resumed by the service, which reads those files as the
// command line did: only a new run from a client may name no file.
func TestServiceResumesCLITaskFileWithData(t *testing.T) {
	dir := t.TempDir()
	const steps = 150
	var data, expected strings.Builder
	sum := 0
	for i := 1; i <= steps; i++ {
		sum += i
		fmt.Fprintf(&data, "{\"n\": %d}\n", i)
		fmt.Fprintf(&expected, "{\"action\": \"%d\", \"state\": \"%d\"}\n", i, sum)
	}
	task := `name: sum
system: Add the number to the total.
user: "Total {{.State}}; add {{.Input.n}}"
initial: 0
inputs: data.jsonl
expected_file: expected.jsonl
answer:
  regex: '^add (?P<action>[0-9]+) = (?P<state>[0-9]+)$'
  template: "add {{.Action}} = {{.State}}"
done:
  inputs: true
`
	for name, text := range map[string]string{"data.jsonl": data.String(), "expected.jsonl": expected.String(), "task.yaml": task} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	db := filepath.Join(dir, "j.db")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	var out, errb bytes.Buffer
	go func() {
		done <- run(ctx, []string{"run", filepath.Join(dir, "task.yaml"), "--sim-latency", "5ms", "--db", db, "--json", "-q"}, &out, &errb)
	}()
	var id string
	for deadline := time.Now().Add(time.Minute); id == ""; time.Sleep(10 * time.Millisecond) {
		if r, ok := peekRun(db); ok && r.Steps > 10 {
			id = r.ID
		}
		if time.Now().After(deadline) {
			t.Fatal("the command line run committed no steps in a minute")
		}
	}
	cancel()
	if code := <-done; code == exitOK {
		t.Fatalf("the run ended before it was interrupted: %s", errb.String())
	}
	s := startTestService(t, db)
	if code := s.do("POST", "/v1/runs/"+id+"/resume", nil, nil); code != http.StatusAccepted {
		t.Fatalf("resume: %d", code)
	}
	in := s.wait(id, 2*time.Minute)
	if in.Status != maker.StatusDone || in.Steps != steps {
		t.Fatalf("resumed run: %s, %d steps, want done after %d", in.Status, in.Steps, steps)
	}
}
