package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/taskfile"
)

// TestServiceResumesClientTaskFileWithClientRules: a task file a client
// sent is opened, when its run resumes, with the rules it was accepted
// under (its files only from what was sent or an allowed directory, its
// program only from an allowed directory), never with the command line's:
// a program that now leads out of the allowed directory is refused, not
// run.
func TestServiceResumesClientTaskFileWithClientRules(t *testing.T) {
	allowed, err := taskfile.AllowDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	outside := t.TempDir()
	ran := filepath.Join(outside, "ran")
	act := "#!/bin/sh\nstep=$(sed -n 's/.*\"step\":\\([0-9]*\\).*/\\1/p')\necho \"$step\"\n"
	if err := os.WriteFile(filepath.Join(allowed, "act.sh"), []byte(act), 0o755); err != nil {
		t.Fatal(err)
	}
	evil := fmt.Sprintf("#!/bin/sh\ntouch %q\nstep=$(sed -n 's/.*\"step\":\\([0-9]*\\).*/\\1/p')\necho \"$step\"\n", ran)
	if err := os.WriteFile(filepath.Join(outside, "act.sh"), []byte(evil), 0o755); err != nil {
		t.Fatal(err)
	}
	const steps = 6
	text := countingYAML(steps)
	params, err := json.Marshal(map[string]string{"file": filepath.Join(allowed, "task.yaml"), "yaml": text})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	m, err := runs.New(ctx, filepath.Join(t.TempDir(), "j.db"), &runs.Runner{AllowExecute: true, AllowDirs: []string{allowed}}, runs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Shutdown(ctx) //nolint:errcheck
	two := int64(2)
	id, err := m.Start(ctx, runs.Spec{Kind: "taskfile", Params: params, Settings: runs.Settings{MaxSamplesTotal: &two}})
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	if err := m.Wait(ctx, id); err == nil {
		t.Log("first session ended without an error")
	}
	run, err := m.DB().Run(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if run.Status == maker.StatusDone {
		t.Fatalf("the run ended done after %d steps; want it stopped by its budget", run.Steps)
	}
	// The run as front ends show it names no directory of the service's:
	// a refusal does not either.
	in, err := m.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var shown map[string]json.RawMessage
	if err := json.Unmarshal(in.Params, &shown); err != nil {
		t.Fatal(err)
	}
	if c, ok := shown["client"]; ok {
		t.Errorf("the run's params show the service's rules: %s", c)
	}
	// The program in the allowed directory now leads out of it.
	if err := os.Remove(filepath.Join(allowed, "act.sh")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "act.sh"), filepath.Join(allowed, "act.sh")); err != nil {
		t.Fatal(err)
	}
	more := int64(0)
	_, err = m.ResumeWith(ctx, id, &runs.Caps{MaxSamplesTotal: &more})
	if err == nil {
		_ = m.Wait(ctx, id)
		t.Fatalf("the resumed run opened its task file with the command line's rules: a program outside the allowed directory was accepted")
	}
	if !errors.Is(err, runs.ErrInvalid) || !strings.Contains(err.Error(), "outside the directories it allows") {
		t.Fatalf("resume: %v; want the program refused as outside the allowed directories", err)
	}
	if _, err := os.Stat(ran); err == nil {
		t.Fatal("the program outside the allowed directory ran")
	}
}
