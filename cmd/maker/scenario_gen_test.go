package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runTransitionCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// TestTransitionScenarios runs each scenario at its default size on the
// simulator, as a user would, and reads the JSON summary.
func TestTransitionScenarios(t *testing.T) {
	tests := []struct {
		name  string
		steps float64
		field string // a task-specific field the summary must carry
	}{
		{"deps", 12, "build_order"},
		{"infra", 40, "schedule"},
		{"interview", 5, "score"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runTransitionCLI(t, "scenario", tt.name, "--json")
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var sum map[string]any
			if err := json.Unmarshal([]byte(out), &sum); err != nil {
				t.Fatalf("summary is not JSON: %v\n%s", err, out)
			}
			if sum["success"] != true || sum["steps"] != tt.steps || sum["simulated"] != true {
				t.Errorf("summary: success %v, steps %v, simulated %v", sum["success"], sum["steps"], sum["simulated"])
			}
			if _, ok := sum[tt.field]; !ok {
				t.Errorf("summary has no %q", tt.field)
			}
		})
	}
}

// TestScenarioInstanceFiles saves a generated instance, runs it back from
// the file, and checks that bad files and conflicting flags exit 2 with the
// culprit named.
func TestScenarioInstanceFiles(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"deps", "infra", "interview"} {
		path := filepath.Join(dir, name+".json")
		code, gen, errOut := runTransitionCLI(t, "scenario", name, "--size", "7", "--instance-seed", "4", "--save-instance", path, "--json")
		if code != exitOK {
			t.Fatalf("%s: generate: exit %d: %s", name, code, errOut)
		}
		code, back, errOut := runTransitionCLI(t, "scenario", name, "--instance", path, "--json")
		if code != exitOK {
			t.Fatalf("%s: from file: exit %d: %s", name, code, errOut)
		}
		var a, b map[string]any
		_ = json.Unmarshal([]byte(gen), &a)
		_ = json.Unmarshal([]byte(back), &b)
		for _, k := range []string{"build_order", "events", "bookings"} {
			if a[k] != nil && !sameJSON(a[k], b[k]) {
				t.Errorf("%s: %s differs between the generated run and the saved file", name, k)
			}
		}
		if code, _, errOut := runTransitionCLI(t, "scenario", name, "--instance", path, "--size", "9"); code != exitUsage || !strings.Contains(errOut, "--size") {
			t.Errorf("%s: --instance with --size: exit %d, %q", name, code, errOut)
		}
	}
	bad := []struct{ scenario, json, want string }{
		{"deps", `{"modules":[{"name":"a","deps":["b"]},{"name":"b","deps":["a"]}]}`, "dependency cycle among modules: a -> b -> a"},
		{"deps", `{"modules":[{"name":"a","deps":["zz"]}]}`, `unknown module "zz"`},
		{"infra", `{"resources":[{"name":"db","deps":["vpc"],"minutes":5,"hourly_usd":0.1}]}`, `unknown resource "vpc"`},
		{"interview", `{"days":1,"slots":2,"rooms":[{"name":"r","capacity":2}],"interviewers":[{"name":"al","available":{"1":[1]}}],"candidates":[{"name":"c1","preferred":[]},{"name":"c2","preferred":[]}],"interviews":[{"id":"i1","day":1,"candidate":"c1","panel":["al"]},{"id":"i2","day":1,"candidate":"c2","panel":["al"]}]}`, "cannot place interview i2"},
	}
	for _, tt := range bad {
		path := filepath.Join(dir, "bad.json")
		if err := os.WriteFile(path, []byte(tt.json), 0o600); err != nil {
			t.Fatal(err)
		}
		code, _, errOut := runTransitionCLI(t, "scenario", tt.scenario, "--instance", path)
		if code != exitUsage || !strings.Contains(errOut, tt.want) || !strings.Contains(errOut, path) {
			t.Errorf("%s: exit %d, stderr %q; want exit 2 naming %q and the file", tt.scenario, code, errOut, tt.want)
		}
	}
	if code, _, errOut := runTransitionCLI(t, "scenario", "deps", "--size", "0"); code != exitUsage || !strings.Contains(errOut, "size") {
		t.Errorf("--size 0: exit %d, %q", code, errOut)
	}
}

// TestScenarioSingleSampleFails shows the failure the vote prevents, from
// the command line: at a high simulated error rate and k=1 a run goes
// wrong and exits 1.
func TestScenarioSingleSampleFails(t *testing.T) {
	code, out, _ := runTransitionCLI(t, "scenario", "infra", "--sim-error", "0.3", "--k", "1", "--json")
	if code != exitFailed {
		t.Fatalf("exit %d, want %d", code, exitFailed)
	}
	var sum map[string]any
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatal(err)
	}
	if sum["success"] != false || sum["wrong_steps"].(float64) < 1 {
		t.Errorf("success %v, wrong steps %v", sum["success"], sum["wrong_steps"])
	}
}

func sameJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}
