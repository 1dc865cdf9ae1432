package runs_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maker-go/maker/runs"
	"github.com/maker-go/maker/taskfile"
	"github.com/maker-go/maker/tasks"
)

// A task file whose steps run a program is refused by the service unless
// it was started with --allow-execute: a client must not be able to run
// commands on the server by default.
func TestServiceRefusesExecuteByDefault(t *testing.T) {
	path, err := filepath.Abs("../examples/yaml/files.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	params, _ := json.Marshal(tasks.TaskFile{File: path, YAML: string(text)})
	job := func() *runs.Job {
		return &runs.Job{DB: filepath.Join(t.TempDir(), "j.db"), Desc: &runs.Description{Kind: "taskfile", Params: params}}
	}
	_, err = runs.Described(&runs.Runner{}, job())
	if !errors.Is(err, runs.ErrInvalid) || !strings.Contains(err.Error(), "--allow-execute") {
		t.Fatalf("a task with execute was not refused by default: %v", err)
	}
	// The program is taken from a directory the service allows.
	dir, err := taskfile.AllowDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := runs.Described(&runs.Runner{AllowExecute: true, AllowDirs: []string{dir}}, job()); err != nil {
		t.Fatalf("refused with --allow-execute --allow-dir: %v", err)
	}
	sum, _ := os.ReadFile("../examples/yaml/running-sum.yaml")
	plain, _ := json.Marshal(tasks.TaskFile{File: "running-sum.yaml", YAML: string(sum)})
	if _, err := runs.Described(&runs.Runner{}, &runs.Job{DB: filepath.Join(t.TempDir(), "j.db"), Desc: &runs.Description{Kind: "taskfile", Params: plain}}); err != nil {
		t.Fatalf("a task without execute was refused: %v", err)
	}
}
