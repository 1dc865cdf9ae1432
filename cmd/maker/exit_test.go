package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExitCodes checks the exit codes of ends other than success, failure
// and a budget: an interruption (130), whatever it interrupts, and a
// successful run whose report could not be written (4).
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	stopped, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		args []string
		code int
		want string
	}{
		{"interrupted run", stopped, []string{"hanoi", "--disks", "5", "-q", "--no-journal"}, exitInterrupted, "maker: interrupted at step 0 of 31 (not journaled: it cannot be resumed)\n"},
		{"interrupted migration setup", stopped, []string{"scenario", "migrate", "--size", "300", "-q", "--no-journal", "--db-file", filepath.Join(dir, "shop.db")}, exitInterrupted, ""},
		{"report not written", context.Background(), []string{"hanoi", "--disks", "3", "-q", "--no-journal", "--report", "/dev/full"}, exitOutput, "--report /dev/full"},
		{"export not written", context.Background(), []string{"requirements", "Build a simple task management API", "-q", "--no-journal", "--out-md", "/dev/full"}, exitOutput, "--out-md"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if strings.Contains(strings.Join(tt.args, " "), "/dev/full") {
				if _, err := os.Stat("/dev/full"); err != nil {
					t.Skip("no /dev/full")
				}
			}
			var out, errOut bytes.Buffer
			code := run(tt.ctx, tt.args, &out, &errOut)
			if code != tt.code || !strings.Contains(errOut.String(), tt.want) {
				t.Fatalf("exit %d, stderr %q; want exit %d and %q", code, errOut.String(), tt.code, tt.want)
			}
		})
	}
}

// TestReadingCreatesNothing runs the commands that only read the journal
// against journals that do not exist: each fails with exit 2 and leaves no
// file or directory behind.
func TestReadingCreatesNothing(t *testing.T) {
	tests := [][]string{
		{"runs"},
		{"show", "deadbeef"},
		{"replay", "deadbeef", "--k", "2"},
		{"report", "deadbeef", "-o", "r.html"},
		{"resume", "deadbeef"},
	}
	for _, args := range tests {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			data := t.TempDir()
			t.Setenv("XDG_DATA_HOME", data)
			for _, db := range []string{"", filepath.Join(data, "nonexistent", "dir", "x.db")} {
				a := args
				if db != "" {
					a = append(append([]string{}, args...), "--db", db)
				}
				var out, errOut bytes.Buffer
				if code := run(context.Background(), a, &out, &errOut); code != exitUsage || !strings.Contains(errOut.String(), "no journal") {
					t.Errorf("maker %v: exit %d, stderr %q; want exit 2, no journal", a, code, errOut.String())
				}
				entries, _ := os.ReadDir(data)
				if len(entries) != 0 {
					t.Fatalf("maker %v created %v in %s", a, entries[0].Name(), data)
				}
			}
		})
	}
}
