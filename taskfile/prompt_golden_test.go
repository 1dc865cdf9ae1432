package taskfile

import (
	"context"
	"testing"

	"github.com/maker-go/maker/internal/golden"
)

// TestPromptGolden pins the prompts of the first steps of the running-sum
// example, so an edit to how a task file's templates are rendered shows up
// in review as a diff of testdata/. After an intended change:
// go test ./taskfile/ -update.
func TestPromptGolden(t *testing.T) {
	task, err := Load(context.Background(), "../examples/yaml/running-sum.yaml")
	if err != nil {
		t.Fatal(err)
	}
	oracle, err := task.Oracle()
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/prompt_running_sum.golden", golden.Prompts(t, task, oracle, 3))
}
