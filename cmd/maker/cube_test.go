package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// TestCubeCommand runs `maker cube` in-process on the simulator: the cube
// ends solved with every step checked, the summary sets the method's move
// count beside the two-phase solution, and bad input exits 2.
func TestCubeCommand(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // the two-phase tables' default cache
	t.Setenv("HOME", t.TempDir())
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
		check  func(t *testing.T, s map[string]any)
	}{
		{name: "seeded scramble with comparison", args: []string{"cube", "--scramble-seed", "5", "--json"}, check: func(t *testing.T, s map[string]any) {
			if s["success"] != true || s["solved"] != true || s["wrong_steps"] != 0.0 || s["final_state"] != "UUUUUUUUURRRRRRRRRFFFFFFFFFDDDDDDDDDLLLLLLLLLBBBBBBBBB" {
				t.Errorf("summary %v", s)
			}
			if s["moves"] != s["method_moves"] || s["steps"] != s["method_steps"] {
				t.Errorf("moves %v of %v, steps %v of %v", s["moves"], s["method_moves"], s["steps"], s["method_steps"])
			}
			tp, _ := s["two_phase"].(map[string]any)
			if tp == nil || tp["moves"] == nil || tp["moves"].(float64) > 30 || tp["moves"].(float64) >= s["moves"].(float64) {
				t.Errorf("two_phase %v against %v moves", s["two_phase"], s["moves"])
			}
		}},
		{name: "given scramble, high error rate", args: []string{"cube", "--scramble", "R U R' U' F2 D L2 B", "--sim-error", "0.2", "--k", "3", "--no-optimal", "--json"}, check: func(t *testing.T, s map[string]any) {
			if s["success"] != true || s["scramble"] != "R U R' U' F2 D L2 B" || s["flagged"] == nil {
				t.Errorf("summary %v", s)
			}
			if _, ok := s["two_phase"]; ok {
				t.Error("--no-optimal still solved with two-phase")
			}
		}},
		{name: "bad scramble", args: []string{"cube", "--scramble", "R U X"}, code: exitUsage, stderr: `bad move token "X"`},
		{name: "both scrambles", args: []string{"cube", "--scramble", "R", "--scramble-seed", "3"}, code: exitUsage, stderr: "not both"},
		{name: "solved scramble", args: []string{"cube", "--scramble", "R R'"}, code: exitUsage, stderr: "leaves the cube solved"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(context.Background(), append(tc.args, "--quiet"), &out, &errb)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out.String(), errb.String())
			}
			if tc.stderr != "" && !strings.Contains(errb.String(), tc.stderr) {
				t.Fatalf("stderr %q lacks %q", errb.String(), tc.stderr)
			}
			if tc.check != nil {
				var sum map[string]any
				if err := json.Unmarshal(out.Bytes(), &sum); err != nil {
					t.Fatalf("summary is not JSON: %v\n%s", err, out.String())
				}
				tc.check(t, sum)
			}
		})
	}
}

// TestCubeCommandText: the text summary names the move counts of both
// solvers.
func TestCubeCommandText(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"cube", "--scramble-seed", "2", "--quiet"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"(solved: true)", "steps (the method: ", "two-phase   "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestCubeMethodListing: --method prints one line per reference step and
// the totals, and runs no model.
func TestCubeMethodListing(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"cube", "--method", "--scramble", "F R U R' U' F'"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	last := lines[len(lines)-1]
	if want := fmt.Sprintf("%d steps, ", len(lines)-1); !strings.HasPrefix(last, want) || !strings.Contains(lines[0], "cross") {
		t.Fatalf("listing:\n%s", out.String())
	}
}
