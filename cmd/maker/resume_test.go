package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/sqlite"
)

// resumeCases is one journaled simulated run of every task command, slowed
// by --sim-latency so that it can be killed part way. same names the JSON
// fields whose values a resumed run must share with an uninterrupted one.
var resumeCases = []struct {
	name string
	args []string
	same []string
	// dbFile gives each run its own --db-file in the test's directory.
	dbFile bool
	// clock is set for a task whose states hold wall-clock times (the
	// migration's downtime): its journaled steps must have the same
	// actions and vote keys, not the same states.
	clock bool
}{
	{name: "hanoi", args: []string{"hanoi", "--disks", "8", "--sim-latency", "5ms"}, same: []string{"final_state", "disks"}},
	{name: "cube", args: []string{"cube", "--no-optimal", "--sim-latency", "50ms"}, same: []string{"final_state", "scramble", "moves"}},
	{name: "sudoku", args: []string{"sudoku", "--blanks", "45", "--sim-latency", "30ms"}, same: []string{"final_grid", "puzzle", "solved"}},
	{name: "requirements", args: []string{"requirements", "Build a simple task management API", "--sim-latency", "60ms"}, same: []string{"request"}},
	{name: "run", args: []string{"run", "../../examples/yaml/running-sum.yaml", "--sim-latency", "8ms"}, same: []string{"final_state", "task_file"}},
	{name: "scenario deps", args: []string{"scenario", "deps", "--size", "60", "--sim-latency", "25ms"}, same: []string{"build_order", "order_is_expected"}},
	{name: "scenario infra", args: []string{"scenario", "infra", "--size", "40", "--sim-latency", "20ms"}, same: []string{"events", "schedule"}},
	{name: "scenario interview", args: []string{"scenario", "interview", "--size", "60", "--sim-latency", "25ms"}, same: []string{"bookings", "score"}},
	{name: "scenario apitest", args: []string{"scenario", "apitest", "--size", "4", "--sim-latency", "25ms"}, same: []string{"tests", "outcomes", "service_requests", "matches_reference"}},
	{name: "scenario deploy", args: []string{"scenario", "deploy", "--size", "8", "--bad-version", "auth", "--sim-latency", "25ms"}, same: []string{"instances", "service_status", "matches_reference", "fleet_matches_state"}},
	{name: "scenario migrate", args: []string{"scenario", "migrate", "--size", "300", "--fail-at", "M08", "--sim-latency", "25ms"}, same: []string{"rows", "applied", "halted", "verified", "checksums", "checksums_match"}, dbFile: true, clock: true},
}

// TestResumeCoversEveryTaskCommand keeps resumeCases complete: a new task
// command must say how it resumes.
func TestResumeCoversEveryTaskCommand(t *testing.T) {
	covered := map[string]bool{}
	for _, c := range resumeCases {
		covered[c.name] = true
	}
	root := newRoot(nil, nil)
	for _, c := range root.Commands() {
		if c.GroupID != groupTasks {
			continue
		}
		if !c.HasSubCommands() {
			if !covered[c.Name()] {
				t.Errorf("task command %q has no case in resumeCases", c.Name())
			}
			continue
		}
		for _, sub := range c.Commands() {
			if name := c.Name() + " " + sub.Name(); !covered[name] {
				t.Errorf("task command %q has no case in resumeCases", name)
			}
		}
	}
}

// TestKillResumeEveryTask starts a journaled run of every task command,
// kills it with SIGKILL once some steps are committed, resumes it with
// maker resume, and checks that the journal holds exactly the steps of an
// uninterrupted run and that the resumed run ends as that run did.
func TestKillResumeEveryTask(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every task twice")
	}
	t.Parallel() // each task in a directory of its own, its runs in processes of their own
	bin := buildMaker(t)
	for _, tc := range resumeCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			args := append(append([]string{}, tc.args...), "-q", "--json")
			withDB := func(name string) []string {
				a := append([]string{}, args...)
				if tc.dbFile {
					a = append(a, "--db-file", filepath.Join(dir, name+".sqlite"))
				}
				return append(a, "--db", filepath.Join(dir, name+".db"))
			}
			var ref map[string]any
			runJSON(t, bin, &ref, nil, withDB("ref")...)
			if ref["success"] != true {
				t.Fatalf("uninterrupted run: %v", ref)
			}
			want := loadSteps(t, filepath.Join(dir, "ref.db"), ref["run_id"].(string))

			path := filepath.Join(dir, "killed.db")
			id, committed := killAfterCommit(t, bin, withDB("killed"))
			if committed >= len(want) {
				t.Fatalf("killed after %d of %d steps: nothing left to resume", committed, len(want))
			}
			var got map[string]any
			runJSON(t, bin, &got, nil, "resume", id, "--db", path, "-q", "--json")
			if got["success"] != true || got["run_id"] != id {
				t.Fatalf("resumed run: %v", got)
			}
			if start, _ := got["start_step"].(float64); int(start) != committed {
				t.Errorf("resumed at step %v, want after the %d committed", got["start_step"], committed)
			}
			for _, k := range tc.same {
				if _, ok := ref[k]; !ok {
					t.Errorf("%s: not in the summary", k)
				}
				if !reflect.DeepEqual(got[k], ref[k]) {
					t.Errorf("%s: resumed %v, uninterrupted %v", k, got[k], ref[k])
				}
			}
			steps := loadSteps(t, path, id)
			if tc.clock {
				steps, want = withoutStates(steps), withoutStates(want)
			}
			if !reflect.DeepEqual(steps, want) {
				t.Fatalf("journal after kill and resume: %d steps, uninterrupted %d; first difference at %d", len(steps), len(want), firstDiff(steps, want))
			}
			t.Logf("killed after %d of %d steps; resumed to the same %d steps", committed, len(want), len(steps))
		})
	}
}

