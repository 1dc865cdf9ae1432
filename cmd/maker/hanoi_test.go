package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// runCLI runs the command line in-process and returns its exit code and
// output.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestHanoiJSON(t *testing.T) {
	code, out, stderr := runCLI(t, "hanoi", "--disks", "6", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, out)
	}
	for _, key := range []string{"success", "simulated", "model", "disks", "steps", "k", "wrong_steps", "first_wrong_step",
		"samples", "valid_votes", "flagged", "cancelled", "max_votes_in_step", "steps_over_k", "votes_histogram",
		"input_tokens", "output_tokens", "cost_usd", "wall_seconds"} {
		if _, ok := got[key]; !ok {
			t.Errorf("JSON lacks %q", key)
		}
	}
	if got["success"] != true || got["simulated"] != true || got["steps"] != float64(63) || got["wrong_steps"] != float64(0) || got["first_wrong_step"] != nil {
		t.Fatalf("summary: %s", out)
	}
}

func TestHanoiText(t *testing.T) {
	code, out, _ := runCLI(t, "hanoi", "--disks", "5", "--k", "2")
	if code != 0 || !strings.Contains(out, "SIMULATED") || !strings.Contains(out, "success: 31 of 31") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

func TestHanoiExitCodes(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no disks", []string{"hanoi", "--disks", "0"}, 2, "--disks must be between"},
		{"too many disks", []string{"hanoi", "--disks", "31"}, 2, "--disks must be between"},
		{"bad k", []string{"hanoi", "--k", "zero"}, 2, "--k must be"},
		{"unknown flag", []string{"hanoi", "--nope"}, 2, "unknown flag"},
		{"unknown command", []string{"hanoy"}, 2, "unknown command"},
		{"bad target", []string{"hanoi", "--target", "1"}, 2, "--target"},
		{"bad sim error", []string{"hanoi", "--sim-error", "2"}, 2, "--sim-error"},
		{"unknown provider", []string{"hanoi", "--model", "nosuch/model", "--k", "3"}, 2, "unknown provider"},
		{"model without provider", []string{"hanoi", "--model", "gpt", "--k", "3"}, 2, "provider/model"},
		{"auto k on a real model needs p", []string{"hanoi", "--model", "nosuch/x"}, 2, ""},
		{"missing prompt file", []string{"hanoi", "--prompt-file", "/nonexistent/p.tmpl"}, 2, "prompt file"},
		{"task fails: k=1 at a high error rate", []string{"hanoi", "--disks", "6", "--k", "1", "--sim-error", "0.5"}, 1, ""},
		{"budget", []string{"hanoi", "--disks", "6", "--max-samples-total", "20", "--no-cache"}, 3, "max-samples-total"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.msg) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, stderr, tt.code, tt.msg)
			}
		})
	}
}

func TestHanoiClassic(t *testing.T) {
	code, out, _ := runCLI(t, "hanoi", "--classic", "--disks", "3")
	want := "[1, 0, 2]\n[2, 0, 1]\n[1, 2, 1]\n[3, 0, 2]\n[1, 1, 0]\n[2, 1, 2]\n[1, 0, 2]\n"
	if code != 0 || out != want {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}
