package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReportFlag(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name     string
		path     string
		code     int
		wantFile bool
		stderr   string
	}{
		{"writes the report", filepath.Join(dir, "run.html"), exitOK, true, "report: "},
		{"unwritable path is a usage error", filepath.Join(dir, "missing", "run.html"), exitUsage, false, "--report"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(context.Background(), []string{"hanoi", "--disks", "4", "-q", "--report", tt.path}, &out, &errOut)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tt.code, errOut.String())
			}
			if !strings.Contains(errOut.String(), tt.stderr) {
				t.Errorf("stderr %q lacks %q", errOut.String(), tt.stderr)
			}
			page, err := os.ReadFile(tt.path)
			if !tt.wantFile {
				if err == nil {
					t.Error("a report file was written")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"maker report: hanoi-4", "SIMULATED model", "15 of 15", `data-peg="2"`} {
				if !strings.Contains(string(page), want) {
					t.Errorf("report lacks %q", want)
				}
			}
		})
	}
}