// withoutStates drops the states of journaled steps.
func withoutStates(steps []journaledStep) []journaledStep {
	out := make([]journaledStep, len(steps))
	for i, s := range steps {
		out[i] = journaledStep{Action: s.Action, Key: s.Key}
	}
	return out
}

// killAfterCommit starts maker, waits until its journal holds a committed
// step, kills it with SIGKILL and returns the run and its committed steps.
func killAfterCommit(t *testing.T, bin string, args []string) (id string, committed int) {
	t.Helper()
	c := makerCmd(t, bin, args...)
	var stderr bytes.Buffer
	c.Stderr = &stderr
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	path := args[len(args)-1]
	deadline := time.After(60 * time.Second)
	for {
		select {
		case err := <-done:
			t.Fatalf("maker %v ended before it was killed (%v): %s", args, err, stderr.Bytes())
		case <-deadline:
			c.Process.Kill()
			t.Fatalf("maker %v committed no step in 60s: %s", args, stderr.Bytes())
		case <-time.After(20 * time.Millisecond):
		}
		if run, ok := peekRun(path); ok && run.Steps > 0 {
			if err := c.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			<-done
			// Steps may have been committed between the look and the kill.
			run, _ = peekRun(path)
			if run.Status == maker.StatusDone {
				t.Fatalf("maker %v finished before it was killed", args)
			}
			return run.ID, run.Steps
		}
	}
}

// peekRun reads the only run of a journal another process is writing; ok
// is false while there is none to read yet. It opens the journal read-only,
// so that watching never takes the writer's locks.
func peekRun(path string) (*maker.RunRecord, bool) {
	db, err := sqlite.OpenReadOnly(context.Background(), path)
	if err != nil {
		return nil, false
	}
	defer db.Close()
	runs, err := db.Runs(context.Background())
	if err != nil || len(runs) != 1 {
		return nil, false
	}
	return runs[0], true
}

func firstDiff(a, b []journaledStep) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestInterruptResumed stops a resumed run with SIGINT: it exits 130 and
// still prints its summary, whose facts cover the steps decided before
// the resume as well as its own.
func TestInterruptResumed(t *testing.T) {
	if testing.Short() {
		t.Skip("runs maker processes")
	}
	bin := buildMaker(t)
	path := filepath.Join(t.TempDir(), "m.db")
	id, committed := killAfterCommit(t, bin, []string{"scenario", "deps", "--size", "200", "--sim-latency", "25ms", "-q", "--json", "--db", path})
	c := makerCmd(t, bin, "resume", id, "--db", path, "-q", "--json")
	var stdout, stderr bytes.Buffer
	c.Stdout, c.Stderr = &stdout, &stderr
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if run, ok := peekRun(path); ok && run.Steps > committed {
			break
		}
		if time.Now().After(deadline) {
			c.Process.Kill()
			t.Fatalf("the resumed run committed nothing in 60s: %s", stderr.Bytes())
		}
	}
	if err := c.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err := c.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
		t.Fatalf("interrupted resume: %v, want exit %d: %s", err, exitInterrupted, stderr.Bytes())
	}
	var sum struct {
		StopReason string   `json:"stop_reason"`
		BuildOrder []string `json:"build_order"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &sum); err != nil {
		t.Fatalf("no summary after the interruption (%v): %q %s", err, stdout.Bytes(), stderr.Bytes())
	}
	if sum.StopReason != "interrupted" || len(sum.BuildOrder) <= committed {
		t.Errorf("summary: stop %q, %d modules in the build order, want more than the %d before the resume", sum.StopReason, len(sum.BuildOrder), committed)
	}
}
