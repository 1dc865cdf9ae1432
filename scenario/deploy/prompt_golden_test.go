package deploy

import (
	"testing"

	"github.com/maker-go/maker/scenario/internal/scentest"
)

// TestPromptGolden holds the prompts of the first three steps of a small
// seeded fleet, deployed for real, to testdata/prompt_deploy.golden (go
// test -update rewrites it).
func TestPromptGolden(t *testing.T) {
	in, err := Generate(6, 2)
	if err != nil {
		t.Fatal(err)
	}
	f, err := StartFleet(in)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	task, err := New(in, f)
	if err != nil {
		t.Fatal(err)
	}
	scentest.Golden(t, "deploy", scentest.Prompts(t, task, task, 3))
}
