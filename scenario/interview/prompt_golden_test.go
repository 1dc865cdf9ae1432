package interview

import (
	"testing"

	"github.com/maker-go/maker/scenario/internal/scentest"
)

// TestPromptGolden holds the prompts of the first three steps of a small
// seeded instance to testdata/prompt_interview.golden (go test -update rewrites
// it), so any change to the text a model reads shows in review.
func TestPromptGolden(t *testing.T) {
	task := scentest.Must(t, Generate, New, 6, 2)
	scentest.Golden(t, "interview", scentest.Prompts(t, task, task, 3))
}
