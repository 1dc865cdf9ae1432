package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/sqlite"
)

// testResumeRace kills a run, resumes it, and while that resumption runs
// starts a second one: the second is turned away with the first's pid and
// leaves no session behind.
func testResumeRace(t *testing.T, bin string) {
	path := filepath.Join(t.TempDir(), "race.db")
	first := makerCmd(t, bin, "hanoi", "--disks", "12", "--sim-latency", "2ms", "-q", "--json", "--db", path)
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	id := waitFor(t, path, func(r *maker.RunRecord) bool { return r.Steps > 0 })
	first.Process.Kill()
	first.Wait()

	resumer := makerCmd(t, bin, "resume", id, "--db", path, "-q", "--json")
	if err := resumer.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { resumer.Process.Kill(); resumer.Wait() }()
	waitFor(t, path, func(r *maker.RunRecord) bool { return len(r.Sessions) == 2 })

	loser := makerCmd(t, bin, "resume", id, "--db", path, "-q", "--json")
	var stderr bytes.Buffer
	loser.Stderr = &stderr
	err := loser.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() == 0 {
		t.Fatalf("the second resume: %v, %s", err, stderr.Bytes())
	}
	want := fmt.Sprintf("run %s is being resumed by pid %d", id, resumer.Process.Pid)
	if !strings.Contains(stderr.String(), want) {
		t.Errorf("the second resume said %q, want %q", stderr.String(), want)
	}
	run := readRun(t, path, id)
	if len(run.Sessions) != 2 {
		t.Errorf("the refused resume left a session: %+v", run.Sessions)
	}
}

// waitFor polls the journal at path until its one run satisfies ok, and
// returns the run's id.
func waitFor(t *testing.T, path string, ok func(*maker.RunRecord) bool) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(path); err == nil {
			if db, err := sqlite.OpenReadOnly(context.Background(), path); err == nil {
				runs, err := db.Runs(context.Background())
				if err == nil && len(runs) == 1 {
					if r, err := db.Run(context.Background(), runs[0].ID); err == nil && ok(r) {
						db.Close()
						return r.ID
					}
				}
				db.Close()
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("timed out waiting on the journal")
	return ""
}

func readRun(t *testing.T, path, id string) *maker.RunRecord {
	t.Helper()
	db, err := sqlite.OpenReadOnly(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	run, err := db.Run(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return run
}

// A journal with a step missing must not show the stored summary's
// success: show checks the steps and fails, naming the inconsistency.
func TestShowMissingStep(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	code, stdout, stderr := runCLI(t, "hanoi", "--disks", "8", "-q", "--json", "--db", path)
	if code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	i := strings.Index(stdout, `"run_id":"`)
	if i < 0 {
		t.Fatalf("no run id in %s", stdout)
	}
	id := stdout[i+10 : i+18]
	for _, step := range []int{100, 254} { // one in the middle, then the last
		raw, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := raw.Exec(`DELETE FROM steps WHERE step = ?`, step); err != nil {
			t.Fatal(err)
		}
		raw.Close()
		code, out, errOut := runCLI(t, "show", id, "--db", path)
		if code == 0 || strings.Contains(out, "success") || !strings.Contains(errOut, "inconsistent") {
			t.Errorf("show with step %d missing: exit %d\n%s%s", step+1, code, out, errOut)
		}
		if !strings.Contains(out, "FAILED: 100 of 255 steps") {
			t.Errorf("show with step %d missing does not count the steps before the gap:\n%s", step+1, out)
		}
	}
}

// The commands that only read the journal create nothing: not the
// directory, not the database, and say there is no journal.
func TestReadCommandsCreateNothing(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_DATA_HOME", dir)
	missing := filepath.Join(dir, "nonexistent", "dir", "x.db")
	for _, args := range [][]string{
		{"runs", "--db", missing},
		{"show", "deadbeef", "--db", missing},
		{"replay", "deadbeef", "--db", missing},
		{"report", "deadbeef", "-o", filepath.Join(dir, "r.html"), "--db", missing},
		{"show", "deadbeef"}, // the default journal
		{"runs"},
	} {
		code, _, stderr := runCLI(t, args...)
		if code != exitUsage || !strings.Contains(stderr, "no journal database") {
			t.Errorf("%v: exit %d, %q", args, code, stderr)
		}
	}
	if es, _ := os.ReadDir(dir); len(es) != 0 {
		t.Errorf("read-only commands created %v", es)
	}
}

// The read-only commands work on a journal they cannot write.
func TestReadCommandsOnReadOnlyJournal(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.db")
	code, stdout, stderr := runCLI(t, "hanoi", "--disks", "4", "-q", "--json", "--db", path)
	if code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	id := stdout[strings.Index(stdout, `"run_id":"`)+10:][:8]
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	before, _ := os.ReadDir(dir)
	for _, args := range [][]string{{"runs"}, {"show", id}, {"replay", id}} {
		if code, _, stderr := runCLI(t, append(args, "--db", path)...); code != 0 {
			t.Errorf("%v: exit %d: %s", args, code, stderr)
		}
	}
	if after, _ := os.ReadDir(dir); len(after) != len(before) {
		t.Errorf("read-only commands created files: %v", after)
	}
}
