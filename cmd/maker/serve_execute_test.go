package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/taskfile"
)

// A task file whose steps run a program is refused by the service unless
// it was started with --allow-execute: a client must not be able to run
// commands on the server by default.
func TestServiceRefusesExecuteByDefault(t *testing.T) {
	path, err := filepath.Abs("../../examples/yaml/files.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	params, _ := json.Marshal(taskfileParams{File: path, YAML: string(text)})
	job := func() *runs.Job {
		return &runs.Job{DB: filepath.Join(t.TempDir(), "j.db"), Desc: &runs.Description{Kind: "taskfile", Params: params}}
	}
	_, err = runsBuilder{}.described(job())
	if !errors.Is(err, runs.ErrInvalid) || !strings.Contains(err.Error(), "--allow-execute") {
		t.Fatalf("a task with execute was not refused by default: %v", err)
	}
	// The program is taken from a directory the service allows.
	dir, err := taskfile.AllowDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (runsBuilder{allowExecute: true, allowDirs: []string{dir}}).described(job()); err != nil {
		t.Fatalf("refused with --allow-execute --allow-dir: %v", err)
	}
	sum, _ := os.ReadFile("../../examples/yaml/running-sum.yaml")
	plain, _ := json.Marshal(taskfileParams{File: "running-sum.yaml", YAML: string(sum)})
	if _, err := (runsBuilder{}).described(&runs.Job{DB: filepath.Join(t.TempDir(), "j.db"), Desc: &runs.Description{Kind: "taskfile", Params: plain}}); err != nil {
		t.Fatalf("a task without execute was refused: %v", err)
	}
}
