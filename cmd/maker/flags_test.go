package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
)

// TestHelpListsOnlyUsedFlags checks that a command's help lists the flags
// it reads and none that it would silently ignore.
func TestHelpListsOnlyUsedFlags(t *testing.T) {
	tests := []struct {
		args    []string
		has     []string
		hasNone []string
	}{
		{
			args:    []string{"calibrate", "--help"},
			has:     []string{"--model", "--concurrency", "--temperature", "--max-tokens", "--target", "--samples", "--json", "--retries"},
			hasNone: []string{"--k", "--first-temperature", "--max-samples", "--max-samples-total", "--report", "--max-cost", "--max-wall", "--batch", "--db", "--events", "--keep-samples", "--no-journal", "--price-in", "--quiet"},
		},
		{
			args: []string{"hanoi", "--help"},
			has:  []string{"--k", "--first-temperature", "--max-samples", "--report", "--max-cost", "--db", "--events"},
		},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := run(context.Background(), tt.args, &out, &errOut); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut.String())
			}
			help := out.String()
			for _, f := range tt.has {
				if !listsFlag(help, f) {
					t.Errorf("help does not list %s", f)
				}
			}
			for _, f := range tt.hasNone {
				if listsFlag(help, f) {
					t.Errorf("help lists %s, which the command does not use", f)
				}
			}
		})
	}
}

// listsFlag reports whether help has a line for the flag.
func listsFlag(help, flag string) bool {
	return regexp.MustCompile(`(?m)^\s+(-\w, )?` + regexp.QuoteMeta(flag) + `\s`).MatchString(help)
}
