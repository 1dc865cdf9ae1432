package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestTaskFileProgramsCleanUp: a task file whose validate program runs in
// a directory of its own leaves no such directory behind once the run
// ends.
func TestTaskFileProgramsCleanUp(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"run", filepath.Join("..", "..", "examples", "yaml", "sql.yaml"),
		"--model", "sim/sloppy?error=0.3&flag_share=0", "--no-journal", "-q", "--json"}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	left, err := filepath.Glob(filepath.Join(tmp, "maker-*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range left {
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			t.Errorf("the run left %s behind", d)
		}
	}
}
