package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// fullDisk mounts a small tmpfs and fills it, so every write there fails
// with "no space left on device". It needs root and mount(8); without
// them the test is skipped, saying why.
func fullDisk(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "full")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs to fill (needs root and mount): %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	filler, err := os.Create(filepath.Join(dir, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4096)
	for {
		if _, err := filler.Write(buf); err != nil {
			break
		}
	}
	filler.Close()
	return dir
}

// A full disk must not leave empty or half-written output files behind:
// the report and the instance are renamed into place only when whole, and
// an events file that nothing could be written to is removed.
func TestFullDiskLeavesNoEmptyFiles(t *testing.T) {
	dir := fullDisk(t)
	journal := filepath.Join(t.TempDir(), "j.db")
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"hanoi", "--disks", "3", "-q", "--json", "--db", journal}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var done struct {
		Run string `json:"run_id"`
	}
	if err := json.Unmarshal(out.Bytes(), &done); err != nil || done.Run == "" {
		t.Fatalf("no run id in %s (%v)", out.String(), err)
	}
	cases := []struct {
		name string
		args []string
	}{
		{"run report", []string{"hanoi", "--disks", "3", "-q", "--db", journal, "--report", filepath.Join(dir, "report.html")}},
		{"events", []string{"hanoi", "--disks", "3", "-q", "--no-journal", "--events", filepath.Join(dir, "events.jsonl")}},
		{"instance", []string{"scenario", "deps", "-q", "--no-journal", "--save-instance", filepath.Join(dir, "graph.json")}},
		{"journal report", []string{"report", "--db", journal, "-o", filepath.Join(dir, "again.html"), done.Run}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if code := run(context.Background(), tc.args, &out, &errb); code == 0 {
				t.Fatalf("exit 0 writing to a full disk; stderr:\n%s", errb.String())
			}
			t.Logf("stderr: %s", errb.String())
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				if e.Name() != "filler" {
					t.Errorf("left %s behind on the full disk", e.Name())
				}
			}
		})
	}
}
