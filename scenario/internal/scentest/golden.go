package scentest

import (
	"path/filepath"
	"testing"

	"github.com/maker-go/maker"
	"github.com/maker-go/maker/internal/golden"
)

// Prompts renders the prompts of a scenario's first steps, as
// [golden.Prompts] does for every task.
func Prompts[S any](t *testing.T, task maker.Task[S], oracle maker.Oracle, steps int) string {
	t.Helper()
	return string(golden.Prompts(t, task, oracle, steps))
}

// Golden compares a scenario's rendered prompts with
// testdata/prompt_<name>.golden; go test -update rewrites the file.
func Golden(t *testing.T, name, got string) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", "prompt_"+name+".golden"), []byte(got))
}
