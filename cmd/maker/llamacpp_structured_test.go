package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// counterTask is a JSON-answer task file whose schema llama.cpp compiles
// into a grammar: an action from a list and a state of digits.
const counterTask = `name: json-counter
system: |
  You keep a counter. Each step, add 1 or 2 to it.
  Answer with one JSON object and nothing else:
  {"action": "add 1" or "add 2", "state": "<the new counter>"}
user: |
  Step {{.Step}}. Counter: {{.State}}
initial: "0"
answer:
  json:
    schema:
      type: object
      required: [action, state]
      additionalProperties: false
      properties:
        action: {type: string, enum: ["add 1", "add 2"]}
        state: {type: string, pattern: "^[0-9]{1,4}$"}
done:
  steps: 4
`

// TestLlamaCppStructuredOutputs runs a JSON-answer task on llama.cpp's
// server with stories260K, a model that knows nothing of the task: with
// structured outputs (the default) the server turns the answer schema into
// a grammar and no answer is red-flagged for its form; with
// --structured=false the model writes stories and nearly every answer is
// red-flagged. What this shows is the constraint, not skill: the answers
// that pass are well-formed, not right.
func TestLlamaCppStructuredOutputs(t *testing.T) {
	t.Parallel() // a llama-server of its own, on a port of its own
	base := startLlamaServer(t)
	task := filepath.Join(t.TempDir(), "counter.yaml")
	if err := os.WriteFile(task, []byte(counterTask), 0o600); err != nil {
		t.Fatal(err)
	}
	type summary struct {
		Steps      int            `json:"steps"`
		Samples    int            `json:"samples"`
		ValidVotes int            `json:"valid_votes"`
		Flagged    map[string]int `json:"flagged"`
		StopReason string         `json:"stop_reason"`
	}
	runTask := func(extra ...string) (int, summary, string) {
		args := append([]string{"run", task, "--model", "llamacpp/stories260K", "--base-url", base, "--k", "1",
			"--max-samples", "6", "--max-tokens", strconv.Itoa(120), "--temperature", "1", "--first-temperature", "1",
			"--json", "--no-journal", "-q"}, extra...)
		code, out, stderr := runCLI(t, args...)
		var s summary
		if err := json.Unmarshal([]byte(out), &s); err != nil {
			t.Fatalf("exit %d: summary %q: %v\n%s", code, out, err, stderr)
		}
		return code, s, strings.TrimSpace(stderr)
	}
	flagged := func(s summary) int {
		n := 0
		for _, c := range s.Flagged {
			n += c
		}
		return n
	}

	code, on, stderr := runTask()
	t.Logf("structured on:  exit %d, %d steps, %d samples, %d valid, flagged %v (%.0f%% format: malformed), %s",
		code, on.Steps, on.Samples, on.ValidVotes, on.Flagged, 100*float64(on.Flagged["malformed"])/float64(max(1, on.Samples)), stderr)
	if code != exitOK || on.Steps != 4 || on.Flagged["malformed"] != 0 {
		t.Errorf("structured on: exit %d, %d steps, flagged %v; want all 4 steps decided and no malformed answer", code, on.Steps, on.Flagged)
	}

	code, off, stderr := runTask("--structured=false")
	rate := float64(flagged(off)) / float64(max(1, off.Samples))
	t.Logf("structured off: exit %d, %d steps, %d samples, %d valid, flagged %v (%.0f%% red-flagged, %.0f%% malformed), %s",
		code, off.Steps, off.Samples, off.ValidVotes, off.Flagged, 100*rate, 100*float64(off.Flagged["malformed"])/float64(max(1, off.Samples)), stderr)
	if off.Samples == 0 || rate < 0.9 {
		t.Errorf("structured off: %d of %d samples red-flagged; want nearly all", flagged(off), off.Samples)
	}
}
