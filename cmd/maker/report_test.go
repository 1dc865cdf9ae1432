package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReportFromJournal(t *testing.T) {
	dir := t.TempDir()
	db, out := filepath.Join(dir, "m.db"), filepath.Join(dir, "r.html")
	code, stdout, stderr := runCLI(t, "hanoi", "--disks", "5", "-q", "--json", "--db", db)
	if code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	i := strings.Index(stdout, `"run_id":"`)
	if i < 0 {
		t.Fatalf("no run id in %s", stdout)
	}
	id := stdout[i+10 : i+18]
	if code, _, stderr = runCLI(t, "report", id, "-o", out, "--db", db); code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<html", "hanoi-5", "SIMULATED", "31 of 31", `data-peg="2"`, "[[], [], [5, 4, 3, 2, 1]]"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, tt := range []struct {
		args []string
		msg  string
	}{
		{[]string{"report", id, "--db", db}, "-o"},
		{[]string{"report", "ffffffff", "-o", out, "--db", db}, "ffffffff"},
		{[]string{"report", id, "-o", filepath.Join(dir, "no", "such", "dir.html"), "--db", db}, "-o"},
	} {
		if code, _, stderr := runCLI(t, tt.args...); code != 2 || !strings.Contains(stderr, tt.msg) {
			t.Errorf("%v: exit %d, %q", tt.args, code, stderr)
		}
	}
}
