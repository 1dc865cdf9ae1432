package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/maker-go/maker/mcp"
	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/server"
)

// The marks a hostile request must never get back: the content of a file
// planted on the server and the values of keys in the server's
// environment. They are long and random-looking, so a partial echo (a
// record, a line) is found too: see leaks.
const (
	plantedFileMark = "PLANTEDFILE-7f3a9c1e5b"
	plantedKey      = "sk-planted-3d9e1f7a2b6c4e8d"
	plantedToken    = "maker-planted-token-5c1e9a7f"
)

// serviceFuzz is one in-process service a fuzz target sends its requests
// to: the HTTP API and MCP over one Manager, a journal in a temporary
// directory and a logger whose lines are kept for inspection.
type serviceFuzz struct {
	dir    string
	secret string // the planted file's path
	mgr    *runs.Manager
	api    http.Handler
	mcp    *sdk.ClientSession
	log    *syncBuffer
	rss0   int64 // peak resident memory before the first input, in KiB
}

// drain returns what was logged since the last call.
func (s *syncBuffer) drain() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.b.String()
	s.b.Reset()
	return out
}

func newServiceFuzz(f *testing.F) *serviceFuzz {
	f.Helper()
	dir := f.TempDir()
	secret := filepath.Join(dir, "secret", "passwords.csv")
	if err := os.MkdirAll(filepath.Dir(secret), 0o700); err != nil {
		f.Fatal(err)
	}
	// A CSV and JSONL-looking file whose every line carries the mark, so
	// any record, line or field echoed back is caught.
	var content strings.Builder
	content.WriteString("user," + plantedFileMark + "_header\n")
	for i := range 20 {
		fmt.Fprintf(&content, "u%d,%s_%d\n", i, plantedFileMark, i)
	}
	if err := os.WriteFile(secret, []byte(content.String()), 0o600); err != nil {
		f.Fatal(err)
	}
	f.Setenv("OPENAI_API_KEY", plantedKey)
	f.Setenv("MAKER_TOKEN", plantedToken)

	log := new(syncBuffer)
	logger := slog.New(slog.NewTextHandler(log, nil))
	mgr, err := runs.New(context.Background(), filepath.Join(dir, "journal.db"), &runs.Runner{Log: log}, runs.Options{Logger: logger})
	if err != nil {
		f.Fatal(err)
	}
	srv := server.New(server.Config{Manager: mgr, Logger: logger})
	st, ct := sdk.NewInMemoryTransports()
	ss, err := mcp.NewServer(mgr, logger).Connect(context.Background(), st, nil)
	if err != nil {
		f.Fatal(err)
	}
	cs, err := sdk.NewClient(&sdk.Implementation{Name: "fuzz", Version: "1"}, nil).Connect(context.Background(), ct, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() {
		cs.Close()
		ss.Close()
		srv.StopStreams()
		_ = mgr.Shutdown(context.Background())
	})
	return &serviceFuzz{dir: dir, secret: secret, mgr: mgr, api: srv, mcp: cs, log: log, rss0: peakRSS()}
}

