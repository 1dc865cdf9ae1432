package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// escalateModel is a simulated model with private hard steps (about 1% of
// them) that voting cannot decide: every sample there is red-flagged.
const escalateModel = "sim/A?hard=0.01&hard_error=1&flag_share=1&hard_steps=private"

// TestOnNoConsensusEscalate runs 10-disk Hanoi on model A: with the
// default policy the run stops at A's first hard step; with
// --on-no-consensus escalate:sim/B every step is decided right, the
// summary counts the escalated steps and their cost, and the journal keeps
// it, so show and replay see the steps B decided.
func TestOnNoConsensusEscalate(t *testing.T) {
	base := []string{"hanoi", "--disks", "10", "--k", "3", "--max-samples", "20", "--model", escalateModel, "--json", "-q"}

	code, _, stderr := runCLI(t, append(base, "--no-journal", "--on-no-consensus", "error")...)
	if code != exitFailed || !strings.Contains(stderr, "no candidate ahead by 3 after 20 samples (20 flagged)") {
		t.Fatalf("error policy: exit %d, stderr %q; want exit %d, no consensus", code, stderr, exitFailed)
	}
	t.Logf("error policy: %s", strings.TrimSpace(stderr))

	db := filepath.Join(t.TempDir(), "j.db")
	code, stdout, stderr := runCLI(t, append(base, "--db", db, "--on-no-consensus", "escalate:sim/B?price_in=4&price_out=16")...)
	if code != exitOK {
		t.Fatalf("escalate: exit %d: %s", code, stderr)
	}
	var sum struct {
		RunID             string  `json:"run_id"`
		Steps             int     `json:"steps"`
		Success           bool    `json:"success"`
		WrongSteps        int     `json:"wrong_steps"`
		EscalatedSteps    int     `json:"escalated_steps"`
		EscalationSamples int     `json:"escalation_samples"`
		EscalationCostUSD float64 `json:"escalation_cost_usd"`
		EscalatedTo       string  `json:"escalated_to"`
		CostUSD           float64 `json:"cost_usd"`
	}
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil {
		t.Fatalf("summary %q: %v", stdout, err)
	}
	t.Logf("escalate: %d steps, %d wrong, %d escalated to %s: %d samples, $%.4f of $%.4f",
		sum.Steps, sum.WrongSteps, sum.EscalatedSteps, sum.EscalatedTo, sum.EscalationSamples, sum.EscalationCostUSD, sum.CostUSD)
	if !sum.Success || sum.Steps != 1023 || sum.WrongSteps != 0 || sum.EscalatedSteps < 3 || sum.EscalatedTo != "sim/B" ||
		sum.EscalationSamples < 3*sum.EscalatedSteps || sum.EscalationCostUSD <= 0 {
		t.Fatalf("summary %+v", sum)
	}

	code, stdout, stderr = runCLI(t, "show", sum.RunID, "--db", db)
	if code != exitOK || !strings.Contains(stdout, "escalated") || !strings.Contains(stdout, "to sim/B") {
		t.Errorf("show: exit %d, %s%s; want the escalated steps", code, stdout, stderr)
	}
	var replay struct {
		Steps int `json:"steps"`
		Same  int `json:"same"`
	}
	code, stdout, stderr = runCLI(t, "replay", sum.RunID, "--db", db, "--json")
	if err := json.Unmarshal([]byte(stdout), &replay); code != exitOK || err != nil || replay.Same != replay.Steps || replay.Steps != 1023 {
		t.Errorf("replay: exit %d, %s%s: every step must replay as decided", code, stdout, stderr)
	}
	html := filepath.Join(t.TempDir(), "r.html")
	code, _, stderr = runCLI(t, "report", sum.RunID, "--db", db, "-o", html)
	page, err := os.ReadFile(html)
	if code != exitOK || err != nil || !strings.Contains(string(page), "escalated") || !strings.Contains(string(page), "to sim/B") {
		t.Errorf("report: exit %d, %v %s: want the escalated steps among the facts", code, err, stderr)
	}
}

// TestOnNoConsensusBad: a policy that is neither error nor escalate:MODEL
// is refused in one line naming the flag, and so is a model that cannot
// be opened.
func TestOnNoConsensusBad(t *testing.T) {
	tests := []struct {
		value, want string
	}{
		{"plurality", "--on-no-consensus: want error, escalate:MODEL or ask"},
		{"escalate:", "--on-no-consensus: escalate: want a model name"},
		{"escalate:sim/B?nope=1", "--on-no-consensus escalate:sim/B?nope=1"},
	}
	for _, tc := range tests {
		code, _, stderr := runCLI(t, "hanoi", "--disks", "3", "--no-journal", "-q", "--on-no-consensus", tc.value)
		msg := strings.TrimSpace(stderr)
		if code != exitUsage || strings.Contains(msg, "\n") || !strings.Contains(msg, tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want exit %d and one line with %q", tc.value, code, msg, exitUsage, tc.want)
		}
	}
}

// TestOnNoConsensusTaskFile: a task file's on_no_consensus escalates as the
// flag does, the flag overrides it, and a bad value is refused with its
// line.
func TestOnNoConsensusTaskFile(t *testing.T) {
	src, err := os.ReadFile("../../examples/yaml/running-sum.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, extra string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, append([]byte(extra+"\n"), src...), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("escalate.yaml", "on_no_consensus: escalate:sim/B")
	model := "sim/A?hard=0.05&hard_error=1&flag_share=1&hard_steps=private"
	base := []string{"run", good, "--model", model, "--k", "3", "--max-samples", "12", "--json", "--no-journal", "-q"}
	var sum struct {
		Success        bool   `json:"success"`
		WrongSteps     int    `json:"wrong_steps"`
		EscalatedSteps int    `json:"escalated_steps"`
		EscalatedTo    string `json:"escalated_to"`
	}
	code, stdout, stderr := runCLI(t, base...)
	if err := json.Unmarshal([]byte(stdout), &sum); code != exitOK || err != nil || !sum.Success || sum.EscalatedSteps == 0 || sum.EscalatedTo != "sim/B" {
		t.Fatalf("task file escalates: exit %d, %s%s", code, stdout, stderr)
	}
	code, _, stderr = runCLI(t, append(base, "--on-no-consensus", "error")...)
	if code != exitFailed || !strings.Contains(stderr, "no candidate ahead by 3") {
		t.Errorf("--on-no-consensus error over the file's escalate: exit %d, %s", code, stderr)
	}
	bad := write("bad.yaml", "on_no_consensus: plurality")
	code, _, stderr = runCLI(t, "run", bad, "--no-journal", "-q")
	if msg := strings.TrimSpace(stderr); code != exitUsage || !strings.Contains(msg, "bad.yaml:1: on_no_consensus: want error, escalate:MODEL or ask") {
		t.Errorf("bad value: exit %d, %q", code, msg)
	}
}
