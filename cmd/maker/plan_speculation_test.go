package main

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestPlanProjectsSpeculation: with --latency, plan prints the wall time
// with and without speculation, the depth, the extra samples and the
// latency model it assumes, and --json gives the same figures.
func TestPlanProjectsSpeculation(t *testing.T) {
	args := []string{"plan", "--p", "0.9978", "--steps", "1048575", "--latency", "1s"}
	var out, errOut bytes.Buffer
	if code := run(context.Background(), args, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	text := out.String()
	for _, want := range []string{"latency model", "log-normal", "90th percentile 1s", "no speculation", "with speculation", "depth 8", "extra samples"} {
		if !strings.Contains(text, want) {
			t.Errorf("plan lacks %q:\n%s", want, text)
		}
	}
	m := regexp.MustCompile(`with speculation +(\d+)h`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no speculative wall time in hours:\n%s", text)
	}
	if h, _ := strconv.Atoi(m[1]); h >= 200 {
		t.Errorf("the paper's run projects %d h with speculation, want under 200", h)
	}

	out.Reset()
	if code := run(context.Background(), append(args, "--json"), &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var pl struct {
		Wall        float64 `json:"wall_seconds"`
		Speculative float64 `json:"speculative_wall_seconds"`
		Depth       int     `json:"speculation_depth"`
		Extra       float64 `json:"speculative_extra_samples"`
	}
	if err := json.Unmarshal(out.Bytes(), &pl); err != nil {
		t.Fatal(err)
	}
	if pl.Depth != 8 || pl.Speculative <= 0 || pl.Speculative >= 200*3600 || pl.Wall <= pl.Speculative || pl.Extra <= 0 {
		t.Errorf("json: %+v", pl)
	}

	for _, bad := range []string{"-0.1", "NaN", "9"} {
		out.Reset()
		errOut.Reset()
		code := run(context.Background(), append(args, "--latency-spread", bad), &out, &errOut)
		if msg := strings.TrimSpace(errOut.String()); code != exitUsage || !strings.Contains(msg, "--latency-spread") || strings.Contains(msg, "\n") {
			t.Errorf("--latency-spread %s: exit %d, %q", bad, code, msg)
		}
	}
}
