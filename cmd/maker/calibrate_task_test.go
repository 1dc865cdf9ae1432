package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/mcp"
	"github.com/maker-go/maker/sim"
)

// calibrateJSON runs maker calibrate ... --json and reads its report.
func calibrateJSON(t *testing.T, args ...string) map[string]any {
	t.Helper()
	code, out, stderr := runCLI(t, append([]string{"calibrate"}, append(args, "--json")...)...)
	if code != 0 {
		t.Fatalf("calibrate %s: exit %d: %s", strings.Join(args, " "), code, stderr)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, out)
	}
	return m
}

// Any task command calibrates: its steps come from its known answers
// (a task file's expected ones, an oracle), and the report holds p with
// its interval and the plan.
func TestCalibrateAnyTask(t *testing.T) {
	t.Parallel() // calibration writes no file
	rep := calibrateJSON(t, "run", "../../examples/yaml/ledger.yaml", "--samples", "300", "--model", "sim/a?error=0.01")
	q := rep["vote_error_rate"].(map[string]any)
	lo, hi := 1-q["hi"].(float64), 1-q["lo"].(float64)
	if rep["task"] != "ledger" || rep["truth"] != "known" || rep["samples"] != float64(300) || lo > 0.99 || hi < 0.99 {
		t.Errorf("ledger: task %v, truth %v, %v samples, p in %.5f-%.5f; want ledger, known, 300, an interval holding 0.99", rep["task"], rep["truth"], rep["samples"], lo, hi)
	}
	if plans, _ := rep["plans"].(map[string]any); plans["measured"] == nil {
		t.Errorf("ledger: no plan in %v", rep["plans"])
	}
	for _, args := range [][]string{
		{"sudoku", "--seed", "7", "--samples", "40"},
		{"scenario", "deps", "--samples", "20"},
		{"hanoi", "--disks", "6", "--samples", "40"},
		{"--samples", "40", "cube", "--scramble", "R U F"},
		{"--json", "--samples", "40", "--target", "0.9", "sudoku", "--blanks", "10"},
	} {
		rep := calibrateJSON(t, args...)
		if rep["truth"] != "known" || rep["samples"] == float64(0) {
			t.Errorf("calibrate %v: truth %v, %v samples", args, rep["truth"], rep["samples"])
		}
	}
	// Two models answer the same steps and are compared.
	code, out, stderr := runCLI(t, "calibrate", "run", "../../examples/yaml/ledger.yaml", "--samples", "200",
		"--model", "sim/a?error=0.01", "--model", "sim/b?error=0.05")
	if code != 0 || !strings.Contains(out, "every model answered the same 100 steps") || !strings.Contains(out, "sim/a (sim)") || !strings.Contains(out, "sim/b (sim)") {
		t.Errorf("two models: exit %d\n%s%s", code, out, stderr)
	}
}

// sumOracle answers running-sum prompts from their text: a task file
// without expected answers, which a model served over HTTP can still
// answer.
type sumOracle struct{}

var sumPrompt = regexp.MustCompile(`Step (\d+) of \d+\.[\s\S]*Current total: (-?\d+)`)

func (sumOracle) Answer(p maker.Prompt) (maker.Answer, error) {
	m := sumPrompt.FindStringSubmatch(p.User)
	if m == nil {
		return maker.Answer{}, maker.ErrNotMine
	}
	n, _ := strconv.Atoi(m[1])
	total, _ := strconv.Atoi(m[2])
	return maker.Answer{
		Right: fmt.Sprintf("action: add %d\ntotal: %d", n, total+n),
		Wrong: []string{fmt.Sprintf("action: add %d\ntotal: %d", n, total+n+1)},
	}, nil
}

// A task file with no expected answers calibrates by a pilot, and says so.
func TestCalibratePilot(t *testing.T) {
	b, err := os.ReadFile("../../examples/yaml/running-sum.yaml")
	if err != nil {
		t.Fatal(err)
	}
	yaml, _, _ := strings.Cut(string(b), "\nexpected:")
	task := filepath.Join(t.TempDir(), "sum.yaml")
	if err := os.WriteFile(task, []byte(yaml+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The simulator cannot play a task without answers: it is refused,
	// in one line.
	code, _, stderr := runCLI(t, "calibrate", "run", task, "--samples", "40")
	if code == 0 || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
		t.Errorf("sim on a task without answers: exit %d, %q", code, stderr)
	}
	cfg := sim.DefaultConfig()
	cfg.ErrorRate = 0.02
	srv, err := sim.NewServer([]maker.Oracle{sumOracle{}}, sim.ServerConfig{Model: cfg})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	t.Setenv("OPENAI_API_KEY", fakeKey)
	args := []string{"run", task, "--samples", "200", "--per-step", "4", "--model", "openai/gpt-4.1-mini", "--base-url", ts.URL + "/v1"}
	rep := calibrateJSON(t, args...)
	note, _ := rep["truth_note"].(string)
	if rep["truth"] != "pilot" || !strings.Contains(note, "measured by agreement") || !strings.Contains(note, "biased upward") || rep["steps"] != float64(50) {
		t.Errorf("pilot: truth %v, %v steps, note %q", rep["truth"], rep["steps"], note)
	}
	code, out, stderr := runCLI(t, append([]string{"calibrate"}, args...)...)
	if code != 0 || !strings.Contains(out, "truth       PILOT: the task has no known answers") {
		t.Errorf("pilot text: exit %d\n%s%s", code, out, stderr)
	}
}

// Calibrate's own flags are checked before anything runs, and a word that
// is no task is refused, naming the tasks.
func TestCalibrateTaskFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "x.yaml", "--pilot-k", "0"}, "--pilot-k: want 1 to"},
		{[]string{"hanoi", "--follow-up", "-1"}, "--follow-up: want 0 to 1000"},
		{[]string{"hanoi", "--samples", "1"}, "--samples: want 2 to"},
		{[]string{"hanoy"}, `"hanoy" is not a task (known: cube, hanoi`},
	} {
		code, _, stderr := runCLI(t, append([]string{"calibrate"}, c.args...)...)
		msg := strings.TrimSpace(stderr)
		if code != exitUsage || !strings.Contains(msg, c.want) || strings.Contains(msg, "\n") {
			t.Errorf("calibrate %s: exit %d, %q; want exit %d and one line with %q", strings.Join(c.args, " "), code, msg, exitUsage, c.want)
		}
	}
}

