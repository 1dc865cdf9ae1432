package hanoi

import (
	"testing"

	"github.com/maker-go/maker/internal/golden"
)

// TestPromptGolden pins the prompts of the first steps of 4-disk Hanoi, so an
// edit to the prompt shows up in review as a diff of testdata/. After an
// intended change: go test ./hanoi/ -update.
func TestPromptGolden(t *testing.T) {
	task, err := New(4)
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/prompt_4disks.golden", golden.Prompts(t, task, task, 3))
}
