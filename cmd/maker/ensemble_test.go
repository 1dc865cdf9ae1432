package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// An ensemble named on the command line runs, reproducibly, and its
// summary has one row per model that adds up to the run.
func TestEnsembleRun(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	args := []string{"hanoi", "--disks", "5", "--k", "2", "--no-journal", "--json",
		"--model", "sim/a?error=0.05=2,sim/b?error=0.2&price_in=1&price_out=4"}
	runOnce := func() (string, map[string]any) {
		var out, errb bytes.Buffer
		if code := run(context.Background(), args, &out, &errb); code != exitOK {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
		var sum map[string]any
		if err := json.Unmarshal(out.Bytes(), &sum); err != nil {
			t.Fatal(err)
		}
		return out.String(), sum
	}
	first, sum := runOnce()
	models, _ := sum["models"].([]any)
	if len(models) != 2 || sum["simulated"] != true {
		t.Fatalf("models %v, simulated %v", sum["models"], sum["simulated"])
	}
	var samples float64
	for _, m := range models {
		row := m.(map[string]any)
		samples += row["samples"].(float64)
		if p, _ := row["p_measured"].(float64); p <= 0.5 {
			t.Errorf("%v: p_measured %v", row["model"], row["p_measured"])
		}
	}
	if samples != sum["samples"].(float64) {
		t.Errorf("models drew %v samples, the run %v", samples, sum["samples"])
	}
	// Two runs with one seed decide alike and draw the same samples.
	second, _ := runOnce()
	strip := func(s string) string {
		var m map[string]any
		_ = json.Unmarshal([]byte(s), &m)
		for k := range m {
			if strings.Contains(k, "wall") {
				delete(m, k) // timing
			}
		}
		b, _ := json.Marshal(m)
		return string(b)
	}
	if strip(first) != strip(second) {
		t.Errorf("two runs of one seed differ:\n%s\n%s", first, second)
	}
	var out, errb bytes.Buffer
	if code := run(context.Background(), args[:len(args)-3], &out, &errb); code != exitOK || strings.Contains(out.String(), "models ") {
		t.Errorf("a run on one model: exit %d, has a models table:\n%s", code, out.String())
	}
}
