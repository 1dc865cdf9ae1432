package cubesolve_test

import (
	"testing"

	"github.com/maker-go/maker/cube"
	"github.com/maker-go/maker/cubesolve"
	"github.com/maker-go/maker/internal/golden"
)

// TestPromptGolden pins the prompts of the first steps of the cube solved
// from scramble seed 7, so an edit to the prompt shows up in review as a
// diff of testdata/. After an intended change: go test ./cubesolve/ -update.
func TestPromptGolden(t *testing.T) {
	start, _ := cube.Scramble(7)
	task, err := cubesolve.New(start)
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/prompt_scramble7.golden", golden.Prompts(t, task, task, 3))
}
