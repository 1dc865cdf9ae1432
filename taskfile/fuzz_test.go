package taskfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to the task-file loader. A task file is
// outside input: whatever it holds, loading must end in a task or in an
// error that names the file, never in a panic or a hang, and a loaded task
// must render its first prompt.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(base))
	seeds, _ := filepath.Glob("../examples/yaml/*.yaml")
	seeds = append(seeds, "../docs/testdata/bad-task.yaml")
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(""))
	f.Add([]byte("name: [unclosed"))
	f.Fuzz(func(t *testing.T, data []byte) {
		task, err := Parse("fuzz.yaml", string(data))
		if err != nil {
			// The error names the task file, or a data file it names (an
			// input file with a bad line).
			var fe *Error
			if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), "fuzz.yaml") && !isFile(fe.File) {
				t.Fatalf("error %q (%T) does not name the file", err, err)
			}
			return
		}
		if task == nil {
			t.Fatal("no task and no error")
		}
		task.Prompt(task.Initial(), "", 0)
		task.Done(task.Initial(), 0)
	})
}

func isFile(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}
