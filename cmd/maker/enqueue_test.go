package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestQueueRefuses: what a queued run cannot take is refused with exit 2
// and a line naming the flag, before the database is reached (the URL
// here points nowhere), and the URL's password is not printed.
func TestQueueRefuses(t *testing.T) {
	const db = "postgres://maker:hunter2secret@127.0.0.1:1/none"
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"events", []string{"hanoi", "--disks", "3", "--events", "e.jsonl"}, "--events"},
		{"report", []string{"hanoi", "--disks", "3", "--report", "r.html"}, "--report"},
		{"empty queue", []string{"hanoi", "--disks", "3", "--queue", ""}, "--queue"},
		{"acting task file", []string{"run", "../../examples/yaml/files.yaml"}, "acts on the world"},
		{"acting scenario", []string{"scenario", "deploy"}, "--local"},
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			tc.args = append(tc.args, "--db", db)
			for i, a := range tc.args {
				if rest, ok := strings.CutPrefix(a, "../../"); ok {
					tc.args[i] = filepath.Join(root, rest)
				}
			}
			var out, errb bytes.Buffer
			code := run(context.Background(), tc.args, &out, &errb)
			if code != exitUsage || !strings.Contains(errb.String(), tc.want) || strings.Count(strings.TrimSpace(errb.String()), "\n") > 0 {
				t.Errorf("maker %v: exit %d, %q; want exit 2 and one line naming %q", tc.args, code, errb.String(), tc.want)
			}
			if strings.Contains(out.String()+errb.String(), "hunter2secret") {
				t.Errorf("the password reached the output: %s%s", out.String(), errb.String())
			}
		})
	}
}

// TestWorkerFlags: a worker's bad flags are refused with exit 2 and a line
// naming the flag; a database that is not there is one line naming it
// (code -1: any non-zero exit).
func TestWorkerFlags(t *testing.T) {
	const db = "postgres://maker:hunter2secret@127.0.0.1:1/none"
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--db", "maker.db"}, exitUsage, "--db"},
		{[]string{"--db", db, "--concurrency", "0"}, exitUsage, "--concurrency"},
		{[]string{"--db", db, "--chunk-steps", "0"}, exitUsage, "--chunk-steps"},
		{[]string{"--db", db, "--chunk-time", "0s"}, exitUsage, "--chunk-time"},
		{[]string{"--db", db, "--chunk-time", "2m", "--rescue-after", "1m"}, exitUsage, "--rescue-after"},
		{[]string{"--db", db, "--drain-timeout", "-1s"}, exitUsage, "--drain-timeout"},
		{[]string{"--db", db, "--queues", ","}, exitUsage, "--queues"},
		{[]string{"--db", db}, -1, "127.0.0.1:1"},
	}
	for _, tc := range tests {
		var out, errb bytes.Buffer
		code := run(context.Background(), append([]string{"worker"}, tc.args...), &out, &errb)
		msg := strings.TrimSpace(errb.String())
		if (code != tc.code && (tc.code != -1 || code == 0)) || !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") {
			t.Errorf("maker worker %v: exit %d, %q; want exit %d and one line naming %q", tc.args, code, msg, tc.code, tc.want)
		}
		if strings.Contains(out.String()+msg, "hunter2secret") {
			t.Errorf("maker worker %v: the password reached the output: %s", tc.args, msg)
		}
	}
}
