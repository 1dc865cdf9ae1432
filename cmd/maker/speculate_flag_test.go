package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// TestSpeculateFlag: --speculate is auto unless given; a number sets the
// depth, 0 turns speculation off, and anything else is a one-line usage
// error naming the flag. Auto votes ahead for a model that takes time to
// answer (2 ms here) and stays off for the instant in-process simulator.
func TestSpeculateFlag(t *testing.T) {
	for _, c := range []struct {
		flag  []string
		code  int
		auto  bool
		depth int    // the deepest the run went, for a fixed depth
		err   string // in the error line, for a refused value
	}{
		{[]string{"--sim-latency", "2ms"}, 0, true, -1, ""},
		{[]string{"--speculate", "auto", "--sim-latency", "2ms"}, 0, true, -1, ""},
		{[]string{"--speculate", "auto"}, 0, true, 0, ""},
		{[]string{"--speculate=0"}, 0, false, 0, ""},
		{[]string{"--speculate", "3"}, 0, false, 3, ""},
		{[]string{"--speculate", "-1"}, exitUsage, false, 0, "--speculate"},
		{[]string{"--speculate", "65"}, exitUsage, false, 0, "--speculate"},
		{[]string{"--speculate", "deep"}, exitUsage, false, 0, "--speculate"},
	} {
		t.Run(strings.Join(append([]string{"default"}, c.flag...), " "), func(t *testing.T) {
			args := append([]string{"hanoi", "--disks", "6", "--k", "2", "--no-journal", "--json"}, c.flag...)
			var out, errOut bytes.Buffer
			code := run(context.Background(), args, &out, &errOut)
			if code != c.code {
				t.Fatalf("exit %d, want %d: %s", code, c.code, errOut.String())
			}
			if c.code != 0 {
				msg := strings.TrimSpace(errOut.String())
				if !strings.Contains(msg, c.err) || strings.Count(msg, "\n") > 0 {
					t.Fatalf("error %q: want one line naming %s", msg, c.err)
				}
				return
			}
			var s struct {
				Depth   int  `json:"speculation_depth"`
				Auto    bool `json:"speculation_auto"`
				Instant bool `json:"speculation_instant"`
				Wrong   int  `json:"wrong_steps"`
			}
			if err := json.Unmarshal(out.Bytes(), &s); err != nil {
				t.Fatalf("%v: %s", err, out.String())
			}
			if s.Auto != c.auto || (c.depth >= 0 && s.Depth != c.depth) || (c.auto && c.depth < 0 && s.Depth < 1) || s.Wrong != 0 {
				t.Fatalf("auto %v, depth %d, %d wrong: want auto %v, depth %d", s.Auto, s.Depth, s.Wrong, c.auto, c.depth)
			}
			if want := c.auto && c.depth == 0; s.Instant != want {
				t.Fatalf("speculation_instant %v, want %v (the simulator answers at once unless --sim-latency)", s.Instant, want)
			}
		})
	}
}