// Calibrate's JSON feeds maker plan: the hard steps it measured raise k
// over what the flat p asks, and the plan says what the flat plan would
// promise; hard steps no k gets through are a failure that says what
// would help.
func TestPlanFromCalibration(t *testing.T) {
	code, out, stderr := runCLI(t, "calibrate", "hanoi", "--disks", "14", "--samples", "16000", "--per-step", "8", "--follow-up", "20",
		"--model", "sim/x?error=0.002&hard=0.01&hard_error=0.4", "--json")
	if code != 0 {
		t.Fatalf("calibrate: exit %d: %s", code, stderr)
	}
	file := filepath.Join(t.TempDir(), "cal.json")
	if err := os.WriteFile(file, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr = runCLI(t, "plan", "--calibration", file, "--steps", "1023", "--json")
	var pl struct {
		KMin      int     `json:"k_min"`
		PFull     float64 `json:"p_full"`
		HardShare float64 `json:"hard_share"`
		Flat      *struct {
			KMin      int     `json:"k_min"`
			TruePFull float64 `json:"true_p_full"`
		} `json:"flat"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &pl) != nil {
		t.Fatalf("plan --calibration: exit %d: %s%s", code, out, stderr)
	}
	if pl.HardShare < 0.005 || pl.HardShare > 0.02 || pl.Flat == nil || pl.Flat.KMin >= pl.KMin || pl.Flat.TruePFull > 0.5 || pl.PFull < 0.95 {
		t.Errorf("plan %+v, flat %+v: want about 1%% hard steps, a k above the flat plan's, whose own success is poor", pl, pl.Flat)
	}
	code, _, stderr = runCLI(t, "plan", "--p", "0.9986", "--hard-share", "0.01", "--hard-p", "0.4", "--steps", "1023")
	if code != exitFailed || !strings.Contains(stderr, "no k reaches the target") || !strings.Contains(stderr, "stronger model") {
		t.Errorf("unreachable: exit %d, %q", code, stderr)
	}
	code, _, stderr = runCLI(t, "plan", "--p", "0.9986", "--hard-share", "0.01", "--steps", "1023")
	if code != exitUsage || !strings.Contains(stderr, "--hard-share and --hard-p go together") {
		t.Errorf("--hard-share alone: exit %d, %q", code, stderr)
	}
}

// The MCP calibrate tool, on maker serve's /mcp as on stdio, calibrates
// any task kind with its params, as start_run takes them.
func TestCalibrateThroughMCP(t *testing.T) {
	ctx := context.Background()
	st, ct := sdk.NewInMemoryTransports()
	ss, err := mcp.NewServer(newTestManager(t), nil).Connect(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ss.Close()
	cs, err := sdk.NewClient(&sdk.Implementation{Name: "test", Version: "1"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	yaml, err := os.ReadFile("../../examples/yaml/running-sum.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cal struct {
		Task    string         `json:"task"`
		Truth   string         `json:"truth"`
		Samples int            `json:"samples"`
		Plans   map[string]any `json:"plans"`
	}
	structured(t, "calibrate", callTool(t, cs, "calibrate", map[string]any{"kind": "taskfile", "params": map[string]any{"yaml": string(yaml)}, "samples": 100, "model": "sim/a?error=0.02"}), &cal)
	if cal.Task != "running-sum" || cal.Truth != "known" || cal.Samples != 100 || cal.Plans["measured"] == nil {
		t.Errorf("taskfile: %+v", cal)
	}
	var cmp struct {
		Comparison struct {
			Models []struct {
				Model string `json:"model"`
			} `json:"models"`
		} `json:"comparison"`
	}
	structured(t, "calibrate", callTool(t, cs, "calibrate", map[string]any{"kind": "sudoku", "params": map[string]any{"blanks": 20}, "samples": 40, "models": []string{"sim/a?error=0.01", "sim/b?error=0.1"}}), &cmp)
	if len(cmp.Comparison.Models) != 2 {
		t.Errorf("two models: %+v", cmp)
	}
	if res := callTool(t, cs, "calibrate", map[string]any{"kind": "chess"}); !res.IsError || !strings.Contains(resultText(res), "chess") {
		t.Errorf("unknown kind: %s", resultText(res))
	}
}
