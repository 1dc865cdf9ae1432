package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"
)

// TestProgressBarDrawsAfterHeaders runs commands as on a terminal and
// checks that the bar's first draw (a carriage return) comes after every
// header line, so no header leaves a stale bar above it.
func TestProgressBarDrawsAfterHeaders(t *testing.T) {
	old := isTerminal
	isTerminal = func(io.Writer) bool { return true }
	t.Cleanup(func() { isTerminal = old })
	tests := []struct {
		name    string
		args    []string
		headers []string
	}{
		{"hanoi", []string{"hanoi", "--disks", "4", "--db", t.TempDir() + "/j.db"}, []string{"run ", "k = ", "model: sim"}},
		{"requirements", []string{"requirements", "Build a simple task management API", "--out-md", t.TempDir() + "/r.md"}, []string{"k = ", "model: sim"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := run(context.Background(), tt.args, &out, &errOut); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut.String())
			}
			stderr := errOut.String()
			bar := strings.IndexByte(stderr, '\r')
			if bar < 0 {
				t.Fatalf("no bar drawn on the terminal: %q", stderr)
			}
			for _, h := range tt.headers {
				i := strings.Index(stderr, h)
				if i < 0 {
					t.Fatalf("no header %q in %q", h, stderr)
				}
				if i > bar {
					t.Errorf("header %q printed after the bar's first draw: %q", h, stderr)
				}
			}
		})
	}
}

// TestProgressPace: the bar's pace and time left count the steps decided
// while it is up, whatever step the bar starts at.
func TestProgressPace(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		paced   int
		elapsed time.Duration
		at      int
		want    string
	}{
		{"too few steps to tell", 9, time.Second, 900, "samples 0, flagged 0"},
		{"resumed at step 900", 10, 2 * time.Second, 910, "samples 0, flagged 0, 5 steps/s, 23s left"},
		{"from the start", 100, 4 * time.Second, 100, "samples 0, flagged 0, 25 steps/s, 37s left"},
		{"done", 1023, 10 * time.Second, 1023, "samples 0, flagged 0, 102 steps/s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &progress{total: 1023, paced: tt.paced, start: start, now: func() time.Time { return start.Add(tt.elapsed) }}
			if got := p.describe(tt.at); got != tt.want {
				t.Errorf("describe(%d) = %q, want %q", tt.at, got, tt.want)
			}
		})
	}
}