// peakRSS is the process's peak resident memory in KiB (VmHWM), or 0
// where /proc does not tell it.
func peakRSS() int64 {
	fh, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

// leaks names the planted secret that text shows and the request did
// not carry itself (an echo of the client's own bytes is no leak), or "".
func leaks(text string, body []byte) string {
	for _, s := range []string{plantedFileMark, plantedKey, plantedToken} {
		if strings.Contains(text, s) && !bytes.Contains(body, []byte(s)) {
			return s
		}
	}
	return ""
}

// maxFuzzGrowthKiB is how far the peak resident memory may grow over the
// whole fuzzing process: the service's own caps (a 1 MiB body, bounded
// templates, rendered prompts and records) keep one request far below it,
// while an unbounded template or read reaches it within one input.
const maxFuzzGrowthKiB = 768 << 10

// send posts one body to POST /v1/runs and as the arguments of MCP's
// start_run, stops whatever run either started, and checks that nothing
// the service answered, logged or journaled shows a planted secret, and
// that memory stayed bounded.
func (s *serviceFuzz) send(t *testing.T, body []byte) {
	// The body may name the planted file by a placeholder, so that the
	// seeds reach it wherever the temporary directory is.
	body = bytes.ReplaceAll(body, []byte("@SECRET@"), []byte(s.secret))
	body = bytes.ReplaceAll(body, []byte("@SECRETREL@"), []byte(relativePath(s.secret)))

	var started []string
	req := httptest.NewRequest("POST", "/v1/runs", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	s.api.ServeHTTP(rec, req)
	answer := rec.Body.String()
	if rec.Code == http.StatusCreated {
		var out struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(rec.Body.Bytes(), &out) == nil && out.ID != "" {
			started = append(started, out.ID)
		}
	}
	if rec.Code >= 500 {
		t.Errorf("POST /v1/runs answered %d: %s", rec.Code, answer)
	}
	if leak := leaks(answer, body); leak != "" {
		t.Fatalf("POST /v1/runs answer shows %q: %s", leak, answer)
	}

	if json.Valid(body) {
		ctx, cancel := context.WithTimeout(context.Background(), mcpFuzzTimeout)
		res, err := s.mcp.CallTool(ctx, &sdk.CallToolParams{Name: "start_run", Arguments: json.RawMessage(body)})
		cancel()
		var text string
		if err != nil {
			text = err.Error()
		} else {
			b, _ := json.Marshal(res)
			text = string(b)
			if !res.IsError {
				var out struct {
					ID string `json:"id"`
				}
				if b, err := json.Marshal(res.StructuredContent); err == nil && json.Unmarshal(b, &out) == nil && out.ID != "" {
					started = append(started, out.ID)
				}
			}
		}
		if leak := leaks(text, body); leak != "" {
			t.Fatalf("MCP start_run answer shows %q: %s", leak, text)
		}
	}

	for _, id := range started {
		_ = s.mgr.Cancel(context.Background(), id)
	}
	if leak := leaks(s.log.drain(), body); leak != "" {
		t.Fatalf("the service's log shows %q", leak)
	}
	if len(started) > 0 {
		s.checkJournal(t, body)
	}
	if s.rss0 > 0 {
		if grown := peakRSS() - s.rss0; grown > maxFuzzGrowthKiB {
			t.Fatalf("peak resident memory grew by %d MiB (limit %d MiB)", grown>>10, maxFuzzGrowthKiB>>10)
		}
	}
}

// mcpFuzzTimeout bounds one MCP call: start_run answers once the run is
// journaled, well within it even on a loaded machine.
const mcpFuzzTimeout = 2 * time.Minute

// checkJournal reads the journal's files byte by byte (SQLite keeps text
// as it is), so a secret in any row of any table, or in the write-ahead
// log not yet checkpointed, is found.
func (s *serviceFuzz) checkJournal(t *testing.T, body []byte) {
	t.Helper()
	for _, name := range []string{"journal.db", "journal.db-wal"} {
		b, err := os.ReadFile(filepath.Join(s.dir, name))
		if err != nil {
			continue
		}
		if leak := leaks(string(b), body); leak != "" {
			t.Fatalf("the journal (%s) holds %q", name, leak)
		}
	}
}

// relativePath is target relative to the working directory, where a
// task file named without a directory is taken to be: the ../ path a
// client would write to reach it.
func relativePath(target string) string {
	wd, err := os.Getwd()
	if err != nil {
		return target
	}
	if rel, err := filepath.Rel(wd, target); err == nil {
		return rel
	}
	return target
}

// fuzzTaskFile is a run description of a task file with the given YAML.
func fuzzTaskFile(yaml string) string {
	b, _ := json.Marshal(map[string]any{"kind": "taskfile", "params": map[string]any{"file": "task.yaml", "yaml": yaml}})
	return string(b)
}

// FuzzServiceRequests sends arbitrary run descriptions to the service's
// API and MCP start_run, in process. Whatever the body, the service must
// not panic or fail with a 5xx, must keep its memory bounded, and must
// never show a byte of a file on the server or of a key in its
// environment: not in an answer, a log line or a journal row. The seeds
// are the requests that once did: task files naming a server file by an
// absolute, a relative or a ../ path, a template that loops, field names
// that differ only in case, and a program to run.
func FuzzServiceRequests(f *testing.F) {
	base := `name: fuzz
system: Keep a total.
user: "Step {{.Step}}: {{.State}} {{.Input.user}}"
initial: "0"
answer:
  regex: '(?m)^action: (?P<action>.+)\ntotal: (?P<state>.+)$'
  template: "action: {{.Action}}\ntotal: {{.State}}"
done:
  steps: 2
`
	seeds := []string{
		`{"kind":"hanoi","params":{"disks":3}}`,
		`{"kind":"hanoi","KIND":"cube"}`,
		`{"Kind":"hanoi","params":{"disks":3}}`,
		`{"kind":"hanoi","params":{"disks":3,"Disks":25}}`,
		`{"kind":"hanoi","settings":{"api_key_env":"OPENAI_API_KEY","model":"openai/x"}}`,
		fuzzTaskFile(base + "inputs: {file: @SECRET@, format: csv}\n"),
		fuzzTaskFile(base + "inputs: {file: ../../../../../../../..@SECRET@, format: csv}\n"),
		fuzzTaskFile(base + "inputs: @SECRETREL@\n"),
		fuzzTaskFile(strings.Replace(base, "{{.Input.user}}", "{{.Input.nothere}}", 1) + "inputs: {file: @SECRET@, format: csv}\n"),
		fuzzTaskFile(strings.Replace(base, "{{.Input.user}}", "", 1) + "expected_file: @SECRET@\n"),
		fuzzTaskFile(strings.Replace(base, "{{.Input.user}}", `{{range 3000}}{{range 1000000}}x{{end}}{{end}}`, 1)),
		fuzzTaskFile(strings.Replace(base, "{{.Input.user}}", "", 1) + "execute: {command: [/bin/cat, @SECRET@]}\n"),
		fuzzTaskFile(strings.Replace(base, "{{.Input.user}}", "", 1) + "execute: {command: [env]}\n"),
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	s := newServiceFuzz(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		s.send(t, body)
	})
}
