package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestInputLimits: files that never end or never deliver fail fast with one
// line naming the file and the limit, and an interrupt stops a read that
// waits; the simulated server will not listen beyond loopback unasked.
func TestInputLimits(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "task.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []string
		cancel  time.Duration // interrupt the command after this long
		code    int           // 0: any failure
		stderr  []string
		maxTime time.Duration
	}{
		{name: "endless task file", args: []string{"run", "/dev/zero", "--quiet"}, code: exitUsage,
			stderr: []string{"task file", "/dev/zero", "larger than the limit", "64 MiB"}, maxTime: 10 * time.Second},
		{name: "endless prompt file", args: []string{"hanoi", "--disks", "3", "--prompt-file", "/dev/zero", "--quiet"}, code: exitUsage,
			stderr: []string{"prompt file", "/dev/zero", "larger than the limit", "1 MiB"}, maxTime: 10 * time.Second},
		{name: "interrupted while waiting on a FIFO", args: []string{"run", fifo, "--quiet"}, cancel: 200 * time.Millisecond,
			stderr: []string{fifo, "context canceled"}, maxTime: 5 * time.Second},
		{name: "sim serve on every interface", args: []string{"sim", "serve", "--addr", ":0"}, code: exitUsage,
			stderr: []string{`":0"`, "--allow-remote"}, maxTime: 5 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.cancel > 0 {
				time.AfterFunc(tc.cancel, cancel)
			}
			var out, errb bytes.Buffer
			done := make(chan int, 1)
			start := time.Now()
			go func() { done <- run(ctx, tc.args, &out, &errb) }()
			var code int
			select {
			case code = <-done:
			case <-time.After(tc.maxTime):
				t.Fatalf("still running after %s", tc.maxTime)
			}
			t.Logf("exit %d after %s: %s", code, time.Since(start).Round(time.Millisecond), strings.TrimSpace(errb.String()))
			if code == 0 || (tc.code != 0 && code != tc.code) {
				t.Errorf("exit %d, want %d", code, tc.code)
			}
			msg := strings.TrimSpace(errb.String())
			if strings.Count(msg, "\n") > 0 {
				t.Errorf("stderr has more than one line: %q", msg)
			}
			for _, s := range tc.stderr {
				if !strings.Contains(msg, s) {
					t.Errorf("stderr %q lacks %q", msg, s)
				}
			}
		})
	}
}
