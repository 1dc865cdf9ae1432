package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/maker-go/maker/runs"
)

// TestProgressBarDrawsAfterHeaders runs commands as on a terminal and
// checks that the bar's first draw (a carriage return) comes after every
// header line, so no header leaves a stale bar above it.
func TestProgressBarDrawsAfterHeaders(t *testing.T) {
	old := runs.IsTerminal
	runs.IsTerminal = func(io.Writer) bool { return true }
	t.Cleanup(func() { runs.IsTerminal = old })
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
