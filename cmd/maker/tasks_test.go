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

// TestTaskCommands runs `maker run` and `maker sudoku` in-process: the
// examples succeed on the simulator, and bad input exits 2 with a message
// that says where the problem is.
func TestTaskCommands(t *testing.T) {
	dir := t.TempDir()
	noExpected := filepath.Join(dir, "open.yaml")
	writeFile(t, noExpected, "name: open\nsystem: s\nuser: \"{{.State}}\"\ninitial: a\nanswer:\n  json: {}\ndone:\n  steps: 3\n")
	badRegex := filepath.Join(dir, "bad.yaml")
	writeFile(t, badRegex, "name: bad\nsystem: s\nuser: \"{{.State}}\"\ninitial: a\nanswer:\n  regex: '(?P<action>x)'\ndone:\n  steps: 3\n")

	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string // part of the message, for failures
		check  func(t *testing.T, sum map[string]any)
	}{
		{name: "running sum", args: []string{"run", "../../examples/yaml/running-sum.yaml", "--json"}, check: func(t *testing.T, s map[string]any) {
			if s["steps"] != 210.0 || s["final_state"] != "22155" || s["success"] != true {
				t.Errorf("summary %v", s)
			}
		}},
		{name: "text transform", args: []string{"run", "../../examples/yaml/text-transform.yaml", "--json", "--k", "2"}, check: func(t *testing.T, s map[string]any) {
			if s["steps"] != 9.0 || s["final_state"] != "THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG" {
				t.Errorf("summary %v", s)
			}
		}},
		{name: "sudoku generated", args: []string{"sudoku", "--seed", "4", "--blanks", "45", "--json"}, check: func(t *testing.T, s map[string]any) {
			if s["steps"] != 45.0 || s["solved"] != true || s["success"] != true || strings.Contains(s["final_grid"].(string), ".") {
				t.Errorf("summary %v", s)
			}
		}},
		{name: "sudoku given", args: []string{"sudoku", "--puzzle", "53..7....6..195....98....6.8...6...34..8.3..17...2...6.6....28....419..5....8..79", "--json", "--k", "2"}, check: func(t *testing.T, s map[string]any) {
			if s["steps"] != 51.0 || s["solved"] != true {
				t.Errorf("summary %v", s)
			}
		}},
		{name: "missing file", args: []string{"run", filepath.Join(dir, "none.yaml")}, code: exitUsage, stderr: "no such file"},
		{name: "no file", args: []string{"run"}, code: exitUsage, stderr: "accepts 1 arg"},
		{name: "bad file", args: []string{"run", badRegex}, code: exitUsage, stderr: "bad.yaml:6: answer.regex: missing named group \"state\""},
		{name: "sim without expected", args: []string{"run", noExpected}, code: exitUsage, stderr: "no expected answers"},
		{name: "bad puzzle", args: []string{"sudoku", "--puzzle", "12345"}, code: exitUsage, stderr: "5 cells, want 81"},
		{name: "puzzle too hard for the rule", args: []string{"sudoku", "--puzzle", "5" + strings.Repeat(".", 80)}, code: exitUsage, stderr: "single candidate"},
		{name: "blanks with puzzle", args: []string{"sudoku", "--puzzle", "x", "--blanks", "3"}, code: exitUsage, stderr: "--blanks applies to generated puzzles"},
		{name: "too many blanks", args: []string{"sudoku", "--blanks", "70"}, code: exitUsage, stderr: "blanks must be between 1 and 60"},
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
				if sum["simulated"] != true {
					t.Errorf("a run on the simulator must say so: %v", sum["simulated"])
				}
				tc.check(t, sum)
			}
		})
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
