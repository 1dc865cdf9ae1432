package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/sqlite"
	"github.com/maker-go/maker/tasks"
)

// decisionsIn reads the journal's decisions of run id (every run's open
// ones for id "").
func decisionsIn(t *testing.T, path, id string) []*maker.PendingDecision {
	t.Helper()
	db, err := sqlite.OpenReadOnly(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ds, err := db.Decisions(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// waitingAt reports whether run r waits for a decision with n steps
// committed.
func waitingAt(n int) func(*maker.RunRecord) bool {
	return func(r *maker.RunRecord) bool { return r.Status == maker.StatusWaiting && r.Steps == n }
}

// makerOut runs maker to its end and returns its stdout, failing the test
// on an exit other than want.
func makerOut(t *testing.T, bin string, want int, args ...string) string {
	t.Helper()
	c := makerCmd(t, bin, args...)
	var stderr bytes.Buffer
	c.Stderr = &stderr
	out, err := c.Output()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if code != want {
		t.Fatalf("maker %v: exit %d, want %d\n%s%s", args, code, want, out, stderr.Bytes())
	}
	return string(out)
}

// TestApproveCLI runs examples/yaml/approve.yaml, whose every action waits
// for approval: it waits in the journal, another process approves each
// step, a kill -9 while it waits leaves it waiting, maker resume waits
// again, and a rejection stops it, failed, with the reason journaled.
func TestApproveCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a run")
	}
	bin := buildMaker(t)
	path := filepath.Join(t.TempDir(), "m.db")
	task, err := filepath.Abs("../../examples/yaml/approve.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c := makerCmd(t, bin, "run", task, "--db", path, "-q")
	var stderr bytes.Buffer
	c.Stderr = &stderr
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	t.Cleanup(func() { c.Process.Kill() })

	id := waitFor(t, path, waitingAt(0))
	ds := decisionsIn(t, path, "")
	if len(ds) != 1 || ds[0].Kind != maker.DecisionApprove || ds[0].Step != 1 || ds[0].Action != "upgrade db 2.1" {
		t.Fatalf("waiting for %+v", ds)
	}
	if out := makerOut(t, bin, 0, "approve", "--db", path); !strings.Contains(out, `step 1: approve "upgrade db 2.1"?`) {
		t.Fatalf("maker approve lists %q", out)
	}
	if out := makerOut(t, bin, 0, "approve", id, "--db", path, "--by", "ann"); !strings.Contains(out, "step 1 (action \"upgrade db 2.1\") approved by ann") {
		t.Fatalf("maker approve says %q", out)
	}
	waitFor(t, path, waitingAt(1))
	if err := c.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-done
	if r := readRun(t, path, id); r.Status != maker.StatusWaiting || r.Steps != 1 {
		t.Fatalf("killed while waiting: %s after %d steps, want waiting after 1", r.Status, r.Steps)
	}
	if !strings.Contains(stderr.String(), "waits at step 1 to carry out \"upgrade db 2.1\": maker approve "+id) {
		t.Fatalf("the run did not say what it waits for:\n%s", stderr.String())
	}

	// Resumed, it waits again at step 2, for the same question.
	c = makerCmd(t, bin, "resume", id, "--db", path, "-q", "--json")
	var stdout bytes.Buffer
	c.Stdout = &stdout
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- c.Wait() }()
	waitFor(t, path, func(r *maker.RunRecord) bool { return waitingAt(1)(r) && len(decisionsIn(t, path, "")) == 1 })
	if ds := decisionsIn(t, path, id); len(ds) != 2 || ds[1].Step != 2 || ds[1].Attempt != 0 || !ds[1].Open() {
		t.Fatalf("after the resume: %+v", ds[1:])
	}
	makerOut(t, bin, 0, "approve", id, "--db", path, "--step", "2")
	waitFor(t, path, waitingAt(2))
	makerOut(t, bin, exitUsage, "reject", id, "--db", path)
	makerOut(t, bin, 0, "reject", id, "--db", path, "--reason", "release freeze", "--by", "bo")
	err = <-done
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitFailed {
		t.Fatalf("rejected run: %v, want exit %d", err, exitFailed)
	}
	var sum maker.Summary
	if err := json.Unmarshal(stdout.Bytes(), &sum); err != nil {
		t.Fatalf("%v in %q", err, stdout.Bytes())
	}
	if sum.StopReason != "rejected" || !strings.Contains(sum.Error, "release freeze") || !strings.Contains(sum.Error, "by bo") {
		t.Fatalf("summary: stop %q, error %q", sum.StopReason, sum.Error)
	}
	r := readRun(t, path, id)
	ds = decisionsIn(t, path, id)
	if r.Status != maker.StatusFailed || r.Steps != 2 || len(ds) != 3 {
		t.Fatalf("run %s after %d steps, %d decisions", r.Status, r.Steps, len(ds))
	}
	if a := ds[2].Answer; a == nil || a.Approved || a.Reason != "release freeze" || a.By != "bo" || a.At.IsZero() {
		t.Fatalf("the rejection as journaled: %+v", a)
	}
	if a := ds[0].Answer; a == nil || !a.Approved || a.By != "ann" {
		t.Fatalf("the first approval as journaled: %+v", a)
	}
}

// TestApproveUsage: the approval flags and commands refuse bad input with
// one line, before a run is journaled.
func TestApproveUsage(t *testing.T) {
	task, err := filepath.Abs("../../examples/yaml/approve.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"hanoi", "--disks", "3", "--approve"}, "--approve: task hanoi-3 carries out no actions to approve"},
		{[]string{"run", task, "--no-journal"}, "--approve: a run waits for a person in its journal: give --db"},
		{[]string{"hanoi", "--disks", "3", "--approve-timeout", "1m"}, "--approve-timeout applies only with --approve"},
		{[]string{"hanoi", "--disks", "3", "--approve", "--approve-timeout", "1m", "--approve-default", "maybe"}, "--approve-default: want approve or reject"},
		{[]string{"reject", "abc"}, "--reason is required"},
		{[]string{"approve", "--pick", "2"}, "name the RUN"},
	} {
		code, _, stderr := runCLI(t, append(tc.args, "--db", filepath.Join(t.TempDir(), "m.db"))...)
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		if code != exitUsage || !strings.HasPrefix(lines[len(lines)-1], "maker: ") || !strings.Contains(lines[len(lines)-1], tc.want) || strings.Contains(stderr, "run ") && strings.Contains(stderr, "(journal ") {
			t.Errorf("maker %v: exit %d, %q; want exit %d and %q", tc.args, code, stderr, exitUsage, tc.want)
		}
	}
}

// TestApproveServe: a run waiting in `maker serve` is listed and approved
// through the service; the service killed with kill -9 comes back with the
// run still waiting, and a rejection through the API stops it.
func TestApproveServe(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a service twice")
	}
	bin := buildMaker(t)
	path := filepath.Join(t.TempDir(), "service.db")
	task, err := filepath.Abs("../../examples/yaml/approve.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile(task)
	if err != nil {
		t.Fatal(err)
	}
	serve := []string{"--db", path, "--allow-execute", "--allow-dir", filepath.Dir(task)}
	p := startServe(t, bin, nil, serve...)
	s := &testService{t: t, url: p.url, db: path}
	var res struct{ ID string }
	body := map[string]any{"kind": "taskfile", "params": tasks.TaskFile{File: task, YAML: string(text)}}
	if code := s.do("POST", "/v1/runs", body, &res); code != http.StatusCreated {
		t.Fatalf("POST /v1/runs: %d\n%s", code, p.out())
	}
	id := waitFor(t, path, waitingAt(0))
	if id != res.ID {
		t.Fatalf("run %s waits, want %s", id, res.ID)
	}
	if out := makerOut(t, bin, 0, "approve", "--server", p.url); !strings.Contains(out, "run "+id+` step 1: approve "upgrade db 2.1"?`) {
		t.Fatalf("maker approve --server lists %q", out)
	}
	makerOut(t, bin, 0, "approve", id, "--server", p.url)
	waitFor(t, path, waitingAt(1))
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-p.done
	if r := readRun(t, path, id); r.Status != maker.StatusWaiting {
		t.Fatalf("killed while waiting: %s", r.Status)
	}

	// Restarted, the service takes the run up again, waiting at step 2.
	p = startServe(t, bin, nil, serve...)
	s = &testService{t: t, url: p.url, db: path}
	var open []maker.PendingDecision
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if s.do("GET", "/v1/decisions", nil, &open) == http.StatusOK && len(open) == 1 && open[0].Step == 2 {
			if r := readRun(t, path, id); r.Status == maker.StatusWaiting && strings.Contains(p.out(), "run recovered") {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no recovered run waiting at step 2 in 60s: %+v\n%s", open, p.out())
		}
	}
	var bad struct{ Error string }
	if code := s.do("POST", "/v1/runs/"+id+"/approve", map[string]any{"pick": 1}, &bad); code != http.StatusBadRequest || !strings.Contains(bad.Error, "not a pick") {
		t.Fatalf("a pick for an approval: %d %q", code, bad.Error)
	}
	var d maker.PendingDecision
	if code := s.do("POST", "/v1/runs/"+id+"/approve", map[string]any{"by": "ann"}, &d); code != http.StatusOK || d.Answer == nil || d.Answer.By != "ann" || d.Step != 2 {
		t.Fatalf("POST approve: %d %+v", code, d)
	}
	waitFor(t, path, waitingAt(2))
	if code := s.do("POST", "/v1/runs/"+id+"/reject", map[string]any{}, &bad); code != http.StatusBadRequest || !strings.Contains(bad.Error, "reason") {
		t.Fatalf("a rejection without a reason: %d %q", code, bad.Error)
	}
	if code := s.do("POST", "/v1/runs/"+id+"/reject", map[string]any{"reason": "release freeze"}, &d); code != http.StatusOK {
		t.Fatalf("POST reject: %d", code)
	}
	r := readRun(t, path, waitFor(t, path, func(r *maker.RunRecord) bool { return r.Status == maker.StatusFailed }))
	if r.Steps != 2 {
		t.Fatalf("rejected after %d steps, want 2", r.Steps)
	}
	if code := s.do("POST", "/v1/runs/"+id+"/approve", nil, &bad); code != http.StatusConflict || !strings.Contains(bad.Error, "waits for no decision") {
		t.Fatalf("approve with nothing pending: %d %q", code, bad.Error)
	}
	var all []maker.PendingDecision
	if s.do("GET", "/v1/runs/"+id+"/decisions", nil, &all); len(all) != 3 || all[2].Answer == nil || all[2].Answer.Reason != "release freeze" {
		t.Fatalf("the run's decisions: %+v", all)
	}
}
